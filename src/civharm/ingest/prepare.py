"""The reading half of an import: CSV rows parsed, checked and encoded for the database.

It runs in the importing process for small files, and in a worker process for large ones,
so that on two cores parsing and writing overlap (Python threads would take turns on the
GIL). Either way it yields the same batches; the writing half never knows which ran.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

from sqlalchemy import Dialect

from civharm.casualties.models import CasualtyCount
from civharm.db.base import table_of
from civharm.db.bulk import RowEncoder
from civharm.db.engine import create_db_engine
from civharm.ingest.csvfile import CsvSource, open_csv
from civharm.ingest.source import Problems, SourceFormat
from civharm.reports.models import Report

MAX_WARNINGS_KEPT = 1000
#: Files at least this large are parsed in a worker process.
PARALLEL_MIN_BYTES = 8 * 2**20
#: Casualty-count columns a source may fill; the report id is added by the writer.
COUNT_COLUMNS = ("outcome", "sex", "age_group", "status", "count_min", "count_max")


@dataclass(slots=True)
class PreparedRow:
    row_number: int
    source_key: str
    #: Report values, encoded, in the order of :attr:`Batch.columns`.
    values: tuple[Any, ...]
    #: Casualty counts, encoded, in the order of :data:`COUNT_COLUMNS`.
    counts: list[tuple[Any, ...]]


@dataclass(slots=True)
class RefusedRow:
    row_number: int
    row: dict[str, str]
    problems: Problems


@dataclass(slots=True)
class Batch:
    rows: list[PreparedRow] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    #: Rows read so far in the whole file, and bytes.
    rows_read: int = 0
    bytes_read: int = 0
    #: Report columns of ``rows[*].values``; set on every batch that has rows.
    columns: tuple[str, ...] = ()
    #: The file's SHA-256, on the last batch only.
    sha256: str | None = None


def _blank(row: dict[str, str]) -> bool:
    return all(not value or value.isspace() for value in row.values())


class _Preparer:
    def __init__(self, source: CsvSource, fmt: SourceFormat, dialect: Dialect) -> None:
        self.source = source
        self.fmt = fmt
        self.dialect = dialect
        self.reports: RowEncoder | None = None
        self.counts = RowEncoder(dialect, table_of(CasualtyCount), COUNT_COLUMNS)
        self.rows_read = 0
        self.warnings_kept = 0

    def add(self, batch: Batch, row_number: int, row: dict[str, str]) -> None:
        self.rows_read += 1
        problems: Problems = []
        parsed = self.fmt.parse(row, problems)
        if problems or parsed is None:
            batch.refused.append(
                RefusedRow(row_number, row, problems or [("", "row could not be read", None)])
            )
            return
        for warning in parsed.warnings:
            batch.warning_count += 1
            if self.warnings_kept < MAX_WARNINGS_KEPT:
                self.warnings_kept += 1
                batch.warnings.append(f"{self.source.name}: row {row_number}: {warning}")
        if self.reports is None:
            self.reports = RowEncoder(self.dialect, table_of(Report), list(parsed.report))
        counts = [self.counts.encode(count) for count in parsed.counts]
        batch.rows.append(
            PreparedRow(row_number, parsed.source_key, self.reports.encode(parsed.report), counts)
        )

    def finish(self, batch: Batch) -> Batch:
        batch.rows_read = self.rows_read
        batch.bytes_read = self.source.bytes_read()
        batch.columns = self.reports.columns if self.reports is not None else ()
        return batch


def prepare_batches(path: Path, fmt: SourceFormat, dialect: Dialect, batch_size: int) -> Iterator[Batch]:
    """Read ``path`` and yield batches of at most ``batch_size`` rows, the last with the file's hash."""
    with open_csv(path) as source:
        preparer = _Preparer(source, fmt, dialect)
        batch = Batch()
        # Row numbers count the header as row 1, as a spreadsheet shows them.
        for row_number, row in enumerate(source.rows, start=2):
            if _blank(row):
                continue  # blank lines carry nothing
            preparer.add(batch, row_number, row)
            if len(batch.rows) + len(batch.refused) >= batch_size:
                yield preparer.finish(batch)
                batch = Batch()
        last = preparer.finish(batch)
        last.sha256 = source.sha256()
        yield last


@dataclass
class _Failure:
    error: BaseException


def _worker(pipe: Pipe, path: Path, fmt: SourceFormat, database_url: str, batch_size: int) -> None:
    """Runs in the worker process; a broken pipe (the importer died) simply ends it."""
    try:
        dialect = create_db_engine(database_url).dialect
        for batch in prepare_batches(path, fmt, dialect, batch_size):
            pipe.send(batch)
    except (BrokenPipeError, ConnectionResetError):
        return
    except BaseException as exc:  # handed to the importer, which raises it
        pipe.send(_Failure(exc))
    finally:
        pipe.close()


def batches_in_worker(path: Path, fmt: SourceFormat, database_url: str, batch_size: int) -> Iterator[Batch]:
    """The same batches as :func:`prepare_batches`, prepared in a separate process."""
    context = multiprocessing.get_context("spawn")  # a clean interpreter: no inherited connections
    receiving, sending = context.Pipe(duplex=False)
    worker = context.Process(
        target=_worker,
        args=(sending, path, fmt, database_url, batch_size),
        name="civharm-import-reader",
        daemon=True,
    )
    worker.start()
    sending.close()
    try:
        while True:
            try:
                message = receiving.recv()
            except EOFError:
                raise RuntimeError("the import's reader process ended unexpectedly") from None
            if isinstance(message, _Failure):
                raise message.error
            yield message
            if message.sha256 is not None:
                return
    finally:
        receiving.close()
        worker.join(timeout=5)
        if worker.is_alive():
            worker.kill()
            worker.join()
