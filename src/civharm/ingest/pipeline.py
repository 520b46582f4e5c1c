"""The import pipeline every tabular source shares: stream, validate, write in one transaction.

Guarantees, whatever the source:

- **Streaming**: rows are read, checked and written in batches; memory does not grow with
  the file. Large files are parsed in a worker process while this one writes.
- **Transactional**: by default a file with any invalid row imports nothing, and every
  problem is reported with its row and field. With ``skip_invalid`` the valid rows are
  imported and the rejects written, with reasons, to a file.
- **Idempotent**: the source's own id is the key; rows already in the store are left as
  they are, so importing a file again changes nothing.
- **Crash-safe**: the import run and its reports are committed together or not at all, so
  a killed process leaves no partial file visible; running the import again completes it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, insert, select, update

from civharm.casualties.models import CasualtyCount
from civharm.db.base import table_of, utcnow
from civharm.db.bulk import PreparedInsert, column_default
from civharm.db.ids import allocate_ids
from civharm.errors import InputFileError, RowError
from civharm.ingest.csvfile import open_csv
from civharm.ingest.prepare import (
    COUNT_COLUMNS,
    PARALLEL_MIN_BYTES,
    Batch,
    RowSource,
    Stamp,
    batches_in_worker,
    prepare_batches,
    prepare_rows,
)
from civharm.ingest.source import ParsedRow, Problems, SourceFormat
from civharm.reports.models import ImportRun, Report
from civharm.security.audit import checkpoint, record_bulk
from civharm.security.canonical import RowDigests, row_digest

__all__ = ["ImportResult", "ParsedRow", "RowSource", "SourceFormat", "import_csv", "import_rows"]

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes read so far, file size in bytes)."""
BatchSource = Callable[[Stamp], Iterator[Batch]]
"""The batches of one import, given what its reports share."""

MAX_ERRORS_SHOWN = 200


@dataclass(slots=True)
class ImportResult:
    """What an import did, for the person who ran it."""

    file: str
    source_system: str
    import_id: int | None = None
    rows_read: int = 0
    inserted: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    rejects_file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "source": self.source_system,
            "import_id": self.import_id,
            "rows_read": self.rows_read,
            "inserted": self.inserted,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "warning_count": self.warning_count,
            "warnings": self.warnings[:20],
            "rejects_file": self.rejects_file,
        }


class _RejectsWriter:
    """Writes refused rows beside their reasons; appears under its final name only on success."""

    def __init__(self, target: Path, columns: list[str]) -> None:
        self.target = target
        self.partial = target.with_name(target.name + ".partial")
        self._handle = self.partial.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(["row", "field", "reason", *columns])
        self._columns = columns

    def write(self, row_number: int, row: dict[str, str], problems: list[RowError]) -> None:
        fields = "; ".join(p.field for p in problems)
        reasons = "; ".join(p.message for p in problems)
        self._writer.writerow([row_number, fields, reasons, *(row.get(c, "") for c in self._columns)])

    def finish(self) -> None:
        self._handle.close()
        self.partial.replace(self.target)

    def abandon(self) -> None:
        self._handle.close()
        self.partial.unlink(missing_ok=True)


class _Problems:
    """Collects refused rows: into the rejects file, or as errors that stop the import."""

    def __init__(self, file_name: str, id_column: str, rejects: _RejectsWriter | None) -> None:
        self.file_name = file_name
        self.id_column = id_column
        self.rejects = rejects
        self.errors: list[RowError] = []
        self.total = 0
        self.rejected_rows = 0

    @property
    def blocking(self) -> bool:
        return self.rejects is None and self.total > 0

    def refuse(self, row_number: int, row: dict[str, str], found: Problems) -> None:
        problems = [RowError(self.file_name, row_number, f, m, v) for f, m, v in found]
        self.total += len(problems)
        if self.rejects is not None:
            self.rejected_rows += 1
            self.rejects.write(row_number, row, problems)
        else:
            self.errors.extend(problems[: max(0, MAX_ERRORS_SHOWN - len(self.errors))])

    def raise_if_blocking(self) -> None:
        if self.blocking:
            raise InputFileError(self.file_name, self.errors, truncated=self.total - len(self.errors))


class _Writer:
    """Inserts prepared reports and their counts, skipping keys already stored; keeps their digests."""

    def __init__(self, connection: Connection, stamp: Stamp) -> None:
        self.connection = connection
        self.stamp = stamp
        self.inserted = 0
        self.unchanged = 0
        #: Audit digests of the rows written, by id; a table is read back when some are unknown.
        self.digests: dict[str, dict[str, str]] = {"reports": {}, "casualty_counts": {}}
        self.unknown: set[str] = set()
        self._reports: PreparedInsert | None = None
        self._columns: tuple[str, ...] = ()
        counts = table_of(CasualtyCount)
        self._count_names = ["id", "report_id", *COUNT_COLUMNS]
        self._counts = PreparedInsert(connection, counts, self._count_names)
        # What the insert leaves to defaults, as the row reads back.
        self._count_base = {str(c.name): column_default(c) for c in counts.columns}

    def write(self, batch: Batch) -> list[int]:
        """Write the batch's rows; return the positions of those whose id already appeared in this file."""
        if not batch.keys:
            return []
        query = select(Report.source_key, Report.import_id).where(
            Report.source_system == self.stamp.source_system, Report.source_key.in_(batch.keys)
        )
        stored = {found.source_key: found.import_id for found in self.connection.execute(query)}
        fresh: list[int] = []
        repeated: list[int] = []
        seen_here: set[str] = set()
        for at, key in enumerate(batch.keys):
            if key in seen_here or stored.get(key, -1) == self.stamp.import_id:
                repeated.append(at)
            elif key in stored:
                self.unchanged += 1
            else:
                seen_here.add(key)
                fresh.append(at)
        if fresh:
            self._insert(batch, fresh)
        return repeated

    def _insert(self, batch: Batch, fresh: list[int]) -> None:
        if self._reports is None or batch.columns != self._columns:
            self._reports = PreparedInsert(
                self.connection,
                table_of(Report),
                ["id", "source_key", *batch.columns],
                self.stamp.constants(),
            )
            self._columns = batch.columns
        ids = allocate_ids(self.connection, table_of(Report), len(fresh))
        keys, values = batch.keys, batch.values
        self._reports.execute(
            (report_id, keys[at], *values[at]) for report_id, at in zip(ids, fresh, strict=True)
        )
        self._digest_reports(batch, ids, fresh)
        counts = [
            (report_id, *count)
            for report_id, at in zip(ids, fresh, strict=True)
            for count in batch.counts[at]
        ]
        count_ids = allocate_ids(self.connection, table_of(CasualtyCount), len(counts))
        rows = [(count_id, *count) for count_id, count in zip(count_ids, counts, strict=True)]
        self._counts.execute(rows)
        self._digest_counts(rows)
        self.inserted += len(fresh)

    def _digest_reports(self, batch: Batch, ids: list[int], fresh: list[int]) -> None:
        if len(batch.digests) != len(batch.keys):
            self.unknown.add("reports")
            return
        known = self.digests["reports"]
        for report_id, at in zip(ids, fresh, strict=True):
            parts = batch.digests[at]
            if parts is None:
                self.unknown.add("reports")
            else:
                known[str(report_id)] = RowDigests.digest(parts, report_id)

    def _digest_counts(self, rows: list[tuple[Any, ...]]) -> None:
        """Counts are small, and their ids known only here: digest them as they read back."""
        known, base, names = self.digests["casualty_counts"], self._count_base, self._count_names
        for row in rows:
            if not all(type(value) in _PLAIN for value in row):
                self.unknown.add("casualty_counts")  # e.g. PostgreSQL-encoded values
                return
            known[str(row[0])] = row_digest({**base, **dict(zip(names, row, strict=True))})


#: Values that read back from the database as they were written.
_PLAIN = frozenset({str, int, type(None)})


def _audit(connection: Connection, result: ImportResult, writer: _Writer) -> None:
    """One entry in the audit chain for the whole import, with a digest of every row written.

    The writer digested what it wrote; a table with rows it could not digest is read back.
    """
    reports = table_of(Report)
    new_reports = select(reports.c.id).where(reports.c.import_id == result.import_id)
    record_bulk(
        connection,
        action="import",
        table_name="imports",
        record_id=str(result.import_id),
        rows={
            table_of(ImportRun): table_of(ImportRun).c.id == result.import_id,
            reports: reports.c.import_id == result.import_id,
            table_of(CasualtyCount): table_of(CasualtyCount).c.report_id.in_(new_reports),
        },
        summary={"file": result.file, "source": result.source_system, "inserted": result.inserted},
        digests={name: digests for name, digests in writer.digests.items() if name not in writer.unknown},
    )


def _raw_row(values: tuple[Any, ...], columns: tuple[str, ...]) -> dict[str, str]:
    """The original row of a prepared report (for the rejects file), from its stored raw record."""
    if "raw_record" not in columns:
        return {}
    raw = values[columns.index("raw_record")]
    raw = getattr(raw, "obj", raw)  # psycopg wraps JSONB values
    return dict(orjson.loads(raw) if isinstance(raw, str | bytes) else raw or {})


def import_csv(
    engine: Engine,
    path: Path,
    fmt: SourceFormat,
    *,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = 2000,
    parallel: bool | None = None,
    columnar: bool | None = None,
) -> ImportResult:
    """Import a CSV file of ``fmt`` into the store.

    Raises :class:`InputFileError` (and writes nothing) when any row is invalid, unless
    ``skip_invalid`` is set, in which case the rejects go to ``rejects_path``
    (default: ``<file>.rejects.csv``). ``parallel`` parses in a worker process; by default
    it does so for files of 8 MiB or more. ``columnar`` reads the file column by column
    when the format allows (the default; ``False`` reads it row by row, with the same result).

    Example::

        result = import_csv(engine, Path("ged.csv"), UcdpGed())
        print(result.inserted, result.warning_count)
    """
    result = ImportResult(file=str(path), source_system=fmt.source_system)
    with open_csv(path) as source:  # checks the header before any work starts
        missing = [c for c in fmt.required_columns if c not in source.columns]
        if missing:
            errors = [RowError(source.name, 1, c, "column is missing from the header row") for c in missing]
            raise InputFileError(source.name, errors)
        columns = source.columns
    rejects: _RejectsWriter | None = None
    if skip_invalid:
        rejects = _RejectsWriter(rejects_path or path.with_name(path.name + ".rejects.csv"), columns)
    if parallel is None:
        parallel = path.stat().st_size >= PARALLEL_MIN_BYTES
    url = engine.url.render_as_string(hide_password=False)

    def batches(stamp: Stamp) -> Iterator[Batch]:
        if parallel:
            return batches_in_worker(path, fmt, url, batch_size, stamp, columnar)
        return prepare_batches(path, fmt, engine.dialect, batch_size, stamp, columnar)

    _write(engine, str(path), fmt, batches, result, rejects, progress, path.stat().st_size)
    if rejects is not None:
        rejects.finish()
        result.rejects_file = str(rejects.target) if result.rejected else None
        if not result.rejected:
            rejects.target.unlink(missing_ok=True)
    return result


def import_rows(
    engine: Engine,
    source: RowSource,
    rows: Iterable[tuple[int, dict[str, str]]],
    fmt: SourceFormat,
    *,
    batch_size: int = 2000,
) -> ImportResult:
    """Import numbered ``rows`` read from another format (a spreadsheet, GeoJSON, HXL) like a CSV file.

    The same guarantees as :func:`import_csv`: every problem reported with its row and field,
    nothing written when any row is refused, rows already stored left as they are.
    """
    result = ImportResult(file=source.name, source_system=fmt.source_system)

    def batches(_stamp: Stamp) -> Iterator[Batch]:
        # Such rows may carry values of any JSON type: the audit reads them back rather than
        # digesting them beforehand.
        return prepare_rows(source, rows, fmt, engine.dialect, batch_size)

    _write(engine, source.name, fmt, batches, result, None, None, 0)
    return result


def _write(
    engine: Engine,
    name: str,
    fmt: SourceFormat,
    batches: BatchSource,
    result: ImportResult,
    rejects: _RejectsWriter | None,
    progress: ProgressCallback | None,
    total: int,
) -> None:
    try:
        with engine.begin() as connection, _import_cache(connection):
            writer = _run(connection, name, fmt, batches, result, rejects, progress, total)
            _audit(connection, result, writer)
    except BaseException:
        if rejects is not None:
            rejects.abandon()
        raise
    checkpoint(engine)


#: SQLite page cache for the connection writing an import, in KiB. A million-row import outgrows
#: the everyday 64 MiB, and every index page evicted then is a write and a later re-read: with
#: 512 MiB a 1,000,000-row ACLED import took 147 s instead of 222 s (the whole import then peaks
#: at 1.2 GiB). Only the importing connection gets it, and only while it imports.
IMPORT_CACHE_KIB = 512 * 1024


@contextmanager
def _import_cache(connection: Connection) -> Iterator[None]:
    if connection.dialect.name != "sqlite":
        yield
        return
    everyday = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(everyday or -65536)}")


def _run(
    connection: Connection,
    name: str,
    fmt: SourceFormat,
    batches: BatchSource,
    result: ImportResult,
    rejects: _RejectsWriter | None,
    progress: ProgressCallback | None,
    total: int,
) -> _Writer:
    import_id = connection.execute(
        insert(ImportRun)
        .values(source_system=fmt.source_system, file_name=name, file_sha256="")
        .returning(ImportRun.id)
    ).scalar_one()
    result.import_id = import_id
    # Naive UTC, as the column stores it on either backend, so digests made beforehand match.
    stamp = Stamp(fmt.source_system, import_id, utcnow().replace(tzinfo=None))
    writer = _Writer(connection, stamp)
    problems = _Problems(name, fmt.id_column, rejects)
    sha256 = ""
    for batch in batches(stamp):
        for refused in batch.refused:
            problems.refuse(refused.row_number, refused.row, refused.problems)
        result.warnings.extend(batch.warnings)
        result.warning_count += batch.warning_count
        result.rows_read = batch.rows_read
        if not problems.blocking:  # once the import is refused, keep reading only to report every problem
            for at in writer.write(batch):
                problems.refuse(
                    batch.row_numbers[at],
                    _raw_row(batch.values[at], batch.columns),
                    [(fmt.id_column, "appears more than once in this file", batch.keys[at])],
                )
        if progress is not None:
            progress(batch.bytes_read, total)
        sha256 = batch.sha256 or sha256
    problems.raise_if_blocking()
    result.inserted, result.unchanged = writer.inserted, writer.unchanged
    result.rejected = problems.rejected_rows
    connection.execute(
        update(ImportRun)
        .where(ImportRun.id == import_id)
        .values(
            finished_at=utcnow(),
            file_sha256=sha256,
            rows_read=result.rows_read,
            rows_inserted=result.inserted,
            rows_unchanged=result.unchanged,
            rows_rejected=result.rejected,
            warnings=result.warnings,
            warning_count=result.warning_count,
        )
    )
    return writer
