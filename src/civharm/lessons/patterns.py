"""Harm patterns: counts and rates of harm by dimension, and what changed since the last period.

Pure functions over :class:`~civharm.lessons.facts.IncidentFacts`. Every figure keeps the codes
of the incidents behind it, so a reader can drill down from a number to the cases.

The change in the number of incidents of a group between two periods is tested with the exact
conditional test for two Poisson rates (Przyborowski and Wilenski, 1940): given ``n = k1 + k2``
incidents in both periods, under equal rates ``k1`` follows Binomial(n, t1 / (t1 + t2)), where
``t1`` and ``t2`` are the periods' lengths in days; the p-value is the two-sided exact binomial
p-value. As many groups are tested at once, the Benjamini-Hochberg q-value is given beside it.
Casualty totals are reported but not tested: they are over-dispersed (one strike can kill
dozens), so a Poisson test on them would overstate certainty.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from civharm.errors import ValidationError
from civharm.lessons.facts import IncidentFacts

TEST_NAME = "exact conditional Poisson rate test (binomial), two-sided; Benjamini-Hochberg q-values"

DIMENSIONS: dict[str, Callable[[IncidentFacts], Sequence[str]]] = {
    "cause": lambda f: (f.cause,),
    "activity": lambda f: (f.activity,),
    "environment": lambda f: (f.environment,),
    "near_protected_object": lambda f: (f.near_protected_object,),
    "time_of_day": lambda f: (f.time_of_day,),
    "topic": lambda f: f.topics,  # an incident with two topics counts under each
    "area": lambda f: (f.area,),
    "month": lambda f: (f.month,),
}


@dataclass(frozen=True)
class Period:
    """Inclusive dates."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one (the previous month for a month)."""
        if self.start.day == 1 and (self.end + timedelta(days=1)).day == 1:
            end = self.start - timedelta(days=1)
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            year, month = end.year, end.month - months + 1
            while month < 1:
                year, month = year - 1, month + 12
            return Period(date(year, month, 1), end)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def month_period(month: str) -> Period:
    """``YYYY-MM`` as a period."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month.strip()):
        raise ValidationError(f"month must be YYYY-MM, e.g. 2026-03 (got {month!r})")
    year, number = (int(x) for x in month.strip().split("-"))
    start = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return Period(start, following - timedelta(days=1))


@dataclass
class PatternRow:
    dimension: str
    value: str
    incidents: int
    share: float  # of all incidents in the period
    per_30_days: float
    killed: tuple[int, int]
    injured: tuple[int, int]
    previous_incidents: int
    change: int
    p_value: float
    q_value: float = 1.0
    codes: list[str] = field(default_factory=list)
    previous_codes: list[str] = field(default_factory=list)

    @property
    def killed_per_incident(self) -> float:
        return self.killed[1] / self.incidents if self.incidents else 0.0

    @property
    def significant(self) -> bool:
        return self.q_value < 0.05


@dataclass
class PatternReport:
    period: Period
    previous: Period
    total: int
    previous_total: int
    rows: list[PatternRow]
    test: str = TEST_NAME

    def by_dimension(self, dimension: str) -> list[PatternRow]:
        return [r for r in self.rows if r.dimension == dimension]

    def changes(self, *, alpha: float = 0.05) -> list[PatternRow]:
        """Rows whose change is significant after the Benjamini-Hochberg correction, biggest first."""
        return sorted((r for r in self.rows if r.q_value < alpha), key=lambda r: r.p_value)

    def find(self, dimension: str, value: str) -> PatternRow | None:
        return next((r for r in self.rows if r.dimension == dimension and r.value == value), None)


def poisson_rate_p_value(current: int, previous: int, current_days: int, previous_days: int) -> float:
    """Two-sided exact p-value that two Poisson counts share a rate per day."""
    n = current + previous
    if n == 0:
        return 1.0
    from scipy.stats import binomtest  # scipy.stats takes a second to import: only when a change is tested

    return float(binomtest(current, n, current_days / (current_days + previous_days)).pvalue)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """q-values controlling the false discovery rate across the tested groups."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    q = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        q[i] = min(1.0, running)
    return q


def _groups(
    facts: Sequence[IncidentFacts], key: Callable[[IncidentFacts], Sequence[str]]
) -> dict[str, list[IncidentFacts]]:
    groups: dict[str, list[IncidentFacts]] = defaultdict(list)
    for fact in facts:
        for value in key(fact):
            groups[value].append(fact)
    return groups


def harm_patterns(
    current: Sequence[IncidentFacts],
    previous: Sequence[IncidentFacts],
    *,
    period: Period,
    previous_period: Period | None = None,
    dimensions: Sequence[str] = tuple(DIMENSIONS),
) -> PatternReport:
    """Counts, rates and change per group of every dimension, each with its incident codes."""
    before = previous_period or period.previous()
    rows: list[PatternRow] = []
    for dimension in dimensions:
        now, then = _groups(current, DIMENSIONS[dimension]), _groups(previous, DIMENSIONS[dimension])
        values = sorted(set(now) | (set(then) if dimension != "month" else set()))
        for value in values:
            group, earlier = now.get(value, []), then.get(value, [])
            rows.append(
                PatternRow(
                    dimension=dimension,
                    value=value,
                    incidents=len(group),
                    share=len(group) / len(current) if current else 0.0,
                    per_30_days=len(group) * 30 / period.days,
                    killed=(sum(f.killed_min for f in group), sum(f.killed_max for f in group)),
                    injured=(sum(f.injured_min for f in group), sum(f.injured_max for f in group)),
                    previous_incidents=len(earlier),
                    change=len(group) - len(earlier),
                    p_value=poisson_rate_p_value(len(group), len(earlier), period.days, before.days)
                    if dimension != "month"
                    else 1.0,
                    codes=sorted(f.code for f in group),
                    previous_codes=sorted(f.code for f in earlier),
                )
            )
    tested = [r for r in rows if r.dimension != "month"]
    for row, q in zip(tested, benjamini_hochberg([r.p_value for r in tested]), strict=True):
        row.q_value = q
    return PatternReport(period, before, len(current), len(previous), rows)
