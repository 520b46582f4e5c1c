"""A framework file or indicator CSV with mistakes is refused with every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from civharm.areas.framework import FrameworkError, load_framework, parse_framework
from civharm.areas.indicators import IndicatorFileError, read_indicators
from tests.areas.test_scoring import ISSUE_FRAMEWORK


def problems(text: str) -> str:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text, file="f.yaml")
    return str(caught.value)


def test_the_issue_example_is_accepted_with_default_weights() -> None:
    framework = parse_framework(ISSUE_FRAMEWORK + "\n")
    assert framework.root == "risk"
    assert framework.order() == [
        "risk",
        "hazard",
        "civilian_deaths",
        "displaced_share",
        "vulnerability",
        "literacy_rate",
    ]
    assert framework.nodes["hazard"].children == (("civilian_deaths", 2.0), ("displaced_share", 1.0))
    assert framework.nodes["risk"].max_missing == 0.5
    listed = parse_framework(ISSUE_FRAMEWORK.replace("{literacy_rate: 1}", "[literacy_rate]"))
    assert listed.nodes["vulnerability"].children == (("literacy_rate", 1.0),)


def test_unknown_child_is_named_with_its_line() -> None:
    message = problems(ISSUE_FRAMEWORK.replace("{literacy_rate: 1}", "{literacy: 1}"))
    assert "f.yaml: line 6, field 'nodes.vulnerability.children.literacy'" in message
    assert "unknown child" in message


def test_a_cycle_is_refused_with_its_path() -> None:
    text = ISSUE_FRAMEWORK.replace("{literacy_rate: 1}", "{literacy_rate: 1, risk: 1}")
    assert "the tree has a cycle: risk -> vulnerability -> risk" in problems(text)


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("-1", "weight must be greater than 0"),
        ("0", "weight must be greater than 0"),
        ("lots", "finite number"),
    ],
)
def test_bad_weights_are_refused(weight: str, message: str) -> None:
    text = ISSUE_FRAMEWORK.replace("civilian_deaths: 2,", f"civilian_deaths: {weight},")
    assert message in problems(text)
    assert "nodes.hazard.children.civilian_deaths" in problems(text)


def test_every_problem_is_listed_at_once() -> None:
    text = (
        ISSUE_FRAMEWORK.replace("aggregation: geometric", "aggregation: median")
        .replace("higher_is_worse: true}", "higher_is_worst: true}")
        .replace("lower: 0, upper: 100", "lower: 100, upper: 0")
        .replace("max_missing: 0.5", "max_missing: 2")
    )
    message = problems(text)
    assert "nodes.risk.aggregation': must be arithmetic or geometric (got 'median')" in message
    assert "indicators.displaced_share.higher_is_worst': unknown key" in message
    assert "indicators.displaced_share.higher_is_worse': is required: true or false" in message
    assert "indicators.literacy_rate.upper': must be greater than lower (100)" in message
    assert "nodes.hazard.max_missing': must be between 0 and 1" in message


def test_other_mistakes() -> None:
    assert "is not valid YAML" in problems("root: [unclosed")
    assert "root': is neither a node nor an indicator" in problems(
        ISSUE_FRAMEWORK.replace("root: risk", "root: rsk")
    )
    assert "must be none or log" in problems(ISSUE_FRAMEWORK.replace("transform: log", "transform: sqrt"))
    log_cap = ISSUE_FRAMEWORK.replace(
        "transform: log, higher_is_worse: true, lower: 0", "transform: log, higher_is_worse: true, lower: -2"
    )
    assert "greater than -1 with the log transform" in problems(log_cap)
    assert "the framework is empty" in problems("")
    with pytest.raises(FrameworkError, match="file not found"):
        load_framework(Path("/nonexistent/framework.yaml"))


def test_the_default_framework_covers_seven_dimensions_and_coping() -> None:
    framework = load_framework()
    threats = [child for child, _ in framework.nodes["threats"].children]
    assert threats == ["economic", "food", "health", "environmental", "personal", "community", "political"]
    coping = [child for child, _ in framework.nodes["lack_of_agency_and_coping"].children]
    assert "self_protection_readiness" in coping and "civil_defence_and_service_continuity" in coping
    # every indicator is used and documented in the catalogue
    assert set(framework.used_indicators()) == set(framework.indicators)
    catalogue = (Path(__file__).resolve().parents[2] / "docs" / "areas.md").read_text(encoding="utf-8")
    for name in framework.indicators:
        assert f"`{name}`" in catalogue, f"docs/areas.md does not describe {name}"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "indicators.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_indicator_csv_problems_name_file_row_and_field(tmp_path: Path) -> None:
    framework = parse_framework(ISSUE_FRAMEWORK)
    path = write(
        tmp_path,
        "area_id,indicator,value,year\n"
        "A,civilian_deaths,3,2020\n"
        "A,civilian_death,3,2020\n"
        "B,displaced_share,many,2020\n"
        "B,literacy_rate,50,last year\n"
        "C,civilian_deaths,-4,2020\n"
        "A,civilian_deaths,5,2020\n"
        ",literacy_rate,50,2020\n",
    )
    with pytest.raises(IndicatorFileError) as caught:
        read_indicators(path, framework)
    message = str(caught.value)
    assert f"{path}: 6 problem(s); nothing was written" in message
    assert (
        f"{path}: row 3, field 'indicator': unknown indicator (not in the framework) (got 'civilian_death')"
        in message
    )
    assert "row 4, field 'value': is not a number (got 'many')" in message
    assert "row 5, field 'year': is not a whole number" in message
    assert "row 6, field 'value': must be greater than -1" in message
    assert "row 7, field 'year': repeats an area, indicator and year" in message
    assert "row 8, field 'area_id': is required but empty" in message


def test_indicator_csv_needs_its_columns(tmp_path: Path) -> None:
    framework = parse_framework(ISSUE_FRAMEWORK)
    path = write(tmp_path, "area;indicator;value;year\nA;literacy_rate;3;2020\n")
    with pytest.raises(IndicatorFileError, match="row 1, field 'area_id': column is missing"):
        read_indicators(path, framework)
    with pytest.raises(IndicatorFileError, match="file not found"):
        read_indicators(tmp_path / "absent.csv", framework)
    semicolons = write(tmp_path, "\ufeffarea_id;indicator;value;year\nA;literacy_rate;3;2020\n")
    assert read_indicators(semicolons, framework)["value"].tolist() == [3.0]
