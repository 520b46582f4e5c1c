"""The tamper-evident audit trail: a hash chain of every write and every restricted read.

Each entry's ``hash`` is HMAC-SHA256, under a key kept outside the database, of the previous
entry's hash and the canonical JSON of the entry. Entries are numbered 1, 2, 3, ... without
gaps. The newest link also sits in the ``audit_head`` row, which every append locks, so
concurrent writers (PostgreSQL) queue and chain in commit order. A checkpoint of the head is
written outside the database, beside the key, so removing the newest entries is noticed.

Entries hold field names and digests of rows, never personal values. ``verify`` walks the
chain and then compares every row of the tracked tables with the digest its latest entry
recorded, so a record edited directly in the database is noticed too.

Writes made through an ORM session are recorded automatically (:mod:`civharm.security.capture`);
bulk writes on a connection call :func:`record_bulk`; disclosures call :func:`record_read`.
"""

from __future__ import annotations

import contextvars
import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Table, insert, select, update
from sqlalchemy.orm import Session

from civharm.db.base import table_of, utcnow
from civharm.security.canonical import canonical_json, normalise, primary_key_text, row_digest, stored_columns
from civharm.security.models import AuditEntry, AuditHead
from civharm.security.vault import Vault, vault_for

GENESIS = "0" * 64
HEAD_ID = 1

#: Who is acting, for writes whose session does not say (set by the web middleware and the CLI).
current_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("civharm_actor", default=None)

#: Tables whose rows ``verify`` compares with their audited digests. Features add theirs
#: with :func:`track_state` when every write to them goes through a session or record_bulk.
STATE_TABLES: set[str] = {
    "incidents",
    "incident_topics",
    "reports",
    "casualties",
    "casualty_counts",
    "imports",
    "users",
    "access_grants",
    "api_tokens",
}
#: Tables never recorded: the chain itself, and churn that is not a record (logins, counters).
UNAUDITED_TABLES: frozenset[str] = frozenset(
    {"audit_log", "audit_head", "auth_sessions", "login_throttle", "code_sequences", "alembic_version"}
)


def track_state(table_name: str) -> None:
    STATE_TABLES.add(table_name)


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Record writes and reads in this block as made by ``actor``."""
    token = current_actor.set(actor)
    try:
        yield
    finally:
        current_actor.reset(token)


def actor_of(session: Session | None = None) -> str:
    if session is not None and isinstance(session.info.get("civharm_actor"), str):
        return str(session.info["civharm_actor"])
    return current_actor.get() or "unknown"


@dataclass(slots=True)
class PendingEntry:
    """An entry waiting for its place in the chain.

    Rows named in ``digest_rows`` are digested just before the entry is chained, in one read
    per table for the whole transaction: into ``payload["digest"]`` for a single row, or into
    ``payload["rows"]`` for a bulk write.
    """

    actor: str
    action: str
    table_name: str
    record_id: str
    payload: dict[str, Any]
    at: str = field(default_factory=lambda: normalise(utcnow()))
    digest_rows: dict[Table, list[tuple[Any, ...]]] = field(default_factory=dict)
    single_row: bool = False


@dataclass(frozen=True, slots=True)
class Head:
    store_id: str
    last_id: int
    last_hash: str


def entry_body(
    entry_id: int, at: str, actor: str, action: str, table_name: str, record_id: str, payload: str
) -> bytes:
    """The bytes an entry's hash seals."""
    return canonical_json(
        {
            "id": entry_id,
            "at": at,
            "actor": actor,
            "action": action,
            "table": table_name,
            "record": record_id,
            "payload": payload,
        }
    )


def append(connection: Connection, entries: list[PendingEntry]) -> Head:
    """Chain ``entries`` after the current head, inside the caller's transaction."""
    head_table = table_of(AuditHead)
    if connection.dialect.name == "sqlite":
        # Take SQLite's write lock before reading the head, so no other writer slips in between.
        connection.execute(
            update(head_table).where(head_table.c.id == HEAD_ID).values(last_id=head_table.c.last_id)
        )
    row = connection.execute(select(head_table).where(head_table.c.id == HEAD_ID).with_for_update()).one()
    head = Head(row.store_id, row.last_id, row.last_hash)
    if not entries:
        return head
    vault = vault_for(connection.dialect)
    rows, last_id, last_hash = [], head.last_id, head.last_hash
    for entry in entries:
        last_id += 1
        payload = canonical_json(entry.payload).decode()
        body = entry_body(
            last_id, entry.at, entry.actor, entry.action, entry.table_name, entry.record_id, payload
        )
        digest = vault.seal(last_hash, body)
        rows.append(
            {
                "id": last_id,
                "at": entry.at,
                "actor": entry.actor[:120],
                "action": entry.action,
                "table_name": entry.table_name,
                "record_id": entry.record_id[:64],
                "payload": payload,
                "prev_hash": last_hash,
                "hash": digest,
            }
        )
        last_hash = digest
    connection.execute(insert(table_of(AuditEntry)), rows)
    connection.execute(
        update(head_table).where(head_table.c.id == HEAD_ID).values(last_id=last_id, last_hash=last_hash)
    )
    return Head(head.store_id, last_id, last_hash)


# --- entries other code records ----------------------------------------------------------


def record_read(session: Session, *, table_name: str, record_ids: list[str], purpose: str = "view") -> None:
    """Note that restricted records were disclosed; chained when the session commits."""
    if not record_ids:
        return
    entry = PendingEntry(
        actor=actor_of(session),
        action="read",
        table_name=table_name,
        record_id=record_ids[0] if len(record_ids) == 1 else f"{len(record_ids)} records",
        payload={"ids": record_ids, "purpose": purpose},
    )
    from civharm.security.capture import add_pending  # the session hooks own the pending list

    add_pending(session, entry)


def digests_of(connection: Connection, table: Table, where: ColumnElement[bool]) -> dict[str, str]:
    """Digest of every row of ``table`` matching ``where``, keyed by primary key text."""
    result = connection.execute(select(*stored_columns(table)).where(where))
    return {primary_key_text(table, row): row_digest(row) for row in result.mappings()}


def record_bulk(
    connection: Connection,
    *,
    action: str,
    table_name: str,
    record_id: str,
    rows: Mapping[Table, ColumnElement[bool]],
    summary: dict[str, Any],
    actor: str | None = None,
    digests: Mapping[str, dict[str, str]] | None = None,
) -> Head:
    """Chain one summary entry for a bulk write (an import, say), with the digest of each row.

    ``rows`` maps each table written to a condition selecting the rows written; they are read
    back and digested. A writer that digested what it wrote (exactly as :func:`row_digest`
    digests the row read back, see :class:`civharm.security.canonical.RowDigests`) passes
    those instead in ``digests``, per table name and primary key text; a table named there is
    not read back. Call it last in the transaction, then :func:`checkpoint` after the commit.
    """
    given = dict(digests or {})
    read_back = {
        table.name: digests_of(connection, table, where)
        for table, where in rows.items()
        if table.name not in given
    }
    payload = {"summary": summary, "rows": {**given, **read_back}}
    entry = PendingEntry(actor or actor_of(), action, table_name, record_id, payload)
    return append(connection, [entry])


# --- the checkpoint outside the database -------------------------------------------------


def _anchor_path(vault: Vault, store_id: str) -> Path:
    return vault.anchor_dir / f"{store_id}.json"


def read_anchor(vault: Vault, store_id: str) -> Head | None:
    path = _anchor_path(vault, store_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Head(str(data["store_id"]), int(data["last_id"]), str(data["last_hash"]))


def write_anchor(vault: Vault, head: Head, *, force: bool = False) -> None:
    """Record ``head`` outside the database; never moves backwards unless ``force``."""
    if head.last_id == 0 and not force:
        return
    vault.anchor_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = _anchor_path(vault, head.store_id)
    with open(path.with_suffix(".lock"), "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = read_anchor(vault, head.store_id)
        if current is not None and current.last_id >= head.last_id and not force:
            return
        temporary = path.with_suffix(".tmp")
        document = {"store_id": head.store_id, "last_id": head.last_id, "last_hash": head.last_hash}
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({**document, "written_at": normalise(utcnow())}, handle)
        temporary.replace(path)


def read_head(connection: Connection) -> Head:
    head_table = table_of(AuditHead)
    row = connection.execute(select(head_table).where(head_table.c.id == HEAD_ID)).one()
    return Head(row.store_id, row.last_id, row.last_hash)


def checkpoint(engine: Engine) -> Head:
    """Write the committed head of ``engine``'s chain to the checkpoint outside the database."""
    with engine.connect() as connection:
        head = read_head(connection)
    write_anchor(vault_for(engine.dialect), head)
    return head
