"""Backup and restore of the whole store, exactly, across SQLite and PostgreSQL.

A backup is a gzip-compressed file of JSON lines: a header (format, schema revision, time),
then each table's columns and rows in foreign-key order, then a trailer with row counts and
the SHA-256 of everything before it. Every table is included: records, users, grants and
the audit chain, whose entries keep their exact text, so the restored chain verifies.
Encrypted fields stay ciphertext: a backup holds no names in the clear, and restoring it
needs the same key file (back that up separately and keep it apart).

Restore goes into an empty store, in one transaction: a truncated or altered file restores
nothing.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Date, DateTime, Engine, Integer, Table, delete, func, insert, select, text

from civharm.db.base import Base, utcnow
from civharm.db.schema import current_revision, head_revision, upgrade_schema
from civharm.errors import ConflictError, InputFileError, RowError, ValidationError
from civharm.security.audit import read_head, write_anchor
from civharm.security.canonical import normalise, raw_table, stored_value
from civharm.security.vault import vault_for

FORMAT = "civharm-backup"
VERSION = 1
_BATCH = 1000


@dataclass
class BackupSummary:
    file: str
    schema: str | None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _tables() -> list[Table]:
    return [raw_table(t) for t in Base.metadata.sorted_tables]


class _Writer:
    """JSON lines into a gzip file, hashing every byte written."""

    def __init__(self, handle: gzip.GzipFile) -> None:
        self.handle = handle
        self.sha = hashlib.sha256()

    def line(self, value: Any) -> None:
        data = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS) + b"\n"
        self.sha.update(data)
        self.handle.write(data)


def _snapshot(connection: Connection) -> None:
    """Read every table from one snapshot of the database."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    else:
        connection.exec_driver_sql("BEGIN")  # pysqlite starts no transaction for reads by itself


def backup(engine: Engine, path: Path) -> BackupSummary:
    """Write the whole store to ``path`` (written beside it, then renamed into place)."""
    summary = BackupSummary(file=str(path), schema=current_revision(engine))
    partial = path.with_name(path.name + ".partial")
    with (
        engine.connect() as connection,
        partial.open("wb") as output,
        gzip.GzipFile(filename=path.name, mode="wb", fileobj=output, compresslevel=6) as handle,
    ):
        _snapshot(connection)
        writer = _Writer(handle)
        tables = _tables()
        writer.line(
            {
                "format": FORMAT,
                "version": VERSION,
                "schema": summary.schema,
                "created_at": normalise(utcnow()),
                "backend": engine.dialect.name,
                "tables": [t.name for t in tables],
            }
        )
        for table in tables:
            summary.rows[table.name] = _write_table(connection, table, writer)
        writer.line({"complete": True, "rows": summary.rows, "sha256": writer.sha.hexdigest()})
        connection.rollback()
    partial.replace(path)
    return summary


def _write_table(connection: Connection, table: Table, writer: _Writer) -> int:
    names = [c.name for c in table.columns]
    writer.line({"table": table.name, "columns": names})
    order = list(table.primary_key.columns) or list(table.columns)
    count = 0
    result = connection.execution_options(yield_per=_BATCH).execute(select(table).order_by(*order))
    for row in result:
        writer.line([stored_value(value) for value in row])
        count += 1
    return count


# --- restore ----------------------------------------------------------------------------------


def _decoder(column_type: Any) -> Any:
    if isinstance(column_type, DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(column_type, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    return None


class _Reader:
    def __init__(self, path: Path, handle: gzip.GzipFile) -> None:
        self.path = path
        self.handle = handle
        self.sha = hashlib.sha256()
        self.number = 0

    def lines(self) -> Iterator[Any]:
        for raw in self.handle:
            self.number += 1
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise self.error("not a JSON line") from None
            if isinstance(value, dict) and value.get("complete"):
                if value.get("sha256") != self.sha.hexdigest():
                    raise self.error("the file's checksum does not match its content: it was changed")
                yield value
                return
            self.sha.update(raw)
            yield value
        raise self.error("the file ends early: it is truncated")

    def error(self, message: str) -> InputFileError:
        return InputFileError(str(self.path), [RowError(str(self.path), self.number, "", message)])


def _check_target(connection: Connection) -> None:
    for table in _tables():
        if table.name == "audit_head":
            continue
        count = connection.execute(select(func.count()).select_from(table)).scalar_one()
        if count:
            raise ConflictError(
                f"the target store is not empty ({table.name} has {count} rows); restore into a new database"
            )


def restore(engine: Engine, path: Path) -> BackupSummary:
    """Restore a backup into the (empty) store of ``engine``; the schema is created if needed."""
    upgrade_schema(engine)
    summary = BackupSummary(file=str(path), schema=current_revision(engine))
    tables = {t.name: t for t in _tables()}
    with gzip.open(path, "rb") as handle, engine.begin() as connection:
        reader = _Reader(path, handle)
        lines = reader.lines()
        try:
            header = next(lines)
        except (OSError, EOFError) as exc:
            raise reader.error(f"not a civharm backup ({exc})") from exc
        _check_header(reader, header, head_revision(engine))
        _check_target(connection)
        connection.execute(delete(tables["audit_head"]))
        _load_tables(connection, reader, lines, tables, summary)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, tables.values())
        head = read_head(connection)
    write_anchor(vault_for(engine.dialect), head, force=True)
    return summary


def _check_header(reader: _Reader, header: Any, schema: str | None) -> None:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise reader.error("not a civharm backup")
    if header.get("version") != VERSION:
        raise reader.error(f"backup format version {header.get('version')} is not supported")
    if header.get("schema") != schema:
        raise ValidationError(
            f"the backup was made at schema {header.get('schema')}, this civharm is at {schema}; "
            "restore it with the civharm version that made it"
        )


def _load_tables(
    connection: Connection,
    reader: _Reader,
    lines: Iterator[Any],
    tables: dict[str, Table],
    summary: BackupSummary,
) -> None:
    table: Table | None = None
    names: list[str] = []
    decoders: list[Any] = []
    batch: list[dict[str, Any]] = []
    for line in lines:
        if isinstance(line, dict) and "table" in line:
            _flush(connection, table, batch)
            table = tables.get(line["table"])
            if table is None:
                raise reader.error(f"unknown table {line['table']!r}")
            names = list(line["columns"])
            decoders = [_decoder(table.c[n].type) for n in names]
            summary.rows[table.name] = 0
        elif isinstance(line, dict) and line.get("complete"):
            _flush(connection, table, batch)
            if line.get("rows") != summary.rows:
                raise reader.error("row counts differ from the trailer")
            return
        elif isinstance(line, list) and table is not None:
            values = [v if d is None else d(v) for v, d in zip(line, decoders, strict=True)]
            batch.append(dict(zip(names, values, strict=True)))
            summary.rows[table.name] += 1
            if len(batch) >= _BATCH:
                _flush(connection, table, batch)
        else:
            raise reader.error("unexpected line")


def _flush(connection: Connection, table: Table | None, batch: list[dict[str, Any]]) -> None:
    if table is not None and batch:
        connection.execute(insert(table), batch)
    batch.clear()


def _reset_sequences(connection: Connection, tables: Any) -> None:
    for table in tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or not isinstance(columns[0].type, Integer):
            continue
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": columns[0].name}
        ).scalar()
        if sequence:
            highest = f"(SELECT MAX({columns[0].name}) FROM {table.name})"
            connection.execute(text(f"SELECT setval(:s, COALESCE({highest}, 0) + 1, false)"), {"s": sequence})
