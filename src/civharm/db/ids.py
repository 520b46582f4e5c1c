"""Hand out primary keys in blocks, so bulk writes need no RETURNING round trip per row."""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select, text


def allocate_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """Reserve ``count`` new ids for ``table`` inside the caller's transaction.

    PostgreSQL draws them from the column's sequence, so concurrent writers never collide.
    SQLite has a single writer: once this transaction has written, it holds the write lock,
    so ``max(id) + 1`` onwards is free until it commits.
    """
    if count <= 0:
        return []
    if connection.dialect.name == "postgresql":
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar_one()
        rows = connection.execute(
            text("SELECT nextval(:sequence) FROM generate_series(1, :count)"),
            {"sequence": sequence, "count": count},
        )
        return [int(value) for value in rows.scalars()]
    start = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
    return list(range(start, start + count))
