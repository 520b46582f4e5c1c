"""Canonical forms that hash the same on SQLite and PostgreSQL: JSON text, rows, row digests.

The audit chain and backups must not depend on which backend returned a value: SQLite gives
naive datetimes and PostgreSQL aware ones in the session's time zone; JSONB reorders keys.
Every value is normalised first (datetimes to UTC ISO text, dates to ISO text, enums to
their values) and JSON is written with sorted keys and no spaces.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
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


class RowDigests:
    """:func:`row_digest` of rows not yet written, computed before their primary key is known.

    An import's reading side knows every value of a new row but its ``id``, which the writer
    allocates. :meth:`parts` serialises the row as it will read back (the ``constants`` every
    row shares, then the row's own values) in two pieces, cut where the id goes; the writer
    joins them around the id in :meth:`digest`. The bytes hashed are those :func:`row_digest`
    hashes when the row is read back, so the writer need not read it back.

    :meth:`parts` returns ``None`` for a row holding a value whose stored form it cannot be
    sure of (an ``int`` in a text column, a nested value of a JSON column other than text);
    such a row is read back instead.
    """

    def __init__(self, table: Table, constants: Mapping[str, Any], key: str = "id") -> None:
        encrypted = [c.name for c in table.columns if isinstance(c.type, EncryptedJSON | EncryptedText)]
        if encrypted:
            raise TypeError(f"{table.name}: encrypted columns {encrypted} are digested as stored ciphertext")
        # Names as plain str: orjson takes no str subclass (SQLAlchemy's quoted_name) as a key.
        self._base: dict[str, Any] = {str(c.name): None for c in table.columns if c.name != key}
        self._base.update({str(name): normalise(value) for name, value in constants.items()})
        # The key's place holds a number no column can hold there: text values are quoted and
        # JSON columns must hold text only, so these bytes occur once, where the key goes.
        self._base[key] = _MARKER
        self._cut = b'"' + key.encode() + b'":%d' % _MARKER
        self._kinds = {str(c.name): _kind(c) for c in table.columns}

    def parts(self, values: Mapping[str, Any]) -> tuple[bytes, bytes] | None:
        row = {**self._base, **values}
        kinds = self._kinds
        for name, value in values.items():
            kind = kinds[name]
            if type(value) in kind or value is None:
                if kind is _JSON and not _plain_json(value):
                    return None
            elif float in kind and type(value) is int:
                row[name] = float(value)  # a float column gives back a float
            elif not (str in kind and isinstance(value, Enum) and type(value.value) is str):
                return None  # orjson writes a text enum as its value, as it reads back
        try:
            body = orjson.dumps(row, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # a value orjson does not write as row_digest would (a Decimal, say)
            return None
        at = body.find(self._cut)
        return body[: at + len(self._cut) - len(_MARKER_TEXT)], body[at + len(self._cut) :]

    def template(self, slots: Sequence[str]) -> tuple[list[bytes | int], list[bytes | int]]:
        """The bytes :meth:`parts` writes, with a numbered slot where each of ``slots`` goes.

        For rows built a block at a time (:mod:`civharm.ingest.blocks`): each part is a list of
        fixed bytes and slot numbers; slot ``i`` takes the JSON text of column ``slots[i]`` as
        :meth:`parts` would write it. The first part ends where the id goes, the second follows it.
        """
        row = dict(self._base)
        row.update({name: f"\x00{at}\x00" for at, name in enumerate(slots)})
        body = orjson.dumps(row, option=orjson.OPT_SORT_KEYS)
        at = body.find(self._cut)
        before, after = body[: at + len(self._cut) - len(_MARKER_TEXT)], body[at + len(self._cut) :]
        return _slotted(before), _slotted(after)

    @staticmethod
    def digest(parts: tuple[bytes, bytes], key: int) -> str:
        return hashlib.sha256(b"%b%d%b" % (parts[0], key, parts[1])).hexdigest()[:DIGEST_CHARS]


_SLOT = re.compile(rb'"\\u0000(\d+)\\u0000"')


def _slotted(body: bytes) -> list[bytes | int]:
    """``body`` split around its slots: fixed bytes, then a slot number, and so on."""
    pieces: list[bytes | int] = []
    for at, piece in enumerate(_SLOT.split(body)):
        pieces.append(int(piece) if at % 2 else piece)
    return [piece for piece in pieces if piece != b""]


_MARKER = -7_340_251_998_201_377
_MARKER_TEXT = b"%d" % _MARKER
_JSON = (dict, list)


def _kind(column: Column[Any]) -> tuple[type, ...]:
    """The Python types whose value reads back from ``column`` as it was written."""
    kind = column.type
    if isinstance(kind, SAEnum) and kind.enum_class is not None and issubclass(kind.enum_class, str):
        return (str, kind.enum_class)  # orjson writes a text enum member as its value
    if isinstance(kind, SAEnum | String):  # Text is a String
        return (str,)
    try:
        python_type = kind.python_type
    except NotImplementedError:
        return ()
    if python_type is dict or python_type is list:  # JSON
        return _JSON
    if python_type is datetime:
        return ()  # normalised text only as a constant
    return (python_type,)


def _plain_json(value: Any) -> bool:
    """A JSON value whose stored form reads back equal on both backends: text in a dict or list."""
    if value is None:
        return True
    try:  # join, in C, takes text only
        "".join(value)
        if type(value) is dict:
            "".join(value.values())
    except TypeError:
        return False
    return True
