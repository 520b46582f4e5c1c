"""Harm patterns: counts, rates, the change test with its p-value, and drill-down to incidents."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from civharm.lessons.environment import environment_of
from civharm.lessons.facts import IncidentFacts, activity_of, time_of_day_of
from civharm.lessons.patterns import (
    Period,
    benjamini_hochberg,
    harm_patterns,
    month_period,
    poisson_rate_p_value,
)
from civharm.lessons.patterns_service import patterns_for
from civharm.precision import LocationPrecision
from civharm.vocabulary import Cause, Topic
from tests.factories import make_incident


def _fact(
    code: str, day: date, cause: str = "heavy_weapons_explosive_munitions", **kw: object
) -> IncidentFacts:
    values: dict[str, object] = {
        "activity": "air or drone strike",
        "environment": "urban",
        "time_of_day": "unrecorded",
        "near_protected_object": "not assessed",
        "topics": ("poc",),
        "area": "Deir ez-Zor",
        "killed_min": 1,
        "killed_max": 2,
    }
    values.update(kw)
    return IncidentFacts(code=code, day=day, cause=cause, **values)  # type: ignore[arg-type]


def test_the_change_test_equals_the_exact_binomial_computed_by_hand() -> None:
    # 10 incidents this month against 2 last month, both 31 days: under equal rates the current
    # count is Binomial(12, 1/2); two-sided p = 2 * (C(12,10) + C(12,11) + C(12,12)) / 2^12 = 158/4096.
    assert poisson_rate_p_value(10, 2, 31, 31) == pytest.approx(158 / 4096)
    assert poisson_rate_p_value(0, 0, 31, 28) == 1.0
    assert benjamini_hochberg([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.04, 0.04])


def test_periods_compare_with_the_month_before() -> None:
    march = month_period("2026-03")
    assert (march.start, march.end, march.days) == (date(2026, 3, 1), date(2026, 3, 31), 31)
    assert march.previous() == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert month_period("2026-01").previous() == month_period("2025-12")
    assert Period(date(2026, 3, 10), date(2026, 3, 19)).previous() == Period(
        date(2026, 2, 28), date(2026, 3, 9)
    )


def test_patterns_count_rate_and_drill_down_to_codes() -> None:
    march = month_period("2026-03")
    current = [_fact(f"M{i}", date(2026, 3, 1 + i)) for i in range(10)]
    current.append(_fact("M-uxo", date(2026, 3, 20), cause="planted_explosives_uxo", topics=("poc", "caac")))
    previous = [_fact("F1", date(2026, 2, 3)), _fact("F2", date(2026, 2, 9))]
    report = harm_patterns(current, previous, period=march)
    heavy = report.find("cause", "heavy_weapons_explosive_munitions")
    assert heavy is not None
    assert (heavy.incidents, heavy.previous_incidents, heavy.change) == (10, 2, 8)
    assert heavy.killed == (10, 20) and heavy.share == pytest.approx(10 / 11)
    assert heavy.per_30_days == pytest.approx(10 * 30 / 31)
    assert heavy.p_value == pytest.approx(poisson_rate_p_value(10, 2, 31, 28))
    assert heavy.codes == [f"M{i}" for i in range(10)] and heavy.previous_codes == ["F1", "F2"]
    caac = report.find("topic", "caac")
    assert caac is not None and caac.codes == ["M-uxo"]
    assert report.find("topic", "poc").incidents == 11  # type: ignore[union-attr]
    assert "Poisson" in report.test


def test_facts_read_activity_time_and_environment() -> None:
    assert activity_of({}, "Air/drone strike", "") == "air or drone strike"
    assert activity_of({"weapon": "155 mm artillery"}, None, "") == "155 mm artillery"
    assert activity_of({}, None, "Shelling of the market") == "shelling, artillery or missile"
    assert activity_of({}, None, "Something happened") == "unrecorded"
    assert time_of_day_of({"time_of_day": "04:30"}) == "night"
    assert time_of_day_of({"time": "13:05"}) == "afternoon"
    assert time_of_day_of({}) == "unrecorded"
    assert environment_of(35.95, 39.01, LocationPrecision.EXACT) == "urban"  # Ar Raqqah
    assert environment_of(35.3, 40.9, LocationPrecision.EXACT) == "rural"  # open steppe
    assert environment_of(35.95, 39.01, LocationPrecision.ADMIN1) == "unknown"


def test_patterns_from_the_store(session: Session) -> None:
    for day in (3, 9, 15, 21):
        make_incident(
            session, date_start=date(2026, 3, day), date_end=date(2026, 3, day), cause=Cause.HEAVY_WEAPONS
        )
    make_incident(
        session,
        title="Girls recruited",
        date_start=date(2026, 2, 10),
        date_end=date(2026, 2, 10),
        topics=[Topic.CAAC],
    )
    report = patterns_for(session, period=month_period("2026-03"))
    assert report.total == 4 and report.previous_total == 1
    heavy = report.find("cause", "heavy_weapons_explosive_munitions")
    assert heavy is not None and heavy.incidents == 4 and len(heavy.codes) == 4
    caac = report.find("topic", "caac")
    assert caac is not None and (caac.incidents, caac.previous_incidents) == (0, 1)
    assert report.find("near_protected_object", "not assessed") is not None
