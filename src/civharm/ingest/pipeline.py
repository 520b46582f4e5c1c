"""The import pipeline every tabular source shares: stream, validate, write in one transaction.

Guarantees, whatever the source:

- **Streaming**: rows are read, checked and written in batches; memory does not grow with
  the file.
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
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, insert, select, update

from civharm.casualties.models import CasualtyCount
from civharm.db.base import table_of, utcnow
from civharm.db.bulk import bulk_insert
from civharm.db.ids import allocate_ids
from civharm.errors import InputFileError, RowError
from civharm.ingest.csvfile import CsvSource, open_csv
from civharm.reports.models import ImportRun, Report
from civharm.security.audit import checkpoint, record_bulk

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes read so far, file size in bytes)."""

MAX_ERRORS_SHOWN = 200
MAX_WARNINGS_KEPT = 1000


@dataclass(slots=True)
class ParsedRow:
    """One source row turned into a report and its casualty counts."""

    source_key: str
    report: dict[str, Any]
    counts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class SourceFormat(Protocol):
    """What a tabular source must provide to be imported."""

    #: Stable name stored with each report, e.g. ``ucdp-ged``.
    source_system: str
    #: Columns that must be present in the header.
    required_columns: tuple[str, ...]
    #: The column holding the source's own id.
    id_column: str

    def parse(self, row: dict[str, str], errors: list[tuple[str, str, str | None]]) -> ParsedRow | None:
        """Turn one row into a report; append ``(field, message, value)`` to ``errors`` on failure."""
        ...


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


class _BatchWriter:
    """Inserts reports and their counts in batches, skipping keys already stored."""

    def __init__(self, connection: Connection, source_system: str, import_id: int) -> None:
        self.connection = connection
        self.source_system = source_system
        self.import_id = import_id
        self.pending: list[tuple[int, ParsedRow]] = []
        self.inserted = 0
        self.unchanged = 0

    def add(self, row_number: int, parsed: ParsedRow) -> None:
        self.pending.append((row_number, parsed))

    def flush(self) -> list[tuple[int, ParsedRow]]:
        """Write what is pending; return the rows whose id already appeared in this file."""
        if not self.pending:
            return []
        batch, self.pending = self.pending, []
        keys = [parsed.source_key for _, parsed in batch]
        query = select(Report.source_key, Report.import_id).where(
            Report.source_system == self.source_system, Report.source_key.in_(keys)
        )
        stored = {row.source_key: row.import_id for row in self.connection.execute(query)}
        fresh: list[ParsedRow] = []
        repeated: list[tuple[int, ParsedRow]] = []
        seen_here: set[str] = set()
        for row_number, parsed in batch:
            key = parsed.source_key
            if key in seen_here or stored.get(key, -1) == self.import_id:
                repeated.append((row_number, parsed))
            elif key in stored:
                self.unchanged += 1
            else:
                seen_here.add(key)
                fresh.append(parsed)
        if fresh:
            self._insert(fresh)
        return repeated

    def _insert(self, fresh: list[ParsedRow]) -> None:
        ids = allocate_ids(self.connection, table_of(Report), len(fresh))
        common = {"source_system": self.source_system, "import_id": self.import_id}
        rows = [
            {**p.report, **common, "id": i, "source_key": p.source_key}
            for i, p in zip(ids, fresh, strict=True)
        ]
        # Plain executemany without RETURNING: the driver's fast path on both backends.
        bulk_insert(self.connection, table_of(Report), rows)
        counts = [
            {**count, "report_id": report_id}
            for report_id, parsed in zip(ids, fresh, strict=True)
            for count in parsed.counts
        ]
        if counts:
            bulk_insert(self.connection, table_of(CasualtyCount), counts)
        self.inserted += len(fresh)


def _check_header(source: CsvSource, fmt: SourceFormat) -> None:
    missing = [c for c in fmt.required_columns if c not in source.columns]
    if missing:
        errors = [RowError(source.name, 1, c, "column is missing from the header row") for c in missing]
        raise InputFileError(source.name, errors)


def import_csv(
    engine: Engine,
    path: Path,
    fmt: SourceFormat,
    *,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = 2000,
) -> ImportResult:
    """Import a CSV file of ``fmt`` into the store.

    Raises :class:`InputFileError` (and writes nothing) when any row is invalid, unless
    ``skip_invalid`` is set, in which case the rejects go to ``rejects_path``
    (default: ``<file>.rejects.csv``).

    Example::

        result = import_csv(engine, Path("ged.csv"), UcdpGed())
        print(result.inserted, result.warning_count)
    """
    result = ImportResult(file=str(path), source_system=fmt.source_system)
    with open_csv(path, progress=progress) as source:
        _check_header(source, fmt)
        rejects: _RejectsWriter | None = None
        if skip_invalid:
            target = rejects_path or path.with_name(path.name + ".rejects.csv")
            rejects = _RejectsWriter(target, source.columns)
        try:
            with engine.begin() as connection:
                _run(connection, source, fmt, result, rejects, batch_size)
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

    def refuse(self, row_number: int, row: dict[str, str], found: list[tuple[str, str, str | None]]) -> None:
        problems = [RowError(self.file_name, row_number, f, m, v) for f, m, v in found]
        self.total += len(problems)
        if self.rejects is not None:
            self.rejected_rows += 1
            self.rejects.write(row_number, row, problems)
        else:
            self.errors.extend(problems[: max(0, MAX_ERRORS_SHOWN - len(self.errors))])

    def refuse_repeated(self, repeated: list[tuple[int, ParsedRow]]) -> None:
        for row_number, parsed in repeated:
            found: list[tuple[str, str, str | None]] = [
                (self.id_column, "appears more than once in this file", parsed.source_key)
            ]
            self.refuse(row_number, parsed.report.get("raw_record", {}), found)


def _run(
    connection: Connection,
    source: CsvSource,
    fmt: SourceFormat,
    result: ImportResult,
    rejects: _RejectsWriter | None,
    batch_size: int,
) -> None:
    import_id = connection.execute(
        insert(ImportRun)
        .values(source_system=fmt.source_system, file_name=source.name, file_sha256="")
        .returning(ImportRun.id)
    ).scalar_one()
    result.import_id = import_id
    writer = _BatchWriter(connection, fmt.source_system, import_id)
    problems = _Problems(source.name, fmt.id_column, rejects)
    for row_number, row in _rows(source):
        result.rows_read += 1
        found: list[tuple[str, str, str | None]] = []
        parsed = fmt.parse(row, found)
        if found or parsed is None:
            problems.refuse(row_number, row, found or [("", "row could not be read", None)])
            continue
        for warning in parsed.warnings:
            result.warning_count += 1
            if len(result.warnings) < MAX_WARNINGS_KEPT:
                result.warnings.append(f"{source.name}: row {row_number}: {warning}")
        if problems.blocking:
            continue  # keep validating to report every problem, but stop writing
        writer.add(row_number, parsed)
        if len(writer.pending) >= batch_size:
            problems.refuse_repeated(writer.flush())
    if not problems.blocking:
        problems.refuse_repeated(writer.flush())
    if problems.blocking:
        raise InputFileError(source.name, problems.errors, truncated=problems.total - len(problems.errors))
    result.inserted, result.unchanged = writer.inserted, writer.unchanged
    result.rejected = problems.rejected_rows
    connection.execute(
        update(ImportRun)
        .where(ImportRun.id == import_id)
        .values(
            finished_at=utcnow(),
            file_sha256=source.sha256(),
            rows_read=result.rows_read,
            rows_inserted=result.inserted,
            rows_unchanged=result.unchanged,
            rows_rejected=result.rejected,
            warnings=result.warnings,
            warning_count=result.warning_count,
        )
    )


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


def _rows(source: CsvSource) -> Iterator[tuple[int, dict[str, str]]]:
    # Row numbers count the header as row 1, as a spreadsheet shows them.
    for index, row in enumerate(source.rows, start=2):
        if not any(value.strip() for value in row.values() if value):
            continue  # blank lines carry nothing
        yield index, row
