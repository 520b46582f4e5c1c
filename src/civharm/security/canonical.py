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
from sqlalchemy import MetaData, RowMapping, Table, Text, type_coerce

from civharm.security.encrypted import EncryptedJSON, EncryptedText

DIGEST_CHARS = 32  # 128 bits of SHA-256: ample to notice tampering, half the storage


def normalise(value: Any) -> Any:
    """A JSON-ready value that is the same whichever backend produced ``value``."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    return value


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: one byte string per value."""
    return orjson.dumps(normalise(value), option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def row_digest(row: Mapping[str, Any] | RowMapping) -> str:
    return hashlib.sha256(canonical_json(dict(row))).hexdigest()[:DIGEST_CHARS]


_raw_metadata = MetaData()


@cache
def raw_table(table: Table) -> Table:
    """``table`` with encrypted columns read and written as their stored ciphertext.

    Digests, backups and restores work on what is stored, so they need no key and never
    hold plaintext names.
    """
    copy = table.to_metadata(_raw_metadata, name=f"{table.name}")
    for column in copy.columns:
        if isinstance(column.type, EncryptedJSON | EncryptedText):
            column.type = Text()
    return copy


def stored_columns(table: Table) -> list[Any]:
    """``table``'s columns for a SELECT that returns encrypted columns as their ciphertext."""
    return [
        type_coerce(c, Text()).label(c.name) if isinstance(c.type, EncryptedJSON | EncryptedText) else c
        for c in table.columns
    ]


def primary_key_text(table: Table, row: Mapping[str, Any] | RowMapping) -> str:
    """A row's key as text: ``12``, or ``12|poc`` for a composite key."""
    return "|".join(str(normalise(row[column.name])) for column in table.primary_key.columns)
