"""The reading half of an import: CSV rows parsed, checked and encoded for the database.

It runs in the importing process for small files, and in a worker process for large ones,
so that on two cores parsing and writing overlap (Python threads would take turns on the
GIL). Either way it yields the same batches; the writing half never knows which ran.

Formats whose checks look at one field at a time are read column by column
(:mod:`civharm.ingest.columnar`); the rows come out the same as row by row. Each new report is
digested for the audit chain here, as it will read back from the database, so the writer need
not read every row back (:class:`~civharm.security.canonical.RowDigests`).
"""

from __future__ import annotations

import marshal
import multiprocessing
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sqlalchemy import Dialect

from civharm.casualties.models import CasualtyCount
from civharm.db.base import table_of
from civharm.db.bulk import RowEncoder, column_default
from civharm.db.engine import create_db_engine
from civharm.ingest.blocks import BlockEncoder, BlockFormat, blockwise, take_rows
from civharm.ingest.columnar import CheckedBlock, ColumnarSource, NumberedRow, columnwise
from civharm.ingest.csvfile import open_csv
from civharm.ingest.source import ParsedRow, Problems, SourceFormat
from civharm.reports.models import Report
from civharm.security.canonical import RowDigests

MAX_WARNINGS_KEPT = 1000
#: Files at least this large are parsed in a worker process.
PARALLEL_MIN_BYTES = 8 * 2**20
#: Casualty-count columns a source may fill; the report id is added by the writer.
COUNT_COLUMNS = ("outcome", "sex", "age_group", "status", "count_min", "count_max")


@dataclass(frozen=True, slots=True)
class Stamp:
    """What every report of one import shares, fixed once its import run exists."""

    source_system: str
    import_id: int
    created_at: datetime

    def constants(self) -> dict[str, Any]:
        return {
            "source_system": self.source_system,
            "import_id": self.import_id,
            "created_at": self.created_at,
        }


@dataclass(slots=True)
class RefusedRow:
    row_number: int
    row: dict[str, str]
    problems: Problems


@dataclass(slots=True)
class Batch:
    """Prepared rows, one list entry per row; lists of plain values cross between processes cheaply."""

    row_numbers: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    #: Report values, encoded, in the order of :attr:`columns`.
    values: list[tuple[Any, ...]] = field(default_factory=list)
    #: Each row's casualty counts, encoded, in the order of :data:`COUNT_COLUMNS`.
    counts: list[list[tuple[Any, ...]]] = field(default_factory=list)
    #: Each row's audit digest cut where its id goes (``None``: read it back); empty when not digested.
    digests: list[tuple[bytes, bytes] | None] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    #: Rows read so far in the whole file, and bytes.
    rows_read: int = 0
    bytes_read: int = 0
    #: Report columns of ``values``; set on every batch that has rows.
    columns: tuple[str, ...] = ()
    #: The file's SHA-256, on the last batch only.
    sha256: str | None = None

    def size(self) -> int:
        return len(self.keys) + len(self.refused)

    def to_bytes(self) -> bytes:
        """The batch for a pipe: marshal when every value is a plain one (SQLite's), else pickle."""
        fields = [getattr(self, name) for name in self.__slots__]
        fields[5] = [(r.row_number, r.row, r.problems) for r in self.refused]
        try:
            return b"M" + marshal.dumps(fields)
        except ValueError:  # dates or JSON wrappers encoded for PostgreSQL
            return b"P" + pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_bytes(cls, data: bytes) -> Batch:
        fields = marshal.loads(data[1:]) if data[:1] == b"M" else pickle.loads(data[1:])
        fields[5] = [RefusedRow(*refused) for refused in fields[5]]
        fields[10] = tuple(fields[10])
        return cls(*fields)


class RowSource(Protocol):
    """A table being read: a CSV file (:class:`CsvSource`) or rows taken from another format."""

    name: str

    def bytes_read(self) -> int: ...

    def sha256(self) -> str: ...


def _blank(row: dict[str, str]) -> bool:
    return all(not value or value.isspace() for value in row.values())


class _Preparer:
    def __init__(self, source: RowSource, fmt: SourceFormat, dialect: Dialect, stamp: Stamp | None) -> None:
        self.source = source
        self.fmt = fmt
        self.dialect = dialect
        self.reports: RowEncoder | None = None
        self.counts = RowEncoder(dialect, table_of(CasualtyCount), COUNT_COLUMNS)
        self.digests = _report_digests(stamp)
        self.rows_read = 0
        self.warnings_kept = 0
        self._blocks: BlockEncoder | None = None

    def add(self, batch: Batch, row_number: int, row: dict[str, str], parsed: ParsedRow | None) -> None:
        """Add one row; ``parsed`` is its report when it was read column by column, else it is parsed here."""
        self.rows_read += 1
        problems: Problems = []
        if parsed is None:
            parsed = self.fmt.parse(row, problems)
        if problems or parsed is None:
            batch.refused.append(
                RefusedRow(row_number, row, problems or [("", "row could not be read", None)])
            )
            return
        self._warn(batch, row_number, parsed.warnings)
        if self.reports is None:
            self.reports = RowEncoder(self.dialect, table_of(Report), list(parsed.report))
        batch.row_numbers.append(row_number)
        batch.keys.append(parsed.source_key)
        batch.values.append(self.reports.encode(parsed.report))
        batch.counts.append([self.counts.encode(count) for count in parsed.counts])
        if self.digests is not None:
            batch.digests.append(self.digests.parts({"source_key": parsed.source_key, **parsed.report}))

    def _warn(self, batch: Batch, row_number: int, warnings: list[str]) -> None:
        """Count a row's warnings; keep the text of the first :data:`MAX_WARNINGS_KEPT` of the file."""
        for warning in warnings:
            batch.warning_count += 1
            if self.warnings_kept < MAX_WARNINGS_KEPT:
                self.warnings_kept += 1
                batch.warnings.append(f"{self.source.name}: row {row_number}: {warning}")

    def add_item(self, batch: Batch, item: NumberedRow | CheckedBlock) -> None:
        """Add a numbered row, or a whole block when the format builds blocks."""
        if isinstance(item, CheckedBlock):
            fmt = blockwise(self.fmt)
            if fmt is None:
                raise TypeError(f"{type(self.fmt).__name__} cannot build whole blocks")
            self.add_block(batch, item, fmt)
        else:
            self.add(batch, *item)

    def add_block(self, batch: Batch, block: CheckedBlock, fmt: BlockFormat) -> None:
        """Add a block's rows: those that failed a check one by one (for their messages), the rest at once."""
        for at in np.flatnonzero(block.failed).tolist():
            row = block.row(at)
            if not _blank(row):
                self.add(batch, block.first_row + at, row, None)
        passed = ~block.failed
        good = int(passed.sum())
        if not good:
            return
        columns = take_rows(block.columns, passed) if good < len(passed) else block.columns
        checked = [list(compress(values, passed)) for values in block.checked]
        built = fmt.build_block(columns, checked)
        if self.reports is None:
            self.reports = RowEncoder(self.dialect, table_of(Report), list(built.columns))
        if self._blocks is None:
            self._blocks = BlockEncoder(list(block.columns), self.reports, self.digests)
        rows = self._blocks.encode(built, columns)
        numbers = (np.flatnonzero(passed) + block.first_row).tolist()
        self.rows_read += good
        for at, warnings in built.warnings.items():
            self._warn(batch, numbers[at], warnings)
        batch.row_numbers.extend(numbers)
        batch.keys.extend(rows.keys)
        batch.values.extend(rows.values)
        batch.counts.extend(self._block_counts(built.counts))
        if self.digests is not None:
            batch.digests.extend(rows.digests)

    def _block_counts(self, counts: list[list[dict[str, Any]]]) -> list[list[tuple[Any, ...]]]:
        """Each row's counts encoded; rows sharing one list of counts (as formats build them) share it."""
        encoded: dict[int, list[tuple[Any, ...]]] = {}
        for row_counts in counts:
            if id(row_counts) not in encoded:
                encoded[id(row_counts)] = [self.counts.encode(count) for count in row_counts]
        return [encoded[id(row_counts)] for row_counts in counts]

    def finish(self, batch: Batch) -> Batch:
        batch.rows_read = self.rows_read
        batch.bytes_read = self.source.bytes_read()
        batch.columns = self.reports.columns if self.reports is not None else ()
        return batch


def _report_digests(stamp: Stamp | None) -> RowDigests | None:
    """Digests of new reports: every column the insert does not name gets its default, as in the writer."""
    if stamp is None:
        return None
    reports = table_of(Report)
    if any(column.server_default is not None for column in reports.columns):
        return None  # a value only the database knows: read the rows back instead
    stored = {str(column.name): column_default(column) for column in reports.columns if column.name != "id"}
    return RowDigests(reports, {**stored, **stamp.constants()})


def prepare_batches(
    path: Path,
    fmt: SourceFormat,
    dialect: Dialect,
    batch_size: int,
    stamp: Stamp | None = None,
    columnar: bool | None = None,
) -> Iterator[Batch]:
    """Read ``path`` and yield batches of about ``batch_size`` rows, the last with the file's hash.

    ``columnar`` reads the file column by column when the format allows (the default). A format
    that builds whole blocks adds a block at a time, so its batches may hold a block more.
    """
    fast = columnwise(fmt) if columnar is not False else None
    if fast is not None:
        with ColumnarSource(path, fast) as columns:
            # Whole blocks for SQLite only: PostgreSQL's driver takes values the row encoder gives it.
            whole = dialect.name == "sqlite" and BlockEncoder.usable(columns.columns)
            if whole and blockwise(fmt) is not None:
                yield from _prepare(columns, columns.blocks(), fmt, dialect, batch_size, stamp)
            else:
                yield from _prepare(columns, columns.rows(), fmt, dialect, batch_size, stamp)
        return
    with open_csv(path) as source:
        # Row numbers count the header as row 1, as a spreadsheet shows them.
        yield from prepare_rows(source, enumerate(source.rows, start=2), fmt, dialect, batch_size, stamp)


def prepare_rows(
    source: RowSource,
    rows: Iterable[tuple[int, dict[str, str]]],
    fmt: SourceFormat,
    dialect: Dialect,
    batch_size: int,
    stamp: Stamp | None = None,
) -> Iterator[Batch]:
    """Batches of numbered ``rows`` of ``source``; the last carries the source's hash.

    With a ``stamp`` the new reports are digested for the audit chain; without, the writer
    reads them back.
    """
    # Blank lines carry nothing.
    numbered = ((row_number, row, None) for row_number, row in rows if not _blank(row))
    yield from _prepare(source, numbered, fmt, dialect, batch_size, stamp)


def _prepare(
    source: RowSource,
    rows: Iterable[NumberedRow | CheckedBlock],
    fmt: SourceFormat,
    dialect: Dialect,
    batch_size: int,
    stamp: Stamp | None,
) -> Iterator[Batch]:
    preparer = _Preparer(source, fmt, dialect, stamp)
    batch = Batch()
    for item in rows:
        preparer.add_item(batch, item)
        if batch.size() >= batch_size:
            yield preparer.finish(batch)
            batch = Batch()
    last = preparer.finish(batch)
    last.sha256 = source.sha256()
    yield last


@dataclass
class _Failure:
    error: BaseException


def _worker(
    pipe: Pipe,
    path: Path,
    fmt: SourceFormat,
    database_url: str,
    batch_size: int,
    stamp: Stamp | None,
    columnar: bool | None,
) -> None:
    """Runs in the worker process; a broken pipe (the importer died) simply ends it."""
    try:
        dialect = create_db_engine(database_url).dialect
        for batch in prepare_batches(path, fmt, dialect, batch_size, stamp, columnar):
            pipe.send_bytes(batch.to_bytes())
    except (BrokenPipeError, ConnectionResetError):
        return
    except BaseException as exc:  # handed to the importer, which raises it
        pipe.send_bytes(b"F" + pickle.dumps(_Failure(exc)))
    finally:
        pipe.close()


def batches_in_worker(
    path: Path,
    fmt: SourceFormat,
    database_url: str,
    batch_size: int,
    stamp: Stamp | None = None,
    columnar: bool | None = None,
) -> Iterator[Batch]:
    """The same batches as :func:`prepare_batches`, prepared in a separate process."""
    context = multiprocessing.get_context("spawn")  # a clean interpreter: no inherited connections
    receiving, sending = context.Pipe(duplex=False)
    worker = context.Process(
        target=_worker,
        args=(sending, path, fmt, database_url, batch_size, stamp, columnar),
        name="civharm-import-reader",
        daemon=True,
    )
    worker.start()
    sending.close()
    try:
        while True:
            try:
                message = receiving.recv_bytes()
            except EOFError:
                raise RuntimeError("the import's reader process ended unexpectedly") from None
            if message[:1] == b"F":
                raise pickle.loads(message[1:]).error
            batch = Batch.from_bytes(message)
            yield batch
            if batch.sha256 is not None:
                return
    finally:
        receiving.close()
        worker.join(timeout=5)
        if worker.is_alive():
            worker.kill()
            worker.join()
