"""Human-readable incident codes: ``CH-2026-000123``, stable once given."""

from __future__ import annotations

import re

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from civharm.db.base import table_of
from civharm.incidents.models import CodeSequence

CODE_PREFIX = "CH"
CODE_PATTERN = re.compile(r"^[A-Z]{2,8}-\d{4}-\d{6,}$")


def format_code(year: int, number: int, prefix: str = CODE_PREFIX) -> str:
    return f"{prefix}-{year:04d}-{number:06d}"


def allocate_codes(
    connection: Connection, *, year: int, count: int = 1, prefix: str = CODE_PREFIX
) -> list[str]:
    """Reserve ``count`` consecutive codes for ``year`` inside the caller's transaction.

    One atomic upsert per call: concurrent writers on PostgreSQL queue on the row lock, so
    no two incidents ever share a code.
    """
    if count <= 0:
        return []
    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    table = table_of(CodeSequence)
    statement = (
        dialect_insert(table)
        .values(prefix=prefix, year=year, last=count)
        .on_conflict_do_update(index_elements=["prefix", "year"], set_={"last": table.c.last + count})
        .returning(table.c.last)
    )
    last = int(connection.execute(statement).scalar_one())
    return [format_code(year, number, prefix) for number in range(last - count + 1, last + 1)]
