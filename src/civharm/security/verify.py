"""``civharm audit verify``: is the chain intact, and does every tracked row match its entry?

Checks, in order, stopping at the first broken entry of the chain:

1. entries are numbered 1, 2, 3, ... (a gap is a removed entry);
2. each entry names its predecessor's hash and its own hash seals its content;
3. the head row and the checkpoint outside the database agree with the chain's end
   (so removing the newest entries is noticed);
4. every row of the tracked tables has the digest its latest entry recorded, no row exists
   that no entry recorded, and no recorded row has vanished.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, select

from civharm.db.base import Base, table_of
from civharm.security.audit import GENESIS, STATE_TABLES, Head, entry_body, read_anchor, read_head
from civharm.security.canonical import primary_key_text, raw_table, row_digest
from civharm.security.models import AuditEntry
from civharm.security.vault import Vault, vault_for

MAX_PROBLEMS = 50
_DELETED = ""


@dataclass
class Verification:
    """The outcome of a verification, for people and for scripts."""

    entries: int = 0
    rows_checked: int = 0
    #: The first entry of the chain that is missing, altered or out of place.
    first_broken_entry: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "rows_checked": self.rows_checked,
            "first_broken_entry": self.first_broken_entry,
            "problems": self.problems,
        }


def _entries(connection: Connection) -> Iterator[Any]:
    table = table_of(AuditEntry)
    result = connection.execution_options(yield_per=2000).execute(select(table).order_by(table.c.id))
    yield from result


Expected = dict[str, dict[str, tuple[str, int]]]
"""Per table, per primary key: the digest the latest entry recorded (or deleted), and that entry."""


def _apply(expected: Expected, row: Any) -> None:
    """Update the expected state of rows with what one entry recorded."""
    if row.action == "read":
        return
    payload = orjson.loads(row.payload)
    if row.action in ("insert", "update", "link"):
        expected.setdefault(row.table_name, {})[row.record_id] = (payload.get("digest") or "", row.id)
    elif row.action in ("delete", "unlink"):
        expected.setdefault(row.table_name, {})[row.record_id] = (_DELETED, row.id)
    for table_name, digests in payload.get("rows", {}).items():
        rows = expected.setdefault(table_name, {})
        for key, digest in digests.items():
            rows[key] = (digest, row.id)
    for table_name, keys in payload.get("deleted", {}).items():
        rows = expected.setdefault(table_name, {})
        for key in keys:
            rows[key] = (_DELETED, row.id)


def _walk_chain(connection: Connection, vault: Vault, report: Verification) -> tuple[int, str, Expected]:
    previous, number = GENESIS, 0
    expected: Expected = {}
    for row in _entries(connection):
        number += 1
        report.entries = number
        if row.id != number:
            report.first_broken_entry = number
            report.add(f"audit entry {number} is missing (the next entry is {row.id})")
            return number - 1, previous, expected
        body = entry_body(row.id, row.at, row.actor, row.action, row.table_name, row.record_id, row.payload)
        if row.prev_hash != previous:
            report.first_broken_entry = number
            report.add(f"audit entry {number} does not follow entry {number - 1} (its link was changed)")
            return number - 1, previous, expected
        if vault.seal(previous, body) != row.hash:
            report.first_broken_entry = number
            report.add(
                f"audit entry {number} was altered ({row.action} {row.table_name} {row.record_id} "
                f"by {row.actor} at {row.at}): its hash does not match its content"
            )
            return number - 1, previous, expected
        _apply(expected, row)
        previous = row.hash
    return number, previous, expected


def _check_end(head: Head, anchor: Head | None, last_id: int, last_hash: str, report: Verification) -> None:
    if head.last_id != last_id or head.last_hash != last_hash:
        report.first_broken_entry = report.first_broken_entry or last_id + 1
        report.add(
            f"the chain ends at entry {last_id} but its head row says {head.last_id}: "
            f"entries after {min(last_id, head.last_id)} were removed or the head was changed"
        )
    if anchor is not None and anchor.last_id > last_id:
        report.first_broken_entry = report.first_broken_entry or last_id + 1
        report.add(
            f"the checkpoint outside the database records entry {anchor.last_id} but the chain ends at "
            f"entry {last_id}: entries {last_id + 1}-{anchor.last_id} were removed"
        )


def _check_anchor_link(connection: Connection, anchor: Head | None, report: Verification) -> None:
    if anchor is None or anchor.last_id == 0 or not report.ok:
        return
    table = table_of(AuditEntry)
    stored = connection.execute(select(table.c.hash).where(table.c.id == anchor.last_id)).scalar()
    if stored is not None and stored != anchor.last_hash:
        report.first_broken_entry = anchor.last_id
        report.add(
            f"audit entry {anchor.last_id} differs from the checkpoint kept outside the database: "
            "the chain was rewritten from there on"
        )


def _check_rows(connection: Connection, expected: Expected, report: Verification) -> None:
    for table in Base.metadata.sorted_tables:
        if table.name not in STATE_TABLES:
            continue
        raw = raw_table(table)
        recorded = expected.get(table.name, {})
        seen: set[str] = set()
        for row in connection.execution_options(yield_per=2000).execute(select(raw)).mappings():
            report.rows_checked += 1
            key = primary_key_text(raw, row)
            seen.add(key)
            digest, entry = recorded.get(key, (None, 0))
            if digest is None:
                report.add(f"{table.name} row {key} was written outside civharm: no audit entry records it")
            elif digest == _DELETED:
                report.add(f"{table.name} row {key} was deleted by audit entry {entry} but is present again")
            elif digest != row_digest(row):
                report.add(
                    f"{table.name} row {key} was changed outside civharm: it differs from the state "
                    f"recorded by audit entry {entry}"
                )
        for key, (digest, entry) in recorded.items():
            if digest != _DELETED and key not in seen:
                report.add(
                    f"{table.name} row {key} (recorded by audit entry {entry}) was removed outside civharm"
                )


def verify(connection: Connection, *, vault: Vault | None = None, check_rows: bool = True) -> Verification:
    """Verify the chain on ``connection`` (read only). See the module docstring."""
    vault = vault or vault_for(connection.dialect)
    report = Verification()
    last_id, last_hash, expected = _walk_chain(connection, vault, report)
    head = read_head(connection)
    anchor = read_anchor(vault, head.store_id)
    if report.ok:
        _check_end(head, anchor, last_id, last_hash, report)
    _check_anchor_link(connection, anchor, report)
    if check_rows and report.ok:
        _check_rows(connection, expected, report)
    return report
