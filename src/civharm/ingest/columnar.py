"""Reading a large CSV file a block at a time, checking whole columns at once.

Row by row, Python's csv module and the format's parser cost about 75 µs a row, more than the
database needs to store it. Here Arrow's C++ reader splits each block of the file into rows and
fields, and each checked column is read by the format's own field readers once per distinct
value, the results spread back to the rows with Arrow and numpy. Only then does Python touch
each row, to build its report (:meth:`ColumnwiseFormat.build`).

Nothing is checked differently: the field readers are the ones the row-by-row parser calls, and
a row with any failed check is handed to the format's ``parse``, so every problem is reported
with the same file, row, field and message. Where Arrow's reading could differ from the csv
module's, Arrow refuses the block instead (a row with too many or too few fields, a line of
spaces, bytes that are not UTF-8, a row longer than :data:`BLOCK_BYTES`), and from that row on
the file is read by the csv module exactly as a row-by-row import reads it. Empty lines, which
both skip, count as rows in both, so row numbers agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from civharm.ingest import fields
from civharm.ingest.csvfile import CsvSource, _CountingReader, header_length, open_csv
from civharm.ingest.fields import FieldError
from civharm.ingest.source import ColumnwiseFormat, FieldReader, ParsedRow

#: Arrow reads this much of the file at a time. It must not exceed the csv module's field size
#: limit (16 Mi characters): a row longer than a block is refused by Arrow and read by csv, so a
#: field Arrow accepts is one csv accepts. Arrow sets aside about a block per column, so a small
#: block keeps memory low (about 270 MiB for this reader on an ACLED file).
BLOCK_BYTES = 2 * 2**20

#: A row as the preparer takes it: its number, its fields, and its report (``None``: parse it).
NumberedRow = tuple[int, dict[str, str], ParsedRow | None]


def _blank(value: str) -> bool:
    return not value or value.isspace()


#: Readers of numbers whose texts Arrow can convert all at once, with the range each accepts.
_NUMBER_RANGES: dict[FieldReader, tuple[float, float]] = {
    fields.parse_float: (-math.inf, math.inf),
    fields.parse_latitude: (-90.0, 90.0),
    fields.parse_longitude: (-180.0, 180.0),
}


#: Whitespace as Python's ``str.strip`` sees it (Arrow's own trimming knows fewer characters).
_SPACE = "[\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
#: A text :func:`fields.required` would change or refuse: empty, or with whitespace at either end.
_EMPTY_OR_PADDED = f"^$|^{_SPACE}|{_SPACE}$"


def read_column(column: pa.Array, read: FieldReader) -> tuple[list[Any], np.ndarray]:
    """``read`` applied to every value of ``column``, once per distinct value.

    Returns the values read (``None`` where reading failed) and a mask of the failures.
    """
    if read in _NUMBER_RANGES:
        numbers = _read_numbers(column, *_NUMBER_RANGES[read])
        if numbers is not None:
            return numbers
    if read is fields.required and not pc.any(pc.match_substring_regex(column, _EMPTY_OR_PADDED)).as_py():
        return column.to_pylist(), np.zeros(len(column), dtype=bool)  # each text is its own value
    distinct = pc.unique(column)
    results = np.empty(len(distinct), dtype=object)
    failed = np.zeros(len(distinct), dtype=bool)
    for at, text in enumerate(distinct.to_pylist()):
        try:
            results[at] = read(text)
        except FieldError:
            failed[at] = True
    positions = pc.index_in(column, value_set=distinct).to_numpy(zero_copy_only=False)
    return results[positions].tolist(), failed[positions]


@dataclass(slots=True)
class CheckedBlock:
    """A block of rows as Arrow read it, with the format's checks applied to whole columns."""

    #: The row number of the block's first row (the header is row 1).
    first_row: int
    #: Each column's text, by header name.
    columns: dict[str, pa.Array]
    #: The checked values, one list per check (``None`` where the check failed).
    checked: list[list[Any]]
    #: Rows where any check failed.
    failed: np.ndarray

    def row(self, at: int) -> dict[str, str]:
        """Row ``at`` of the block, as the csv module gives it."""
        return {name: column[at].as_py() for name, column in self.columns.items()}


def _read_numbers(column: pa.Array, low: float, high: float) -> tuple[list[Any], np.ndarray] | None:
    """Decimal texts converted by Arrow, or ``None`` when any text is not one Arrow reads.

    Arrow and Python round a decimal text to the same float. A text Arrow refuses (a decimal
    comma, spaces, an empty field) sends the whole column to the field reader, whose messages
    name the problem; a number that is not finite or out of range is a failure here, and that
    row's reader gives the message.
    """
    try:
        numbers = column.cast(pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    with np.errstate(invalid="ignore"):
        failed = ~(np.isfinite(numbers) & (numbers >= low) & (numbers <= high))
    values: list[Any] = numbers.tolist()
    if failed.any():
        for at in np.flatnonzero(failed).tolist():
            values[at] = None
    return values, failed


class ColumnarSource:
    """A CSV file read block by block with Arrow, falling back to the csv module when Arrow refuses.

    A :class:`~civharm.ingest.prepare.RowSource`: its hash and progress cover the whole file.
    """

    def __init__(self, path: Path, fmt: ColumnwiseFormat) -> None:
        self.path = path
        self.name = str(path)
        self.fmt = fmt
        self._stack = ExitStack()
        with open_csv(path) as header:
            self.columns = header.columns
            self.delimiter = header.delimiter
        self._counting: _CountingReader | None = None
        self._fallback: CsvSource | None = None
        #: Rows read with Arrow before it refused a block (``None`` while it has not).
        self.arrow_rows: int | None = None

    def __enter__(self) -> ColumnarSource:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stack.close()

    def bytes_read(self) -> int:
        if self._fallback is not None:
            return self._fallback.bytes_read()
        return self._counting.bytes_read if self._counting is not None else 0

    def sha256(self) -> str:
        if self._fallback is not None:
            return self._fallback.sha256()
        return self._counting.digest.hexdigest() if self._counting is not None else ""

    def rows(self) -> Iterator[NumberedRow]:
        """Every row that is not blank, numbered as a spreadsheet shows it (the header is row 1)."""
        for item in self.blocks():
            if isinstance(item, CheckedBlock):
                yield from self._rows_of(item)
            else:
                yield item

    def _open_arrow(self, stream: _CountingReader) -> Iterable[pa.RecordBatch]:
        if stream.bytes_read >= self.path.stat().st_size:
            return ()  # a header and nothing else: Arrow would call the file empty
        names = [f"c{at}" for at in range(len(self.columns))]  # Arrow wants unique names
        # One block at a time: memory stays a few blocks whatever the file, and the other core
        # is busy writing.
        reader: Iterable[pa.RecordBatch] = arrow_csv.open_csv(
            stream,
            read_options=arrow_csv.ReadOptions(column_names=names, block_size=BLOCK_BYTES, use_threads=False),
            parse_options=arrow_csv.ParseOptions(
                delimiter=self.delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
        return reader

    def _rows_with_csv(self, done: int) -> Iterator[NumberedRow]:
        """The rows after the first ``done``, read from the start by the csv module."""
        self._fallback = self._stack.enter_context(open_csv(self.path))
        rows = self._fallback.rows
        for _ in islice(rows, done):
            pass
        for row_number, row in enumerate(rows, start=done + 2):
            if not all(_blank(value) for value in row.values()):
                yield row_number, row, None

    def blocks(self) -> Iterator[CheckedBlock | NumberedRow]:
        """Like :meth:`rows`, but each block Arrow reads comes whole, its columns checked.

        Rows read by the csv module after Arrow refused a block come one by one, as from :meth:`rows`.
        """
        raw = self._stack.enter_context(self.path.open("rb"))
        self._counting = _CountingReader(raw, None)
        offset = header_length(raw)
        raw.seek(0)
        self._counting.read(offset)  # through the counter, so the hash covers the header
        done = 0
        try:
            for block in self._open_arrow(self._counting):
                checked, failed = self._check(block)
                columns = {name: block.column(at) for at, name in enumerate(self.columns)}
                yield CheckedBlock(done + 2, columns, checked, failed)  # the header is row 1
                done += block.num_rows
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
            self.arrow_rows = done
            yield from self._rows_with_csv(done)

    def _check(self, block: pa.RecordBatch) -> tuple[list[list[Any]], np.ndarray]:
        position = {name: at for at, name in enumerate(self.columns)}
        checked: list[list[Any]] = []
        failed = np.zeros(block.num_rows, dtype=bool)
        for name, read in self.fmt.checks():
            values, bad = read_column(block.column(position[name]), read)
            checked.append(values)
            failed |= bad
        return checked, failed

    def _rows_of(self, block: CheckedBlock) -> Iterator[NumberedRow]:
        fields = [column.to_pylist() for column in block.columns.values()]
        names = list(block.columns)
        rows = [dict(zip(names, values, strict=True)) for values in zip(*fields, strict=True)]
        maybe_blank = [_blank(value) for value in block.columns[self.fmt.id_column].to_pylist()]
        build = self.fmt.build
        for at, (row, checked_values, refused, blank) in enumerate(
            zip(rows, zip(*block.checked, strict=True), block.failed.tolist(), maybe_blank, strict=True)
        ):
            if blank and all(_blank(value) for value in row.values()):
                continue
            yield block.first_row + at, row, None if refused else build(row, checked_values)


def columnwise(fmt: object) -> ColumnwiseFormat | None:
    """``fmt`` if it can be read column by column."""
    if callable(getattr(fmt, "checks", None)) and callable(getattr(fmt, "build", None)):
        return fmt  # type: ignore[return-value]
    return None
