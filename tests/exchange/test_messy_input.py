"""Partners' files as they really come: each imported correctly, or refused naming row and column
with nothing written."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from civharm.db.engine import session_factory
from civharm.errors import InputFileError
from civharm.exchange.forms import QUESTIONS, write_xlsform
from civharm.exchange.imports import import_file
from civharm.exchange.mapping import save_mapping
from civharm.reports.models import ImportRun, Report

COLUMNS = {
    "source_key": "ID",
    "date": "Date",
    "place_name": "Place",
    "original_text": "Account",
    "killed": "Killed",
    "latitude": "Lat",
    "longitude": "Lon",
}


def _save(engine: Engine, name: str, columns: dict[str, str]) -> None:
    with session_factory(engine).begin() as session:
        save_mapping(
            session,
            name=name,
            columns=columns,
            defaults={"source_type": "ngo", "source_name": "Field NGO"},
            actor="tester",
        )


def _reports(engine: Engine) -> list[Report]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(Report).order_by(Report.source_key)))


def _nothing_written(engine: Engine) -> None:
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count(Report.id))) == 0
        assert session.scalar(select(func.count(ImportRun.id))) == 0


def test_bom_semicolons_excel_serials_mixed_scripts_and_blank_rows(engine: Engine, tmp_path: Path) -> None:
    _save(engine, "field", COLUMNS)
    path = tmp_path / "field.csv"
    lines = [
        "ID;Date;Place;Account;Killed;Lat;Lon",
        "A1;44927;الميادين Al Mayadin;Shelling hit the market / قصف السوق;٣;35.0198;40.4515",
        ";;;;;;",
        "",
        "A2;2023-01-02;Deir ez-Zor;Two killed;2;;",
    ]
    path.write_bytes("\ufeff".encode() + "\r\n".join(lines).encode("utf-8"))
    result = import_file(engine, "csv", path, mapping="field", actor="tester")
    assert (result.as_dict()["inserted"], result.as_dict()["rows_read"]) == (2, 2)
    first, second = _reports(engine)
    assert first.date_start == date(2023, 1, 1)  # Excel serial 44927
    assert first.place_name == "الميادين Al Mayadin" and first.killed_max == 3  # Arabic-Indic digit
    assert "قصف السوق" in first.original_text and first.source_name == "Field NGO"
    assert second.latitude is None and second.date_start == date(2023, 1, 2)
    assert import_file(engine, "csv", path, mapping="field", actor="tester").as_dict()["inserted"] == 0


def test_a_bad_value_refuses_the_whole_file_naming_row_and_column(engine: Engine, tmp_path: Path) -> None:
    _save(engine, "field", COLUMNS)
    path = tmp_path / "bad.csv"
    path.write_text(
        "ID,Date,Place,Account,Killed,Lat,Lon\nB1,2023-01-01,X,ok,1,,\n"
        "B2,2023-31-01,Y,bad date,1,,\nB3,2023-01-03,Z,bad lat,1,95,40\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as refused:
        import_file(engine, "csv", path, mapping="field", actor="tester")
    problems = {(e.row, e.field) for e in refused.value.errors}
    assert problems == {(3, "Date"), (4, "Lat")}
    assert "row 3, field 'Date'" in str(refused.value)
    _nothing_written(engine)


def _workbook(path: Path, rows: list[list[object]], merges: list[str]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def test_xlsx_with_a_merged_group_header_dates_and_serials(engine: Engine, tmp_path: Path) -> None:
    _save(
        engine,
        "sheet",
        {
            "source_key": "ID",
            "date": "Date",
            "place_name": "Place",
            "killed": "Casualties / killed",
            "injured": "Casualties / injured",
        },
    )
    rows: list[list[object]] = [
        ["ID", "Date", "Place", "Casualties", None],
        [None, None, None, "killed", "injured"],
        ["X1", datetime(2023, 3, 4), "Hajin هجين", 2, 5],
        [None, None, None, None, None],
        ["X2", 44990, "Hajin", 1, None],
    ]
    path = _workbook(tmp_path / "grouped.xlsx", rows, ["A1:A2", "B1:B2", "C1:C2", "D1:E1"])
    assert import_file(engine, "xlsx", path, mapping="sheet", actor="tester").as_dict()["inserted"] == 2
    first, second = _reports(engine)
    assert (first.date_start, first.killed_max, first.injured_max, first.place_name) == (
        date(2023, 3, 4),
        2,
        5,
        "Hajin هجين",
    )
    assert second.date_start == date(2023, 3, 5)


def test_xlsx_merged_data_cells_and_bad_values_are_refused_by_row_and_column(
    engine: Engine, tmp_path: Path
) -> None:
    _save(engine, "plain", {"source_key": "ID", "date": "Date", "killed": "Killed"})
    merged = _workbook(
        tmp_path / "merged.xlsx",
        [["ID", "Date", "Killed"], ["M1", "2023-01-01", 1], ["M2", None, 2]],
        ["B2:B3"],
    )
    with pytest.raises(InputFileError, match=r"row 2, field 'column B': cells B2:B3 are merged"):
        import_file(engine, "xlsx", merged, mapping="plain", actor="tester")
    bad = _workbook(
        tmp_path / "bad.xlsx", [["ID", "Date", "Killed"], ["M1", "2023-01-01", 1], ["M2", "soon", -2]], []
    )
    with pytest.raises(InputFileError) as refused:
        import_file(engine, "xlsx", bad, mapping="plain", actor="tester")
    assert {(e.row, e.field) for e in refused.value.errors} == {
        (3, "Date (column B)"),
        (3, "Killed (column C)"),
    }
    _nothing_written(engine)


def test_kobo_submissions_of_the_published_form(engine: Engine, tmp_path: Path) -> None:
    form = write_xlsform(tmp_path / "form.xlsx")
    assert form.is_file()
    names = [name for _, name, _, _, _ in QUESTIONS if name != "location"]
    header = [
        "start",
        *(f"incident/{n}" for n in names),
        "_location_latitude",
        "_location_longitude",
        "_uuid",
        "_submission_time",
    ]
    values = {
        "incident_date": "2023-02-03",
        "place": "Abu Kamal البوكمال",
        "description": "Boat hit",
        "source_type": "civilian_claim",
        "source_name": "Fisherman",
        "killed": "1",
        "injured": "",
        "topics": "poc caac",
        "cause": "",
        "admin1": "",
        "language": "ar",
    }
    row = [
        "2023-02-03T10:00:00.000+03:00",
        *(values.get(n, "") for n in names),
        "34.45",
        "40.92",
        "5b0c-uuid",
        "2023-02-04T08:00:00",
    ]
    path = tmp_path / "submissions.csv"
    path.write_text(";".join(header) + "\n" + ";".join(row) + "\n", encoding="utf-8-sig")
    assert import_file(engine, "kobo", path, actor="tester").as_dict()["inserted"] == 1
    (report,) = _reports(engine)
    assert (report.source_system, report.source_key, report.latitude, report.topics) == (
        "kobo",
        "5b0c-uuid",
        34.45,
        ["poc", "caac"],
    )
    assert import_file(engine, "kobo", path, actor="tester").as_dict()["inserted"] == 0
    incomplete = tmp_path / "old-form.csv"
    incomplete.write_text("incident/place;_uuid\nX;u1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="incident_date"):
        import_file(engine, "kobo", incomplete, actor="tester")


def test_geojson_is_checked_against_rfc_7946_before_import(engine: Engine, tmp_path: Path) -> None:
    good = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "g1",
                "geometry": {"type": "Point", "coordinates": [40.45, 35.02]},
                "properties": {
                    "date": "2023-01-01",
                    "killed": 2,
                    "original_text": "Strike",
                    "source_type": "ngo",
                },
            },
        ],
    }
    path = tmp_path / "good.geojson"
    path.write_text(json.dumps(good), encoding="utf-8")
    assert import_file(engine, "geojson", path, actor="tester").as_dict()["inserted"] == 1
    bad = {
        "type": "FeatureCollection",
        "crs": {"type": "name"},
        "features": [
            good["features"][0],
            {
                "type": "Feature",
                "id": "g2",
                "geometry": {"type": "Point", "coordinates": [35.02, 140.45]},
                "properties": {},
            },
            {
                "type": "Feature",
                "id": "g3",
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]},
                "properties": {},
            },
        ],
    }
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(InputFileError) as refused:
        import_file(engine, "geojson", path, actor="tester")
    problems = {(e.row, e.field) for e in refused.value.errors}
    assert (2, "geometry.coordinates") in problems and (3, "geometry.coordinates[0]") in problems
    assert any("crs" in e.field or "crs" in e.message for e in refused.value.errors)


def test_other_organisations_hxl_becomes_reports(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "partner.csv"
    path.write_text(
        "Event,Date,Location,Country,Killed\n#event+id,#date+occurred,#loc+name,#country+code,#affected+killed\n"
        "e1,2023-05-01,Raqqa,SYR,4\ne2,2023-05-02,Tabqa,SYR,0\n",
        encoding="utf-8",
    )
    assert import_file(engine, "hxl", path, actor="tester").as_dict()["inserted"] == 2
    first, _ = _reports(engine)
    assert (first.source_system, first.country_iso3, first.killed_max, first.place_name) == (
        "hxl",
        "SYR",
        4,
        "Raqqa",
    )
