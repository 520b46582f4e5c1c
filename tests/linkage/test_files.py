"""File to file with ``civharm link``, and bad input refused with row and field named."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civharm.cli.main import app
from civharm.errors import InputFileError
from civharm.linkage.records import read_records

runner = CliRunner()
HEADER = (
    "report_id,source,date,date_precision,latitude,longitude,place_name,admin1,country,"
    "civilians_killed,civilians_injured,description\n"
)
ROWS = [
    "r1,media-01,2017-03-10,day,35.0198,40.4515,Al-Mayadin,Deir ez-Zor,SYR,4,2,"
    "Airstrike hit the market in the morning",
    "r2,ngo-01,2017-03-10,day,35.0210,40.4530,Mayadeen,Deir ez-Zor,Syria,4-5,,"
    "Warplanes struck the souq this morning",
    "r3,council-01,2017-03-11,day,,,الميادين,Deir ez-Zor,SYR,4,,غارة على سوق الميادين صباح",
    "r4,media-01,2017-03-20,day,36.52,38.10,Manbij,Aleppo,SYR,1,,Clashes at a checkpoint at night",
]


def test_link_file_to_file(tmp_path: Path) -> None:
    source, out = tmp_path / "reports.csv", tmp_path / "clusters.csv"
    source.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["link", "--input", str(source), "--output", str(out), "--explain", str(tmp_path / "e.jsonl")]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["report_id", "incident_id", "match_probability"]
    assert [r["report_id"] for r in rows] == ["r1", "r2", "r3", "r4"]
    incident = {r["report_id"]: r["incident_id"] for r in rows}
    assert incident["r1"] == incident["r2"] == incident["r3"] != incident["r4"]
    no_coordinates = next(r for r in rows if r["report_id"] == "r3")
    assert float(no_coordinates["match_probability"]) > 0.5
    assert "1 report(s) had no coordinates" in result.stderr and "r3" in result.stderr
    assert (tmp_path / "e.jsonl").read_text(encoding="utf-8").count("\n") == 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "row 1, field '': the file is empty"),
        ("report_id,source,date\nr1,x,2017-01-01\n", "row 1, field 'latitude': column is missing"),
        (HEADER, "the file has a header row but no reports"),
        (
            HEADER + ROWS[0].replace("2017-03-10", "10th of March") + "\n",
            "row 2, field 'date': is not a valid date",
        ),
        (HEADER + ROWS[0].replace("35.0198", "north") + "\n", "row 2, field 'latitude': is not a number"),
        (
            HEADER + ROWS[0].replace("35.0198", "95") + "\n",
            "row 2, field 'latitude': latitude must be between",
        ),
        (
            HEADER + ROWS[0].replace(",40.4515,", ",,") + "\n",
            "row 2, field 'longitude': is empty while the other",
        ),
        (
            HEADER + ROWS[0].replace(",day,", ",fortnight,") + "\n",
            "row 2, field 'date_precision': must be one of",
        ),
        (
            HEADER + ROWS[0].replace(",4,2,", ",5-3,2,") + "\n",
            "row 2, field 'civilians_killed': range must be",
        ),
        (HEADER + ROWS[0] + "\n" + ROWS[0] + "\n", "row 3, field 'report_id': repeats the id of row 2"),
    ],
)
def test_bad_input_names_row_and_field(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_records(path)
    assert expected in str(caught.value)


def test_the_command_refuses_bad_input_without_writing(tmp_path: Path) -> None:
    path, out = tmp_path / "bad.csv", tmp_path / "out.csv"
    path.write_text(HEADER + ROWS[0].replace("2017-03-10", "yesterday") + "\n", encoding="utf-8")
    result = runner.invoke(app, ["link", "--input", str(path), "--output", str(out)])
    assert result.exit_code != 0 and not out.exists()
