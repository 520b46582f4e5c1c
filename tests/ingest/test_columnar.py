"""Reading column by column gives exactly what reading row by row gives: reports, counts, errors."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from civharm.casualties.models import CasualtyCount
from civharm.db.base import table_of
from civharm.db.bulk import RowEncoder, _processor
from civharm.errors import InputFileError
from civharm.ingest import columnar
from civharm.ingest.acled import AcledExport
from civharm.ingest.columnar import ColumnarSource
from civharm.ingest.pipeline import import_csv
from civharm.precision import DatePrecision
from civharm.reports.models import Report
from civharm.security.verify import verify
from civharm.vocabulary import Cause

#: Awkward values put into copies of real rows: (column, value), by row of the written file.
MIXED = {
    3: ("latitude", "abc"),
    5: ("event_date", "2022-02-30"),
    6: ("event_date", "15/01/2022"),  # valid, though not ISO
    8: ("event_id_cnty", ""),
    9: ("time_precision", "4"),
    11: ("fatalities", "3.0"),  # a whole number written as a float: accepted
    12: ("fatalities", "-2"),
    14: ("iso", " "),  # blank: no number
    15: ("latitude", " 12,5 "),  # a decimal comma, with spaces: accepted
    17: ("longitude", "181"),
    18: ("geo_precision", ""),
    20: ("event_id_cnty", " padded "),
    21: ("notes", 'said "no"\nthen left'),
}


def _sample(shared_data: Path, count: int) -> tuple[list[str], list[dict[str, str]]]:
    with (shared_data / "acled_2022q1_sample.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for _, row in zip(range(count), reader, strict=False)]
        return list(reader.fieldnames or []), rows


def _write(
    path: Path, columns: list[str], rows: list[dict[str, str]], blank_after: int | None = None
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for at, row in enumerate(rows):
            writer.writerow(row)
            if at == blank_after:
                handle.write("\r\n")  # an empty line: skipped, but it counts as a row
    return path


def _mixed_file(shared_data: Path, path: Path) -> Path:
    columns, rows = _sample(shared_data, 40)
    for file_row, (column, value) in MIXED.items():
        rows[file_row - 2][column] = value
    rows[30]["event_id_cnty"] = rows[25]["event_id_cnty"]  # an id twice
    return _write(path, columns, rows, blank_after=27)


def _refusal(engine: Engine, path: Path, *, columnar: bool) -> str:
    with pytest.raises(InputFileError) as refused:
        import_csv(engine, path, AcledExport(), columnar=columnar)
    return str(refused.value)


def test_each_row_read_by_column_is_the_report_parse_gives(shared_data: Path, tmp_path: Path) -> None:
    path = _mixed_file(shared_data, tmp_path / "mixed.csv")
    fmt = AcledExport()
    seen = []
    with ColumnarSource(path, fmt) as source:
        for row_number, row, parsed in source.rows():
            seen.append(row_number)
            problems: list[tuple[str, str, str | None]] = []
            expected = fmt.parse(row, problems)
            if parsed is not None:  # checked by column: exactly what parse gives
                assert (parsed, problems) == (expected, []), row_number
            else:  # refused by a check: parse reports why
                assert problems, row_number
        assert source.arrow_rows is None  # Arrow read the whole file
    assert seen == [n for n in range(2, 43) if n != 30]  # row 30 is the empty line


def test_a_file_with_bad_rows_gives_the_same_errors_either_way(
    engine: Engine, shared_data: Path, tmp_path: Path
) -> None:
    path = _mixed_file(shared_data, tmp_path / "mixed.csv")
    by_column = _refusal(engine, path, columnar=True)
    assert by_column == _refusal(engine, path, columnar=False)
    assert f"{path}: row 3, field 'latitude': is not a number (got 'abc')" in by_column
    assert (
        "row 5, field 'event_date': is not a valid date (expected YYYY-MM-DD) (got '2022-02-30')" in by_column
    )
    assert "row 8, field 'event_id_cnty': is required but empty" in by_column
    assert "row 18, field 'geo_precision': is required but empty" in by_column
    assert "row 6," not in by_column and "row 15," not in by_column


def _stored(engine: Engine, source_system: str) -> list[tuple[Any, ...]]:
    reports, counts = table_of(Report), table_of(CasualtyCount)
    skip = {"id", "source_system", "import_id", "created_at"}
    columns = [c for c in reports.columns if c.name not in skip]
    with engine.connect() as connection:
        found = connection.execute(
            select(*columns, counts.c.status, counts.c.count_min)
            .outerjoin(counts, counts.c.report_id == reports.c.id)
            .where(reports.c.source_system == source_system)
            .order_by(reports.c.id)
        )
        return [tuple(row) for row in found]


def test_valid_rows_are_stored_the_same_either_way(engine: Engine, shared_data: Path, tmp_path: Path) -> None:
    path = _mixed_file(shared_data, tmp_path / "mixed.csv")
    results = {}
    for name, by_column in (("by-column", True), ("by-row", False)):
        rejects = tmp_path / f"{name}.rejects.csv"
        fmt = AcledExport(source_system=name)
        results[name] = import_csv(
            engine, path, fmt, skip_invalid=True, rejects_path=rejects, columnar=by_column
        )
    one, other = results["by-column"], results["by-row"]
    assert (one.inserted, one.rejected, one.warnings) == (other.inserted, other.rejected, other.warnings)
    assert (one.inserted, one.rejected) == (32, 8)
    assert (tmp_path / "by-column.rejects.csv").read_bytes() == (tmp_path / "by-row.rejects.csv").read_bytes()
    stored = _stored(engine, "by-column")
    assert stored == _stored(engine, "by-row")
    padded = [row for row in stored if row[0] == "padded"]  # source_key comes first
    assert len(padded) == 1
    with engine.connect() as connection:
        report = connection.execute(
            select(Report.date_start, Report.killed_best, Report.latitude, Report.original_text).where(
                Report.source_system == "by-column",
                Report.raw_record["event_date"].as_string() == "15/01/2022",
            )
        ).one()
        assert report.date_start == date(2022, 1, 15)
        assert verify(connection).problems == []  # digests made while reading match the rows stored


def test_where_arrow_gives_up_the_csv_module_reads_on(
    engine: Engine, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    columns, rows = _sample(shared_data, 60)
    path = _write(tmp_path / "ragged.csv", columns, rows)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[45] = lines[45].rstrip("\r\n") + ",one field too many\r\n"  # row 46, which csv reads all the same
    path.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 8192)  # a few rows a block, so Arrow reads some first
    with ColumnarSource(path, AcledExport()) as source:
        numbers = [row_number for row_number, _, _ in source.rows()]
        assert source.arrow_rows is not None and 0 < source.arrow_rows <= 44  # row 46 went to csv
        assert len(source.sha256()) == 64
    assert numbers == list(range(2, 62))
    results = [
        import_csv(engine, path, AcledExport(source_system=f"acled-{by_column}"), columnar=by_column)
        for by_column in (True, False)
    ]
    assert results[0].inserted == results[1].inserted == 60
    assert _stored(engine, "acled-True") == _stored(engine, "acled-False")


def test_bytes_that_are_not_utf8_are_reported_as_by_row(
    engine: Engine, shared_data: Path, tmp_path: Path
) -> None:
    columns, rows = _sample(shared_data, 30)
    path = _write(tmp_path / "latin1.csv", columns, rows)
    data = path.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1
    path.write_bytes(data[:cut] + b"X\xe9\xed\xa0\x80" + data[cut:])  # Latin-1 and a UTF-8 surrogate
    assert _refusal(engine, path, columnar=True) == _refusal(engine, path, columnar=False)


def test_quick_encoders_give_what_the_column_types_give(engine: Engine) -> None:
    reports = table_of(Report)
    columns = ["date_start", "date_precision", "cause", "raw_record", "topics"]
    encoder = RowEncoder(engine.dialect, reports, columns)
    for values in (
        {"date_start": date(2022, 1, 5), "date_precision": DatePrecision.DAY, "cause": Cause.CBRN},
        {"date_start": None, "date_precision": "week", "cause": Cause.UNKNOWN.value},
    ):
        row = {"raw_record": {"a": "b", "é": "ü"}, "topics": ["poc"], **values}
        slow = tuple(
            process(row[name]) if (process := _processor(engine.dialect, reports.c[name])) else row[name]
            for name in columns
        )
        quick = encoder.encode(row)
        assert [getattr(v, "obj", v) for v in quick] == [getattr(v, "obj", v) for v in slow]
