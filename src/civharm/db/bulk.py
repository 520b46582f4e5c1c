"""Fast bulk inserts: rows encoded column by column once, written with one prepared statement.

Used by imports, where SQLAlchemy's per-row parameter handling would cost more than the
database work itself. Values pass through each column type's own bind processor (JSON,
enums, dates), so rows are stored exactly as the ORM would store them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Column, Connection, Date, Dialect, Enum, Table

Converter = Callable[[Any], Any]


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


def _processor(dialect: Dialect, column: Column[Any]) -> Converter | None:
    return column.type._cached_bind_processor(dialect)


def _converter(dialect: Dialect, column: Column[Any]) -> Converter | None:
    """The column type's bind processor, with a quicker way for the values imports write most.

    An enum member, a date on SQLite, a dict or list for SQLite's JSON: each gives exactly what
    the processor gives (tests compare them); any other value goes to the processor.
    """
    slow = _processor(dialect, column)
    if slow is None:
        return None
    kind = column.type.dialect_impl(dialect)
    if isinstance(kind, Enum) and kind.enum_class is not None and not kind.native_enum:
        members = kind.enum_class
        stored = {member: slow(member) for member in members}
        return lambda value: stored[value] if type(value) is members else slow(value)
    if dialect.name != "sqlite":
        return slow
    if (
        isinstance(kind, Date)
        and getattr(kind, "_storage_format", None) == "%(year)04d-%(month)02d-%(day)02d"
    ):
        return lambda value: value.isoformat() if type(value) is date else slow(value)
    serialise = getattr(dialect, "_json_serializer", None)
    if isinstance(kind, JSON) and serialise is not None and kind._str_impl.bind_processor(dialect) is None:
        return lambda value: serialise(value) if type(value) is dict or type(value) is list else slow(value)
    return slow


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
            if (bind := _converter(dialect, table.c[name])) is not None
        ]
        self._binds = {self.columns[position]: bind for position, bind in self._processors}

    def encode_column(self, name: str, values: Sequence[Any]) -> list[Any]:
        """``values`` of column ``name`` encoded as :meth:`encode` encodes them, each distinct value once.

        Lists (JSON columns) are told apart by their items.
        """
        bind = self._binds.get(name)
        if bind is None:
            return list(values)
        if values and type(values[0]) is list:
            keys: Sequence[Any] = [tuple(value) for value in values]
            encoded = {key: bind(list(key)) for key in set(keys)}
        else:
            keys = values
            encoded = {value: bind(value) for value in set(values)}
        return [encoded[key] for key in keys]

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
