"""Fast bulk inserts: rows encoded column by column once, written with one prepared statement.

Used by imports, where SQLAlchemy's per-row parameter handling would cost more than the
database work itself. Values pass through each column type's own bind processor (JSON,
enums, dates), so rows are stored exactly as the ORM would store them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Connection, Dialect, Table


def column_default(column: Column[Any]) -> Any:
    """The Python-side default of ``column`` (called, if it is a function), else ``None``."""
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)  # type: ignore[attr-defined]
    if default.is_scalar:
        return default.arg  # type: ignore[attr-defined]
    return None


def _processor(dialect: Dialect, column: Column[Any]) -> Callable[[Any], Any] | None:
    return column.type._cached_bind_processor(dialect)


class RowEncoder:
    """Turns dicts into tuples of driver-ready values for ``columns`` of ``table``.

    A row missing a column gets the column's Python default. Encoders are cheap to build
    and hold no connection, so a worker process can encode while another writes.
    """

    def __init__(self, dialect: Dialect, table: Table, columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self._pick = itemgetter(*self.columns)
        self._fallback = {name: column_default(table.c[name]) for name in self.columns}
        self._processors = [
            (position, bind)
            for position, name in enumerate(self.columns)
            if (bind := _processor(dialect, table.c[name])) is not None
        ]

    def encode(self, row: dict[str, Any]) -> tuple[Any, ...]:
        try:
            picked = self._pick(row)
        except KeyError:
            picked = self._pick({**self._fallback, **row})
        values = list(picked) if len(self.columns) > 1 else [picked]
        for position, processor in self._processors:
            values[position] = processor(values[position])
        return tuple(values)


class PreparedInsert:
    """``INSERT INTO table (columns..., constants...)`` run with ``executemany``.

    ``constants`` are the same for every row (an import run's id, say); they and the Python
    defaults of columns named nowhere are encoded once. Columns without a value or a Python
    default (an autoincrementing id) are left to the database.
    """

    def __init__(
        self,
        connection: Connection,
        table: Table,
        columns: Iterable[str],
        constants: dict[str, Any] | None = None,
    ) -> None:
        self.connection = connection
        dialect = connection.dialect
        named = list(columns)
        given = dict(constants or {})
        for column in table.columns:
            if column.name not in given and column.name not in named and column.default is not None:
                given[column.name] = column_default(column)
        self._constants = tuple(
            bind(value) if (bind := _processor(dialect, table.c[name])) is not None else value
            for name, value in given.items()
        )
        names = [*named, *given]
        quote = dialect.identifier_preparer.quote
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        self.sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
            f"VALUES ({', '.join([marker] * len(names))})"
        )

    def execute(self, rows: Iterable[tuple[Any, ...]]) -> None:
        constants = self._constants
        parameters = [row + constants for row in rows]
        if parameters:
            self.connection.exec_driver_sql(self.sql, parameters)


def bulk_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the keys of the first) in one ``executemany``."""
    if rows:
        encoder = RowEncoder(connection.dialect, table, list(rows[0]))
        PreparedInsert(connection, table, encoder.columns).execute(encoder.encode(r) for r in rows)
