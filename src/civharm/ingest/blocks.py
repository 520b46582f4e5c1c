"""Reports built a whole block of rows at a time, for imports into SQLite.

Row by row, a report costs about 30 µs of Python after its fields are checked: a dict built,
its values encoded for the database, the raw record and the audit digest's text serialised.
A format that can build a block at once (:class:`BlockFormat`) gives each report column as one
list for all the block's rows; here each column is encoded once per distinct value, and the
JSON texts (the raw record as stored, and each row as the audit chain digests it) are put
together by Arrow from one JSON text per field. What comes out is what the row-by-row path
gives, byte for byte (``tests/ingest/test_blocks.py`` compares them on real files).

Only for SQLite: PostgreSQL's driver takes dates and JSON as objects, which the row-by-row
encoder gives it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from civharm.db.bulk import RowEncoder
from civharm.db.engine import json_dumps
from civharm.ingest.source import ColumnwiseFormat
from civharm.security.canonical import RowDigests

#: The report column holding the source row itself; :class:`BlockReports` leave it to this module.
RAW_RECORD = "raw_record"
#: Characters orjson escapes inside a string; a value with none is written as it is, in quotes.
_ESCAPED = r'["\\\x00-\x1f]'


@dataclass(frozen=True, slots=True)
class Same:
    """One value for every row of a block."""

    value: Any


@dataclass(slots=True)
class BlockReports:
    """The reports of a block's rows, one list per report column (in the order ``build`` gives them)."""

    keys: list[str]
    #: Report columns: a list or Arrow array per column, or :class:`Same` for a value every row shares;
    #: :data:`RAW_RECORD` maps to ``None`` (the row's own fields are the raw record).
    columns: dict[str, Sequence[Any] | pa.Array | Same | None]
    #: Each row's casualty counts, as :meth:`ColumnwiseFormat.build` gives them.
    counts: list[list[dict[str, Any]]]
    #: Warnings by row position in the block.
    warnings: dict[int, list[str]] = field(default_factory=dict)


class BlockFormat(ColumnwiseFormat, Protocol):
    """A format that also builds the reports of many rows at once, equal to :meth:`build` row by row."""

    def build_block(self, fields: Mapping[str, pa.Array], checked: Sequence[list[Any]]) -> BlockReports:
        """Reports of rows whose checks all passed: their ``fields`` (Arrow text columns, by name)
        and ``checked`` values (one list per check, in the order of :meth:`checks`)."""
        ...


def blockwise(fmt: object) -> BlockFormat | None:
    """``fmt`` if it can build blocks of reports."""
    return fmt if callable(getattr(fmt, "build_block", None)) else None  # type: ignore[return-value]


@dataclass(slots=True)
class BuiltRows:
    """Encoded rows of a block, ready for a :class:`~civharm.ingest.prepare.Batch`."""

    keys: list[str]
    values: list[tuple[Any, ...]]
    #: Audit digest parts per row (see :meth:`RowDigests.parts`); empty when not digested.
    digests: list[tuple[bytes, bytes]]


def json_strings(column: pa.Array) -> pa.Array:
    """Each text as orjson writes it (quoted, escaped; ``null`` for a missing value)."""
    column = column.cast(pa.string())
    escaped = pc.fill_null(pc.match_substring_regex(column, _ESCAPED), False)
    quoted = pc.binary_join_element_wise('"', column, '"', "")
    if pc.any(escaped).as_py():
        mask = escaped.to_numpy(zero_copy_only=False)
        awkward = column.filter(escaped).to_pylist()
        written = pa.array([orjson.dumps(value).decode() for value in awkward])
        quoted = pc.replace_with_mask(quoted, pa.array(mask), written)
    return pc.fill_null(quoted, "null")


def json_values(values: Sequence[Any]) -> pa.Array:
    """Each value as orjson writes it, for numbers and values repeated often (enums, dates, lists)."""
    sample = next((value for value in values if value is not None), None)
    if type(sample) in (int, float):  # numbers hold no comma: one call writes them all
        texts = orjson.dumps(list(values))[1:-1].split(b",") if len(values) else []
        return pa.array(texts, pa.binary()).cast(pa.string())
    if type(sample) is str:
        return json_strings(pa.array(values, pa.string()))
    keys = [tuple(value) for value in values] if type(sample) is list else values
    written = {key: orjson.dumps(_unkey(key), option=orjson.OPT_SORT_KEYS).decode() for key in set(keys)}
    return pa.array([written[key] for key in keys], pa.string())


def _unkey(key: Any) -> Any:
    return list(key) if type(key) is tuple else key


def _quoted_object(names: Sequence[str], columns: Sequence[pa.Array]) -> list[Any]:
    """The pieces of ``{"name":"value",...}`` for values that need no escaping."""
    if not names:
        return ["{}"]
    pieces: list[Any] = []
    for at, (name, column) in enumerate(zip(names, columns, strict=True)):
        pieces.append(("{" if at == 0 else '",') + orjson.dumps(name).decode() + ':"')
        pieces.append(column)
    pieces.append('"}')
    return pieces


def _join(pieces: Sequence[Any], rows: int) -> pa.Array:
    """Fixed texts and per-row Arrow texts concatenated row by row."""
    if not any(isinstance(piece, pa.Array) for piece in pieces):
        return pa.array(["".join(pieces)] * rows, pa.string())
    return pc.binary_join_element_wise(*pieces, "")


class BlockEncoder:
    """Turns :class:`BlockReports` into encoded rows and digest parts, as the row-by-row path would."""

    def __init__(self, names: Sequence[str], reports: RowEncoder, digests: RowDigests | None) -> None:
        self.names = list(names)
        self.reports = reports
        self.digests = digests
        self._template = digests.template(["source_key", *reports.columns]) if digests is not None else None
        #: The raw record's keys as stored (header order) and as digested (sorted).
        self._sorted = sorted(self.names)

    @staticmethod
    def usable(names: Sequence[str]) -> bool:
        """Whether a file's header suits blocks: one that repeats a name is read row by row."""
        return len(set(names)) == len(names)

    def encode(self, built: BlockReports, fields: Mapping[str, pa.Array]) -> BuiltRows:
        rows = len(built.keys)
        stored: list[list[Any]] = []
        texts: list[pa.Array | str] = [json_strings(pa.array(built.keys, pa.string()))]
        for name in self.reports.columns:
            values = built.columns[name]
            if isinstance(values, Same):
                stored.append(self.reports.encode_column(name, [values.value]) * rows)
                texts.append(orjson.dumps(values.value, option=orjson.OPT_SORT_KEYS).decode())
            elif name == RAW_RECORD:
                raw, canonical = self._raw_records(fields, rows)
                stored.append(raw)
                texts.append(canonical)
            elif isinstance(values, pa.Array):
                stored.append(self.reports.encode_column(name, values.to_pylist()))
                texts.append(json_strings(values))
            else:
                assert values is not None
                stored.append(self.reports.encode_column(name, values))
                texts.append(json_values(values))
        encoded = list(zip(*stored, strict=True)) if stored else [() for _ in range(rows)]
        return BuiltRows(built.keys, encoded, self._parts(texts, rows))

    def _raw_records(self, fields: Mapping[str, pa.Array], rows: int) -> tuple[list[str], pa.Array]:
        """Each row as its raw record is stored (header order) and as it is digested (sorted keys).

        Most fields need no escaping, so each record is the fields put between fixed texts; the
        few rows with a quote, backslash or control character are written by orjson.
        """
        columns = [fields[name] for name in self.names]
        stored = _join(_quoted_object(self.names, columns), rows)
        canonical = _join(_quoted_object(self._sorted, [fields[name] for name in self._sorted]), rows)
        awkward = pc.match_substring_regex(_join([*columns, ""], rows), _ESCAPED) if columns else None
        if awkward is not None and pc.any(awkward).as_py():
            picked = {name: fields[name].filter(awkward).to_pylist() for name in self.names}
            records = [
                dict(zip(self.names, values, strict=True)) for values in zip(*picked.values(), strict=True)
            ]
            mask = pa.array(awkward.to_numpy(zero_copy_only=False))
            stored = pc.replace_with_mask(
                stored, mask, pa.array([json_dumps(r) for r in records], pa.string())
            )
            sorted_text = [orjson.dumps(r, option=orjson.OPT_SORT_KEYS).decode() for r in records]
            canonical = pc.replace_with_mask(canonical, mask, pa.array(sorted_text, pa.string()))
        return stored.to_pylist(), canonical

    def _parts(self, texts: list[pa.Array | str], rows: int) -> list[tuple[bytes, bytes]]:
        if self._template is None:
            return []
        before, after = self._template
        heads = _join([texts[p] if isinstance(p, int) else p.decode() for p in before], rows)
        tails = _join([texts[p] if isinstance(p, int) else p.decode() for p in after], rows)
        heads_bytes, tails_bytes = heads.cast(pa.binary()).to_pylist(), tails.cast(pa.binary()).to_pylist()
        return list(zip(heads_bytes, tails_bytes, strict=True))


def take_rows(columns: Mapping[str, pa.Array], keep: np.ndarray) -> dict[str, pa.Array]:
    """The rows of ``columns`` where ``keep`` is true."""
    mask = pa.array(keep)
    return {name: column.filter(mask) for name, column in columns.items()}
