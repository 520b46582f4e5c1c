"""Invalid files are refused whole, with every error naming file, row and field."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from civharm.errors import InputFileError
from civharm.ingest.acled import AcledExport
from civharm.ingest.pipeline import import_csv
from civharm.ingest.ucdp import UcdpGed
from civharm.reports.models import ImportRun, Report


def _ucdp_with_bad_rows(shared_data: Path, target: Path) -> Path:
    """The first 50 real UCDP rows, with three broken values in rows 11 and 21 and a missing id in row 31."""
    with (shared_data / "ucdp_ged_syria_2016_2017.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        rows = [row for _, row in zip(range(50), reader, strict=False)]
    rows[9]["latitude"] = "abc"  # spreadsheet row 11
    rows[19]["date_start"] = "2016-13-45"  # row 21
    rows[29]["id"] = ""  # row 31
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return target


def _stored(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            int(session.scalar(select(func.count()).select_from(Report)) or 0),
            int(session.scalar(select(func.count()).select_from(ImportRun)) or 0),
        )


def test_a_file_with_bad_rows_is_refused_whole(engine: Engine, shared_data: Path, tmp_path: Path) -> None:
    path = _ucdp_with_bad_rows(shared_data, tmp_path / "bad.csv")
    with pytest.raises(InputFileError) as refused:
        import_csv(engine, path, UcdpGed())
    found = {(e.row, e.field) for e in refused.value.errors}
    assert found == {(11, "latitude"), (21, "date_start"), (31, "id")}
    message = str(refused.value)
    assert f"{path}: row 11, field 'latitude': is not a number (got 'abc')" in message
    assert (
        "row 21, field 'date_start': is not a valid date (expected YYYY-MM-DD) (got '2016-13-45')" in message
    )
    assert "row 31, field 'id': is required but empty" in message
    assert "nothing was imported" in message
    assert _stored(engine) == (0, 0)


def test_skip_invalid_imports_the_rest_and_writes_the_rejects(
    engine: Engine, shared_data: Path, tmp_path: Path
) -> None:
    path = _ucdp_with_bad_rows(shared_data, tmp_path / "bad.csv")
    rejects = tmp_path / "rejects.csv"
    result = import_csv(engine, path, UcdpGed(), skip_invalid=True, rejects_path=rejects)
    assert (result.inserted, result.rejected) == (47, 3)
    assert _stored(engine) == (47, 1)
    with rejects.open(encoding="utf-8", newline="") as handle:
        refused = list(csv.DictReader(handle))
    assert [(r["row"], r["field"]) for r in refused] == [
        ("11", "latitude"),
        ("21", "date_start"),
        ("31", "id"),
    ]
    assert refused[0]["latitude"] == "abc"  # the original row travels with its reason


def test_missing_columns_are_named(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text("event_id_cnty,event_date\nX1,2022-01-01\n", encoding="utf-8")
    with pytest.raises(InputFileError) as refused:
        import_csv(engine, path, AcledExport())
    missing = {e.field for e in refused.value.errors}
    assert {"latitude", "longitude", "fatalities"} <= missing
    assert all(e.row == 1 for e in refused.value.errors)


def test_an_empty_file_is_refused_clearly(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputFileError, match="the file is empty"):
        import_csv(engine, path, AcledExport())


def test_an_id_twice_in_one_file_is_an_error(engine: Engine, shared_data: Path, tmp_path: Path) -> None:
    with (shared_data / "acled_2022q1_sample.csv").open(encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines(keepends=True)
    path = tmp_path / "twice.csv"
    path.write_text("".join([*lines[:6], lines[3]]), encoding="utf-8")
    with pytest.raises(InputFileError) as refused:
        import_csv(engine, path, AcledExport())
    (error,) = refused.value.errors
    assert (error.row, error.field, error.message) == (
        7,
        "event_id_cnty",
        "appears more than once in this file",
    )
    assert _stored(engine) == (0, 0)


def test_a_utf8_bom_and_semicolons_are_understood(engine: Engine, shared_data: Path, tmp_path: Path) -> None:
    with (shared_data / "acled_2022q1_sample.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for _, row in zip(range(10), csv.reader(handle), strict=False)]
    path = tmp_path / "excel.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    assert import_csv(engine, path, AcledExport()).inserted == 9
