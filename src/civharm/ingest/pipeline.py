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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, insert, select, update

from civharm.casualties.models import CasualtyCount
from civharm.db.base import table_of, utcnow
from civharm.db.bulk import PreparedInsert
from civharm.db.ids import allocate_ids
from civharm.errors import InputFileError, RowError
from civharm.ingest.csvfile import open_csv
from civharm.ingest.prepare import (
    COUNT_COLUMNS,
    PARALLEL_MIN_BYTES,
    Batch,
    PreparedRow,
    batches_in_worker,
    prepare_batches,
)
from civharm.ingest.source import ParsedRow, Problems, SourceFormat
from civharm.reports.models import ImportRun, Report
from civharm.security.audit import checkpoint, record_bulk

__all__ = ["ImportResult", "ParsedRow", "SourceFormat", "import_csv"]

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes read so far, file size in bytes)."""

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
    """Inserts prepared reports and their counts, skipping keys already stored."""

    def __init__(self, connection: Connection, source_system: str, import_id: int) -> None:
        self.connection = connection
        self.source_system = source_system
        self.import_id = import_id
        self.inserted = 0
        self.unchanged = 0
        self._reports: PreparedInsert | None = None
        self._columns: tuple[str, ...] = ()
        self._counts = PreparedInsert(connection, table_of(CasualtyCount), ["report_id", *COUNT_COLUMNS])

    def write(self, batch: Batch) -> list[PreparedRow]:
        """Write the batch's rows; return those whose id already appeared in this file."""
        if not batch.rows:
            return []
        keys = [row.source_key for row in batch.rows]
        query = select(Report.source_key, Report.import_id).where(
            Report.source_system == self.source_system, Report.source_key.in_(keys)
        )
        stored = {found.source_key: found.import_id for found in self.connection.execute(query)}
        fresh: list[PreparedRow] = []
        repeated: list[PreparedRow] = []
        seen_here: set[str] = set()
        for row in batch.rows:
            if row.source_key in seen_here or stored.get(row.source_key, -1) == self.import_id:
                repeated.append(row)
            elif row.source_key in stored:
                self.unchanged += 1
            else:
                seen_here.add(row.source_key)
                fresh.append(row)
        if fresh:
            self._insert(fresh, batch.columns)
        return repeated

    def _insert(self, fresh: list[PreparedRow], columns: tuple[str, ...]) -> None:
        if self._reports is None or columns != self._columns:
            constants = {
                "source_system": self.source_system,
                "import_id": self.import_id,
                "created_at": utcnow(),
            }
            self._reports = PreparedInsert(
                self.connection, table_of(Report), ["id", "source_key", *columns], constants
            )
            self._columns = columns
        ids = allocate_ids(self.connection, table_of(Report), len(fresh))
        self._reports.execute(
            (report_id, row.source_key, *row.values) for report_id, row in zip(ids, fresh, strict=True)
        )
        self._counts.execute(
            (report_id, *count) for report_id, row in zip(ids, fresh, strict=True) for count in row.counts
        )
        self.inserted += len(fresh)


def _audit(connection: Connection, result: ImportResult) -> None:
    """One entry in the audit chain for the whole import, with a digest of every row written."""
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
    )


def _raw_row(row: PreparedRow, columns: tuple[str, ...]) -> dict[str, str]:
    """The original row of a prepared report (for the rejects file), from its stored raw record."""
    if "raw_record" not in columns:
        return {}
    raw = row.values[columns.index("raw_record")]
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
) -> ImportResult:
    """Import a CSV file of ``fmt`` into the store.

    Raises :class:`InputFileError` (and writes nothing) when any row is invalid, unless
    ``skip_invalid`` is set, in which case the rejects go to ``rejects_path``
    (default: ``<file>.rejects.csv``). ``parallel`` parses in a worker process; by default
    it does so for files of 8 MiB or more.

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
    batches: Iterator[Batch] = (
        batches_in_worker(path, fmt, url, batch_size)
        if parallel
        else prepare_batches(path, fmt, engine.dialect, batch_size)
    )
    total = path.stat().st_size
    try:
        with engine.begin() as connection:
            _run(connection, str(path), fmt, batches, result, rejects, progress, total)
            _audit(connection, result)
    except BaseException:
        if rejects is not None:
            rejects.abandon()
        raise
    checkpoint(engine)
    if rejects is not None:
        rejects.finish()
        result.rejects_file = str(rejects.target) if result.rejected else None
        if not result.rejected:
            rejects.target.unlink(missing_ok=True)
    return result


def _run(
    connection: Connection,
    name: str,
    fmt: SourceFormat,
    batches: Iterator[Batch],
    result: ImportResult,
    rejects: _RejectsWriter | None,
    progress: ProgressCallback | None,
    total: int,
) -> None:
    import_id = connection.execute(
        insert(ImportRun)
        .values(source_system=fmt.source_system, file_name=name, file_sha256="")
        .returning(ImportRun.id)
    ).scalar_one()
    result.import_id = import_id
    writer = _Writer(connection, fmt.source_system, import_id)
    problems = _Problems(name, fmt.id_column, rejects)
    sha256 = ""
    for batch in batches:
        for refused in batch.refused:
            problems.refuse(refused.row_number, refused.row, refused.problems)
        result.warnings.extend(batch.warnings)
        result.warning_count += batch.warning_count
        result.rows_read = batch.rows_read
        if not problems.blocking:  # once the import is refused, keep reading only to report every problem
            for row in writer.write(batch):
                problems.refuse(
                    row.row_number,
                    _raw_row(row, batch.columns),
                    [(fmt.id_column, "appears more than once in this file", row.source_key)],
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
