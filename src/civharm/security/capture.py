"""Record every write made through an ORM session in the audit chain, without callers asking.

Mapper events note each row inserted, updated or deleted during a flush; after the flush the
rows are read back and digested (as stored, ciphertext included) into pending entries.
Links through association tables and ORM bulk statements are noted too. Pending entries are
chained when the outermost transaction commits: the head lock is taken last, so it never
waits while holding it on a record another writer holds. A rolled-back savepoint or
transaction takes its pending entries with it. After the commit the new head is written to
the checkpoint outside the database.

:func:`install` registers the hooks once per process; ``create_db_engine`` calls it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table, event, select, tuple_
from sqlalchemy import inspect as orm_inspect
from sqlalchemy.engine import Result
from sqlalchemy.orm import (
    Mapper,
    ORMExecuteState,
    Session,
    SessionTransaction,
    UOWTransaction,
    object_session,
)
from sqlalchemy.sql.dml import Delete, Insert, Update

from civharm.db.base import Base
from civharm.security.audit import (
    UNAUDITED_TABLES,
    Head,
    PendingEntry,
    actor_of,
    append,
    write_anchor,
)
from civharm.security.canonical import primary_key_text, raw_table, row_digest
from civharm.security.vault import vault_for

log = logging.getLogger(__name__)

_PENDING = "civharm_audit_pending"
_TOUCHED = "civharm_audit_touched"
_HEAD = "civharm_audit_head"
_BATCH = 500

Touched = tuple[Table, tuple[Any, ...], str, tuple[str, ...]]


def _innermost(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def add_pending(session: Session, entry: PendingEntry) -> None:
    session.info.setdefault(_PENDING, []).append((_innermost(session), entry))


# --- during the flush: note what was written -----------------------------------------------


def _touch(mapper: Mapper[Any], target: Any, operation: str, fields: Sequence[str] = ()) -> None:
    table = mapper.local_table
    if not isinstance(table, Table) or table.name in UNAUDITED_TABLES:
        return
    session = object_session(target)
    if session is None:
        return
    key = tuple(mapper.primary_key_from_instance(target))
    session.info.setdefault(_TOUCHED, []).append((table, key, operation, tuple(fields)))


def _after_insert(mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    _touch(mapper, target, "insert")


def _after_update(mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    state = orm_inspect(target)
    fields = [a.key for a in mapper.column_attrs if state.attrs[a.key].history.has_changes()]
    if fields:
        _touch(mapper, target, "update", sorted(fields))


def _after_delete(mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    _touch(mapper, target, "delete")


# --- after the flush: digest what was written ----------------------------------------------


def _read_digests(session: Session, table: Table, keys: list[tuple[Any, ...]]) -> dict[str, str]:
    raw = raw_table(table)
    columns = list(raw.primary_key.columns)
    found: dict[str, str] = {}
    connection = session.connection()
    for start in range(0, len(keys), _BATCH):
        chunk = keys[start : start + _BATCH]
        single = len(columns) == 1
        where = columns[0].in_([k[0] for k in chunk]) if single else tuple_(*columns).in_(chunk)
        for row in connection.execute(select(raw).where(where)).mappings():
            found[primary_key_text(raw, row)] = row_digest(row)
    return found


def _key_text(table: Table, key: tuple[Any, ...]) -> str:
    names = [c.name for c in table.primary_key.columns]
    return primary_key_text(table, dict(zip(names, key, strict=True)))


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    touched: list[Touched] = session.info.pop(_TOUCHED, [])
    actor = actor_of(session)
    for table, key, operation, fields in touched:
        entry = PendingEntry(actor, operation, table.name, _key_text(table, key), {})
        if fields:
            entry.payload["fields"] = list(fields)
        if operation != "delete":
            entry.digest_rows, entry.single_row = {table: [key]}, True
        add_pending(session, entry)
    for operation, table, row in _link_changes(session):
        payload = {"digest": row_digest(row)} if operation == "link" else {}
        add_pending(
            session, PendingEntry(actor, operation, table.name, primary_key_text(table, row), payload)
        )


def fill_digests(session: Session, entries: list[PendingEntry]) -> None:
    """Digest every row the entries name, reading each table once."""
    wanted: dict[Table, set[tuple[Any, ...]]] = {}
    for entry in entries:
        for table, keys in entry.digest_rows.items():
            wanted.setdefault(table, set()).update(keys)
    if not wanted:
        return
    digests = {table: _read_digests(session, table, sorted(keys)) for table, keys in wanted.items()}
    for entry in entries:
        for table, keys in entry.digest_rows.items():
            found = {text: digests[table].get(text) for text in (_key_text(table, k) for k in keys)}
            if entry.single_row:
                entry.payload["digest"] = next(iter(found.values()))
            else:
                entry.payload.setdefault("rows", {})[table.name] = found
        entry.digest_rows = {}


def _link_changes(session: Session) -> Iterable[tuple[str, Table, dict[str, Any]]]:
    """Rows added to or removed from association tables (many-to-many links) by this flush."""
    seen: set[tuple[str, str, str]] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, Base):
            continue
        state = orm_inspect(obj)
        for relationship in state.mapper.relationships:
            secondary = relationship.secondary
            if not isinstance(secondary, Table) or secondary.name in UNAUDITED_TABLES:
                continue
            history = state.attrs[relationship.key].history
            removed = list(history.deleted)
            if obj in session.deleted:
                removed += list(history.unchanged)
            for operation, others in (("link", history.added), ("unlink", removed)):
                for other in others:
                    row = _link_row(obj, other, relationship.synchronize_pairs)
                    row.update(_link_row(other, None, relationship.secondary_synchronize_pairs or ()))
                    mark = (operation, secondary.name, primary_key_text(secondary, row))
                    if mark not in seen:
                        seen.add(mark)
                        yield operation, secondary, row


def _link_row(obj: Any, _other: Any, pairs: Sequence[tuple[Any, Any]]) -> dict[str, Any]:
    mapper = orm_inspect(obj).mapper
    return {target.name: getattr(obj, mapper.get_property_by_column(source).key) for source, target in pairs}


# --- ORM bulk statements: session.execute(update(Model)...) --------------------------------


def _bulk_statement(state: ORMExecuteState) -> Result[Any] | None:
    statement = state.statement
    if not isinstance(statement, Insert | Update | Delete):
        return None
    table = statement.table
    if not isinstance(table, Table) or table.name in UNAUDITED_TABLES:
        return None
    session = state.session
    columns = list(table.primary_key.columns)
    keys = _keys_from_parameters(state.parameters, columns)
    if isinstance(statement, Insert):
        if keys is None:
            # Learn the new rows' keys from the statement itself; the caller asked for no rows,
            # so it gets the (now exhausted) result back.
            result = state.invoke_statement(statement=statement.returning(*columns))
            keys = [tuple(row) for row in result.all()]
            _record_bulk_rows(session, table, "bulk_insert", keys)
            return result
        action = "bulk_insert"
    else:
        if keys is None:
            where = statement.whereclause
            query = select(*columns) if where is None else select(*columns).where(where)
            keys = [tuple(row) for row in session.connection().execute(query)]
        action = "bulk_delete" if isinstance(statement, Delete) else "bulk_update"
    result = state.invoke_statement()
    _record_bulk_rows(session, table, action, keys)
    return result


def _keys_from_parameters(params: Any, columns: Sequence[Any]) -> list[tuple[Any, ...]] | None:
    """Primary keys given in an executemany parameter list (ORM bulk by primary key)."""
    if isinstance(params, list) and params and all(all(c.key in p for c in columns) for p in params):
        return [tuple(p[c.key] for c in columns) for p in params]
    return None


def _record_bulk_rows(session: Session, table: Table, action: str, keys: list[tuple[Any, ...]]) -> None:
    texts = [_key_text(table, k) for k in keys]
    record = texts[0] if len(texts) == 1 else f"{len(texts)} rows"
    entry = PendingEntry(actor_of(session), action, table.name, record, {})
    if action == "bulk_delete":
        entry.payload["deleted"] = {table.name: texts}
    else:
        entry.digest_rows = {table: keys}
    add_pending(session, entry)


def _do_orm_execute(state: ORMExecuteState) -> Result[Any] | None:
    if state.is_select:
        return None
    return _bulk_statement(state)


# --- transaction boundaries -----------------------------------------------------------------


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint is released; its entries wait for the outermost commit
    session.flush()
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    entries = [entry for _, entry in pending]
    fill_digests(session, entries)
    session.info[_HEAD] = append(session.connection(), entries)


def _after_commit(session: Session) -> None:
    head: Head | None = session.info.pop(_HEAD, None)
    if head is None:
        return
    bind = session.get_bind()
    try:
        write_anchor(vault_for(bind.dialect), head)
    except OSError as exc:  # the data is committed; say loudly that the checkpoint lags
        log.warning("could not write the audit checkpoint: %s", exc)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    session.info.pop(_TOUCHED, None)
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [(t, e) for t, e in pending if not _within(t, previous)]


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_TOUCHED, None)


_MAPPER_HOOKS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("after_insert", _after_insert),
    ("after_update", _after_update),
    ("after_delete", _after_delete),
)
_SESSION_HOOKS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("after_flush", _after_flush),
    ("do_orm_execute", _do_orm_execute),
    ("before_commit", _before_commit),
    ("after_commit", _after_commit),
    ("after_soft_rollback", _after_soft_rollback),
    ("after_transaction_end", _after_transaction_end),
)
_installed = False


def install() -> None:
    """Register the hooks on every session and mapped class (once per process)."""
    global _installed
    if _installed:
        return
    for name, hook in _MAPPER_HOOKS:
        event.listen(Base, name, hook, propagate=True)
    for name, hook in _SESSION_HOOKS:
        event.listen(Session, name, hook)
    _installed = True


def uninstall() -> None:
    """Remove the hooks again: only for measuring what auditing costs (bench/security.py)."""
    global _installed
    if not _installed:
        return
    for name, hook in _MAPPER_HOOKS:
        event.remove(Base, name, hook)
    for name, hook in _SESSION_HOOKS:
        event.remove(Session, name, hook)
    _installed = False
