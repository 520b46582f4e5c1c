"""Fast bulk inserts for imports: one prepared statement, values converted column by column."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Connection, Table


def _column_default(column: Column[Any]) -> Any:
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)  # type: ignore[attr-defined]
    if default.is_scalar:
        return default.arg  # type: ignore[attr-defined]
    return None


class BulkInserter:
    """Inserts many rows of one shape into ``table`` with the driver's ``executemany``.

    Values pass through each column type's own bind processor (JSON, enums, dates), so rows
    are stored exactly as the ORM would store them. ``constants`` (the same for every row,
    such as the import run's id) and Python-side defaults of columns the rows leave out are
    converted once, not per row. Columns without a value or a Python default (an
    autoincrementing id, say) are left to the database. This skips SQLAlchemy's per-row
    parameter machinery, which dominates the cost of large imports.
    """

    def __init__(
        self,
        connection: Connection,
        table: Table,
        varying: Iterable[str],
        constants: dict[str, Any] | None = None,
    ) -> None:
        self.connection = connection
        dialect = connection.dialect
        self.varying = list(varying)
        given = {**(constants or {})}
        for column in table.columns:
            if column.name not in given and column.name not in self.varying and column.default is not None:
                given[column.name] = _column_default(column)
        self._pick = itemgetter(*self.varying)
        # Used only for a row that lacks some varying column.
        self._fallback = {name: _column_default(table.c[name]) for name in self.varying}
        self._processors: list[tuple[int, Callable[[Any], Any]]] = []
        for position, name in enumerate(self.varying):
            bind = table.c[name].type._cached_bind_processor(dialect)
            if bind is not None:
                self._processors.append((position, bind))
        self._constants = [self._process(table, name, value) for name, value in given.items()]
        names = [*self.varying, *given]
        quote = dialect.identifier_preparer.quote
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        self._sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
            f"VALUES ({', '.join([marker] * len(names))})"
        )

    def _process(self, table: Table, name: str, value: Any) -> Any:
        bind = table.c[name].type._cached_bind_processor(self.connection.dialect)
        return bind(value) if bind is not None else value

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert ``rows``; each must have every column named in ``varying``."""
        if not rows:
            return
        pick, processors, constants = self._pick, self._processors, self._constants
        converted = []
        for row in rows:
            try:
                picked = pick(row)
            except KeyError:
                picked = pick({**self._fallback, **row})
            values = list(picked) if len(self.varying) > 1 else [picked]
            for position, processor in processors:
                values[position] = processor(values[position])
            values.extend(constants)
            converted.append(tuple(values))
        self.connection.exec_driver_sql(self._sql, converted)


def bulk_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the keys of the first) in one ``executemany``."""
    if rows:
        BulkInserter(connection, table, rows[0].keys()).insert(rows)
