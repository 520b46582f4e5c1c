"""``civharm areas score|sensitivity|validate|framework`` on small files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from civharm.cli.main import app
from tests.areas.test_scoring import ISSUE_FRAMEWORK

runner = CliRunner()

INDICATORS = """area_id,indicator,value,year
A,civilian_deaths,0,2020
B,civilian_deaths,999,2020
C,civilian_deaths,5,2019
C,civilian_deaths,2000,2021
A,displaced_share,10,2020
B,displaced_share,30,2020
C,displaced_share,,2020
A,literacy_rate,80,2020
B,literacy_rate,50,2020
C,literacy_rate,100,2020
"""


def files(tmp_path: Path) -> tuple[Path, Path]:
    framework, indicators = tmp_path / "f.yaml", tmp_path / "i.csv"
    framework.write_text(ISSUE_FRAMEWORK, encoding="utf-8")
    indicators.write_text(INDICATORS, encoding="utf-8")
    return framework, indicators


def test_score_writes_every_area_and_node(tmp_path: Path) -> None:
    framework, indicators = files(tmp_path)
    output, coverage = tmp_path / "scores.csv", tmp_path / "coverage.csv"
    args = ["areas", "score", "--framework", str(framework), "--indicators", str(indicators),
            "--output", str(output), "--coverage", str(coverage)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "displaced_share" in result.output and "33%" in result.output
    scores = pd.read_csv(output).fillna({"class": ""})
    assert list(scores.columns) == ["area_id", "node", "score", "class", "missing_share"]
    assert len(scores) == 3 * 6
    by_key = scores.set_index(["area_id", "node"])
    assert by_key.loc[("B", "risk"), "score"] == 7.1237 and by_key.loc[("B", "risk"), "class"] == "very_high"
    # C's latest civilian_deaths is 2021's 2000 (capped), and it has no displaced_share
    assert by_key.loc[("C", "civilian_deaths"), "score"] == 10.0
    assert pd.isna(by_key.loc[("C", "displaced_share"), "score"])
    assert by_key.loc[("C", "displaced_share"), "class"] == ""
    assert by_key.loc[("C", "hazard"), "missing_share"] == 0.3333
    per_area = pd.read_csv(coverage, keep_default_na=False).set_index("area_id")
    assert per_area.loc["C", "missing_indicators"] == "displaced_share"


def test_sensitivity_reports_rank_moves(tmp_path: Path) -> None:
    framework, indicators = files(tmp_path)
    output, moves = tmp_path / "sensitivity.csv", tmp_path / "moves.csv"
    args = ["areas", "sensitivity", "--framework", str(framework), "--indicators", str(indicators),
            "--output", str(output), "--moves", str(moves)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(output).set_index("area_id")
    assert summary["rank"].to_dict() == {"A": 3, "B": 1, "C": 2}
    variants = set(pd.read_csv(moves)["variant"])
    assert "hazard: geometric mean" in variants and "civilian_deaths: transform none" in variants
    assert "hazard: weight of civilian_deaths x2" in variants and "all weights equal" in variants


def test_validate_and_framework(tmp_path: Path) -> None:
    framework, indicators = files(tmp_path)
    ok = runner.invoke(
        app, ["areas", "validate", "--framework", str(framework), "--indicators", str(indicators)]
    )
    assert ok.exit_code == 0 and "framework ok: 3 nodes, 3 indicators" in ok.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(ISSUE_FRAMEWORK.replace("{literacy_rate: 1}", "{literacy: 1}"), encoding="utf-8")
    refused = runner.invoke(app, ["areas", "validate", "--framework", str(broken)])
    assert refused.exit_code != 0
    copy = tmp_path / "mine.yaml"
    assert runner.invoke(app, ["areas", "framework", "--output", str(copy)]).exit_code == 0
    assert "root: human_security_risk" in copy.read_text(encoding="utf-8")
    shown = runner.invoke(app, ["areas", "framework"])
    assert "self_protection_readiness" in shown.output
