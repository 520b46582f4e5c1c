"""Canonical forms that hash the same on SQLite and PostgreSQL: JSON text, rows, row digests.

The audit chain and backups must not depend on which backend returned a value: SQLite gives
naive datetimes and PostgreSQL aware ones in the session's time zone; JSONB reorders keys.
Every value is normalised first (datetimes to UTC ISO text, dates to ISO text, enums to
their values) and JSON is written with sorted keys and no spaces.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

import orjson
from sqlalchemy import Column, MetaData, RowMapping, String, Table, Text, type_coerce
from sqlalchemy import Enum as SAEnum

from civharm.security.encrypted import EncryptedJSON, EncryptedText

DIGEST_CHARS = 32  # 128 bits of SHA-256: ample to notice tampering, half the storage


_PRIMITIVES = frozenset({str, int, float, bool, type(None)})


def normalise(value: Any) -> Any:
    """A JSON-ready value that is the same whichever backend produced ``value``."""
    kind = type(value)
    if kind in _PRIMITIVES:
        return value
    if kind is dict:
        return {str(k): normalise(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [normalise(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    return value


def stored_value(value: Any) -> Any:
    """:func:`normalise` for a value just read from the database, where a dict or list is
    already plain JSON (a JSON column) and needs no walk."""
    return value if type(value) in _STORED_JSON else normalise(value)


_STORED_JSON = frozenset({str, int, float, bool, type(None), dict, list})


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: one byte string per value."""
    return orjson.dumps(normalise(value), option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def row_digest(row: Mapping[str, Any] | RowMapping) -> str:
    """The digest of a row as read from the database.

    Only top-level values need normalising: JSON columns come back as plain JSON values.
    """
    values = {str(k): stored_value(v) for k, v in row.items()}
    return hashlib.sha256(orjson.dumps(values, option=orjson.OPT_SORT_KEYS)).hexdigest()[:DIGEST_CHARS]


_raw_metadata = MetaData()


@cache
def raw_table(table: Table) -> Table:
    """``table`` with encrypted columns read and written as their stored ciphertext.

    Digests, backups and restores work on what is stored, so they need no key and never
    hold plaintext names.
    """
    # Only the columns and the primary key: indexes and constraints belong to the schema, which
    # migrations create, and copying them with ``to_metadata`` trips over index objects that
    # other copies of the table (Alembic's batch mode) have touched.
    return Table(table.name, _raw_metadata, *(_raw_column(c) for c in table.columns))


def _raw_column(column: Column[Any]) -> Column[Any]:
    kind: Any = column.type
    if isinstance(kind, EncryptedJSON | EncryptedText):
        kind = Text()
    elif isinstance(kind, SAEnum):  # stored as VARCHAR: read the text, skip the enum
        kind = String(kind.length)
    return Column(column.name, kind, key=column.key, primary_key=column.primary_key, nullable=column.nullable)


def stored_columns(table: Table) -> list[Any]:
    """``table``'s columns for a SELECT that returns encrypted columns as their ciphertext."""
    return [
        type_coerce(c, Text()).label(c.name) if isinstance(c.type, EncryptedJSON | EncryptedText) else c
        for c in table.columns
    ]


def primary_key_text(table: Table, row: Mapping[str, Any] | RowMapping) -> str:
    """A row's key as text: ``12``, or ``12|poc`` for a composite key."""
    return "|".join(str(normalise(row[column.name])) for column in table.primary_key.columns)
