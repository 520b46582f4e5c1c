"""The dashboard's figures: harm over time by topic and by cause, by area, and overdue work.

Every figure is an aggregate over the incidents the reader may see (the visibility scope)
and the filters they chose; casualty figures are sums of the recorded ranges (lower and
upper bounds), never a single invented number.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.orm import Session, aliased

from civharm.config import Settings
from civharm.incidents.models import Incident, IncidentTopic
from civharm.incidents.service import filtered
from civharm.security.policy import incident_scope, may_see_history
from civharm.security.principal import Principal
from civharm.web import hooks
from civharm.web.filters import IncidentQuery
from civharm.web.schemas import OverdueItem

#: Months shown when the reader gives no date range (ending at the newest incident).
DEFAULT_MONTHS = 12
AREA_ROWS = 15


class HarmCell(BaseModel):
    """Incidents and summed casualty ranges in one month for one topic or cause."""

    month: str  # YYYY-MM
    key: str
    incidents: int
    killed_min: int
    killed_max: int
    injured_min: int
    injured_max: int


class AreaRow(BaseModel):
    country_iso3: str | None
    admin1: str | None
    incidents: int
    killed_min: int
    killed_max: int


class Dashboard(BaseModel):
    date_from: date
    date_to: date
    months: list[str]
    incidents: int
    killed_min: int
    killed_max: int
    injured_min: int
    injured_max: int
    by_topic: list[HarmCell]
    by_cause: list[HarmCell]
    by_area: list[AreaRow]
    overdue: list[OverdueItem]


def _sums() -> tuple[ColumnElement[int], ...]:
    return (
        func.count(Incident.id),
        func.coalesce(func.sum(Incident.killed_min), 0),
        func.coalesce(func.sum(Incident.killed_max), 0),
        func.coalesce(func.sum(Incident.injured_min), 0),
        func.coalesce(func.sum(Incident.injured_max), 0),
    )


def month_keys(first: date, last: date) -> list[str]:
    """``YYYY-MM`` for every month from ``first`` to ``last`` inclusive."""
    keys, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def _window(session: Session, query: IncidentQuery, principal: Principal, today: date) -> tuple[date, date]:
    newest = select(func.max(Incident.date_start)).where(incident_scope(principal))
    last = query.date_to or session.scalar(newest) or today
    first = query.date_from or (last.replace(day=1) - timedelta(days=31 * (DEFAULT_MONTHS - 1))).replace(
        day=1
    )
    return first, last


def _harm_by(
    session: Session, base_query: IncidentQuery, principal: Principal, *, by_topic: bool
) -> list[HarmCell]:
    year, month = extract("year", Incident.date_start), extract("month", Incident.date_start)
    # An alias, so the topic filter's own EXISTS over incident_topics is not correlated with the join.
    topics = aliased(IncidentTopic)
    key = topics.topic if by_topic else Incident.cause
    statement = select(year, month, key, *_sums())
    if by_topic:
        statement = statement.join(topics, topics.incident_id == Incident.id)
    statement = filtered(statement, base_query.to_filter(), principal).group_by(year, month, key)
    return [
        HarmCell(
            month=f"{int(y):04d}-{int(m):02d}",
            key=str(k),
            incidents=n,
            killed_min=a,
            killed_max=b,
            injured_min=c,
            injured_max=d,
        )
        for y, m, k, n, a, b, c, d in session.execute(statement)
    ]


def build_dashboard(
    session: Session, *, query: IncidentQuery, principal: Principal, settings: Settings, today: date
) -> Dashboard:
    """All dashboard figures over the incidents ``principal`` may see matching ``query``.

    Every figure is computed through the visibility policy's incident scope (``filtered``);
    overdue work is internal workflow, listed only for those who may read it.
    """
    first, last = _window(session, query, principal, today)
    windowed = query.model_copy(update={"date_from": first, "date_to": last})
    f = windowed.to_filter()
    totals = session.execute(filtered(select(*_sums()), f, principal)).one()
    area_statement = filtered(
        select(Incident.country_iso3, Incident.admin1, *_sums()[:3]), f, principal
    ).group_by(Incident.country_iso3, Incident.admin1)
    areas = [
        AreaRow(country_iso3=c, admin1=a, incidents=n, killed_min=kmin, killed_max=kmax)
        for c, a, n, kmin, kmax in session.execute(
            area_statement.order_by(func.count(Incident.id).desc()).limit(AREA_ROWS)
        )
    ]
    return Dashboard(
        date_from=first,
        date_to=last,
        months=month_keys(first, last),
        incidents=totals[0],
        killed_min=totals[1],
        killed_max=totals[2],
        injured_min=totals[3],
        injured_max=totals[4],
        by_topic=_harm_by(session, windowed, principal, by_topic=True),
        by_cause=_harm_by(session, windowed, principal, by_topic=False),
        by_area=areas,
        overdue=hooks.overdue_work(session, settings=settings, principal=principal, today=today)
        if may_see_history(principal)
        else [],
    )
