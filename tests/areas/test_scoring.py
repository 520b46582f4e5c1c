"""Scores computed by hand: every transform, cap, inversion, both means and the missing-data rule."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from civharm.areas.framework import Aggregation, IndicatorSpec, NodeSpec, Transform, parse_framework
from civharm.areas.indicators import check_indicators, latest_values
from civharm.areas.scoring import aggregate, class_labels, indicator_score, ranks, score_units

NaN = float("nan")

ISSUE_FRAMEWORK = """
root: risk
nodes:
  risk: {aggregation: geometric, children: {hazard: 1, vulnerability: 1}}
  hazard: {aggregation: arithmetic, max_missing: 0.5, children: {civilian_deaths: 2, displaced_share: 1}}
  vulnerability: {aggregation: arithmetic, children: {literacy_rate: 1}}
indicators:
  civilian_deaths: {transform: log, higher_is_worse: true, lower: 0, upper: 1000}
  displaced_share: {transform: none, higher_is_worse: true}
  literacy_rate: {transform: none, higher_is_worse: false, lower: 0, upper: 100}
"""


def spec(**overrides: object) -> IndicatorSpec:
    values: dict[str, object] = {"name": "x", "transform": Transform.NONE, "higher_is_worse": True}
    values.update(overrides)
    return IndicatorSpec(**values)  # type: ignore[arg-type]


def scores(indicator: IndicatorSpec, values: list[float]) -> list[float]:
    return [round(float(v), 6) for v in indicator_score(indicator, np.array(values, dtype=float))]


def test_no_transform_uses_the_observed_min_and_max() -> None:
    # lo = 10, hi = 30: 10 * (20 - 10) / 20 = 5
    assert scores(spec(), [10, 20, 30]) == [0.0, 5.0, 10.0]


def test_log_transform_is_ln_of_one_plus_x() -> None:
    # ln(1 + 0) = 0, ln(1 + e - 1) = 1, ln(1 + e^2 - 1) = 2, rescaled on the observed 0..2
    assert scores(spec(transform=Transform.LOG), [0, math.e - 1, math.e**2 - 1]) == [0.0, 5.0, 10.0]


def test_caps_clip_values_outside_them() -> None:
    # lower 0, upper 100: -10 is raised to 0, 150 lowered to 100; 25 -> 2.5
    assert scores(spec(lower=0, upper=100), [-10, 25, 150]) == [0.0, 2.5, 10.0]


def test_caps_are_transformed_like_the_values() -> None:
    # log with caps 0..1000: lo = ln 1 = 0, hi = ln 1001 = 6.908755
    # 999 -> 10 * ln 1000 / ln 1001 = 9.998553; e^3 - 1 -> 10 * 3 / ln 1001 = 4.342317; 5000 -> 10
    result = scores(spec(transform=Transform.LOG, lower=0, upper=1000), [0, 999, math.e**3 - 1, 5000])
    assert result == [0.0, 9.998553, 4.342317, 10.0]


def test_one_cap_given_the_other_bound_is_observed() -> None:
    # lower cap 0; hi is the observed max 15; -5 is clipped to 0; 5 -> 10 * 5/15
    assert scores(spec(lower=0), [-5, 5, 15]) == [0.0, 3.333333, 10.0]
    # upper cap 100; lo is the observed min 20; 60 -> 10 * 40/80
    assert scores(spec(upper=100), [20, 60, 120]) == [0.0, 5.0, 10.0]


def test_higher_is_better_inverts_the_score() -> None:
    # literacy 80% on 0..100 is 8 before inversion, 10 - 8 = 2 after
    assert scores(spec(higher_is_worse=False, lower=0, upper=100), [80, 50, 100]) == [2.0, 5.0, 0.0]
    # inversion after the log transform on the observed range 0..2
    assert scores(spec(transform=Transform.LOG, higher_is_worse=False), [0, math.e - 1, math.e**2 - 1]) == [
        10.0,
        5.0,
        0.0,
    ]


def test_missing_values_stay_missing_and_do_not_set_the_range() -> None:
    result = scores(spec(), [NaN, 10, 30])
    assert math.isnan(result[0]) and result[1:] == [0.0, 10.0]


def test_an_indicator_equal_everywhere_scores_five() -> None:
    assert scores(spec(), [7, 7, NaN])[:2] == [5.0, 5.0]
    assert scores(spec(higher_is_worse=False), [7, 7])[:2] == [5.0, 5.0]


def node(aggregation: Aggregation, weights: list[float], max_missing: float = 0.5) -> NodeSpec:
    children = tuple((f"c{i}", w) for i, w in enumerate(weights))
    return NodeSpec(name="n", aggregation=aggregation, children=children, max_missing=max_missing)


def combine(n: NodeSpec, *children: float) -> tuple[float, float]:
    score, missing = aggregate(n, [np.array([c]) for c in children])
    return round(float(score[0]), 6), round(float(missing[0]), 6)


def test_arithmetic_mean_is_weighted() -> None:
    # (3 * 2 + 1 * 8) / 4 = 3.5
    assert combine(node(Aggregation.ARITHMETIC, [3, 1]), 2.0, 8.0) == (3.5, 0.0)


def test_geometric_mean_adds_one_then_takes_it_away() -> None:
    # sqrt((3 + 1)(8 + 1)) - 1 = sqrt(36) - 1 = 5
    assert combine(node(Aggregation.GEOMETRIC, [1, 1]), 3.0, 8.0) == (5.0, 0.0)
    # ((3 + 1)^2 (8 + 1))^(1/3) - 1 = 144^(1/3) - 1 = 4.241483
    assert combine(node(Aggregation.GEOMETRIC, [2, 1]), 3.0, 8.0) == (4.241483, 0.0)
    # a zero child pulls the geometric mean down but not to zero: sqrt(1 * 11) - 1 = 2.316625
    assert combine(node(Aggregation.GEOMETRIC, [1, 1]), 0.0, 10.0) == (2.316625, 0.0)


def test_missing_children_are_left_out_up_to_max_missing() -> None:
    # half the weight missing (0.5 is not above 0.5): the mean of the others
    assert combine(node(Aggregation.ARITHMETIC, [1, 1]), NaN, 6.0) == (6.0, 0.5)
    assert combine(node(Aggregation.GEOMETRIC, [1, 1]), NaN, 6.0) == (6.0, 0.5)
    # weights 2 and 1: (2 * 4 + 1 * 7) / 3 = 5 with nothing missing; with the 1 missing: 4, share 1/3
    assert combine(node(Aggregation.ARITHMETIC, [2, 1]), 4.0, NaN) == (4.0, 0.333333)


def test_a_node_with_too_much_missing_has_no_score() -> None:
    # two thirds of the weight missing is above 0.5
    score, missing = combine(node(Aggregation.ARITHMETIC, [1, 2]), 6.0, NaN)
    assert math.isnan(score) and missing == 0.666667
    # max_missing 0: any missing child leaves the node without a score
    score, _ = combine(node(Aggregation.ARITHMETIC, [1, 1, 1], max_missing=0.0), 1.0, 2.0, NaN)
    assert math.isnan(score)
    # everything missing
    score, missing = combine(node(Aggregation.ARITHMETIC, [1, 1], max_missing=1.0), NaN, NaN)
    assert math.isnan(score) and missing == 1.0


def test_the_issue_example_scored_by_hand() -> None:
    framework = parse_framework(ISSUE_FRAMEWORK)
    result = score_units(
        framework,
        {
            "civilian_deaths": np.array([0.0, 999.0, 2000.0]),
            "displaced_share": np.array([10.0, 30.0, NaN]),
            "literacy_rate": np.array([80.0, 50.0, 100.0]),
        },
    )
    got = {name: [round(float(v), 6) for v in values] for name, values in result.scores.items()}
    # civilian_deaths: log, caps 0..1000: 0, 10 ln1000/ln1001, 2000 capped to 10
    assert got["civilian_deaths"] == [0.0, 9.998553, 10.0]
    # displaced_share: observed 10..30; C missing
    assert got["displaced_share"][:2] == [0.0, 10.0] and math.isnan(got["displaced_share"][2])
    # literacy_rate: higher is better, 10 - x/10
    assert got["literacy_rate"] == [2.0, 5.0, 0.0]
    # hazard: (2 * deaths + 1 * displaced) / 3; C has a third of the weight missing -> its deaths score
    assert got["hazard"] == [0.0, 9.999036, 10.0]
    assert [round(float(v), 6) for v in result.missing_share["hazard"]] == [0.0, 0.0, 0.333333]
    # risk: sqrt((hazard + 1)(vulnerability + 1)) - 1
    assert got["risk"] == [0.732051, 7.123682, 2.316625]


def test_five_classes_with_inform_breaks() -> None:
    framework = parse_framework(ISSUE_FRAMEWORK)
    values = np.array([0.0, 1.99, 2.0, 3.49, 3.5, 4.99, 5.0, 6.49, 6.5, 10.0, NaN])
    assert class_labels(values, framework.classes) == [
        "very_low",
        "very_low",
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "very_high",
        "very_high",
        "",
    ]


def test_ranks_put_the_highest_score_first_and_share_ties() -> None:
    result = ranks(np.array([3.0, 5.0, NaN, 5.0, 1.0]))
    assert list(result[[0, 1, 3, 4]]) == [3.0, 1.0, 1.0, 4.0] and math.isnan(result[2])


def test_each_area_uses_its_latest_year() -> None:
    framework = parse_framework(ISSUE_FRAMEWORK)
    raw = pd.DataFrame(
        {
            "area_id": ["A", "A", "A", "B"],
            "indicator": ["literacy_rate"] * 4,
            "value": ["40", "60", "", "70"],
            "year": ["2019", "2021", "2022", "2015"],
        }
    )
    frame = check_indicators(raw, framework, file="i.csv")
    latest = latest_values(frame, framework)
    # the empty 2022 value is missing data, so 2021 is the latest year with a value
    assert list(latest.values["literacy_rate"]) == [60.0, 70.0]
    assert list(latest.years["literacy_rate"]) == [2021, 2015]
    as_of = latest_values(frame, framework, as_of=2020)
    assert list(as_of.values["literacy_rate"]) == [40.0, 70.0]
    recent = latest_values(frame, framework, max_age=3)  # reference year 2021: 2018 and later
    assert recent.values["literacy_rate"][0] == 60.0 and math.isnan(recent.values["literacy_rate"][1])
