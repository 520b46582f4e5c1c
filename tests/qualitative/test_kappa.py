"""Cohen's kappa with characters as units, checked against a worked example done by hand."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civharm.cli.main import app
from civharm.qualitative.kappa import AgreementTable

runner = CliRunner()


def _write(path: Path, rows: list[tuple[str, int, int, str]]) -> Path:
    lines = ["document_id, start, end, code", *(f"{d}, {s}, {e}, {c}" for d, s, e, c in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "d1.txt").write_text("abcdefghij", encoding="utf-8")  # 10 characters
    (folder / "d2.txt").write_text("klmnopqrst", encoding="utf-8")  # 10 characters
    return folder


def test_kappa_per_code_and_overall_equal_the_hand_computed_values(tmp_path: Path, corpus: Path) -> None:
    # Code X: A codes d1[0,6) (as two overlapping segments), B codes d1[2,8).
    #   both 4, A only 2, B only 2, neither 12 of 20 -> po 0.8, pe 0.3*0.3 + 0.7*0.7 = 0.58,
    #   kappa = 0.22 / 0.42 = 11/21.
    # Code Y: A codes d2[0,5), B codes d2[0,10).
    #   both 5, A only 0, B only 5, neither 10 -> po 0.75, pe 0.25*0.5 + 0.75*0.5 = 0.5, kappa 0.5.
    # Overall, tables summed: both 9, A only 2, B only 7, neither 22 of 40 -> po 31/40,
    #   pe 0.275*0.4 + 0.725*0.6 = 0.545, kappa = 0.23 / 0.455 = 46/91.
    a = _write(tmp_path / "a.csv", [("d1", 0, 4, "X"), ("d1", 3, 6, "X"), ("d2", 0, 5, "Y")])
    b = _write(tmp_path / "b.csv", [("d1", 2, 8, "X"), ("d2", 0, 10, "Y")])
    result = runner.invoke(app, ["qual", "kappa", "--a", str(a), "--b", str(b), "--documents", str(corpus)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["code", "kappa"]
    values = {code: float(kappa) for code, kappa in rows[1:]}
    assert list(values) == ["X", "Y", "__overall__"]
    assert values["X"] == pytest.approx(11 / 21)
    assert values["Y"] == pytest.approx(0.5)
    assert values["__overall__"] == pytest.approx(46 / 91)


def test_identical_coding_gives_kappa_one(tmp_path: Path, corpus: Path) -> None:
    a = _write(tmp_path / "a.csv", [("d1", 1, 3, "X")])
    result = runner.invoke(app, ["qual", "kappa", "--a", str(a), "--b", str(a), "--documents", str(corpus)])
    assert result.stdout.splitlines()[-1] == "__overall__,1"


def test_a_code_without_variance_has_undefined_kappa() -> None:
    assert math.isnan(AgreementTable(both=20).kappa())
    assert math.isnan(AgreementTable(neither=20).kappa())
    assert AgreementTable(a_only=5, neither=15).kappa() == 0.0  # one coder never used the code


def test_bad_rows_are_reported_with_file_row_and_field(tmp_path: Path, corpus: Path) -> None:
    a = _write(
        tmp_path / "a.csv", [("d1", 0, 4, "X"), ("d9", 0, 2, "X"), ("d1", 5, 3, "X"), ("d2", 0, 11, "Y")]
    )
    b = _write(tmp_path / "b.csv", [("d1", 2, 8, "X")])
    result = runner.invoke(app, ["qual", "kappa", "--a", str(a), "--b", str(b), "--documents", str(corpus)])
    assert result.exit_code != 0
    message = str(result.exception)
    assert "row 3, field 'document_id'" in message
    assert "row 4, field 'end': must be greater than start (5)" in message
    assert "row 5, field 'end': is past the end of d2.txt (10 characters)" in message
