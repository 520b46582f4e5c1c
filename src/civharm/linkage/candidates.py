"""Incremental linkage: which existing incidents a new report probably belongs to, in milliseconds.

For the intake form's "possible duplicate of CH-…" warning. The store is narrowed with its
indexes (date window, then a bounding box or the province), each nearby linked report is
scored with the saved model's parameters in Python (the same levels as the Splink SQL), and each
incident keeps the score of its best-matching record. A nearby incident none of whose reports
may be compared is scored on its own record (its place, dates, counts and description).

Only what the asking principal may see is compared (``civharm.security.policy``), and that is
decided in the narrowing query itself, so hidden records never take the place of visible ones
in the capped lists and a full page of visible candidates comes back:

- reports in the principal's report scope, of incidents in their incident scope;
- never a restricted incident to someone not cleared for it (its place and words would show
  through the distances and levels, and "possible duplicate of" a withheld case tells too much);
- a report's coordinates, text and source only when the principal may see that report's
  restricted fields: a bounding box is searched only over coordinates they may see, and a
  report found by its province is compared without what is withheld (no distance, no words).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select, true
from sqlalchemy.orm import Session

from civharm.incidents.models import Incident
from civharm.linkage.comparisons import haversine_km
from civharm.linkage.features import feature_row
from civharm.linkage.model import ModelParams, explain, probability, score_pair
from civharm.linkage.records import LinkRecord
from civharm.linkage.store import active_params, report_record
from civharm.precision import date_uncertainty_days, location_uncertainty_km
from civharm.reports.models import Report
from civharm.security.policy import (
    Access,
    Who,
    access_for,
    exact_location_visible,
    incident_scope,
    may_see_report_restricted,
    report_restricted_visible,
    report_scope,
    restricted_visible,
)

#: Candidates scoring below this probability are not shown.
MIN_PROBABILITY = 0.05
#: Extra days searched beyond the new report's own date uncertainty.
SEARCH_DAYS = 4
MIN_SEARCH_KM = 30.0
#: Rows each indexed query may return (ids, dates, coordinates only) ...
MAX_ROWS = 5000
#: ... and how many of the closest of them are loaded and scored in Python.
MAX_SCORED = 250

#: What an incident's own record is compared on (not whole incidents: JSON columns cost).
INCIDENT_COLUMNS = (
    Incident.id,
    Incident.date_start,
    Incident.date_precision,
    Incident.latitude,
    Incident.longitude,
    Incident.location_precision,
    Incident.place_name,
    Incident.admin1,
    Incident.country_iso3,
    Incident.killed_min,
    Incident.killed_max,
    Incident.injured_min,
    Incident.injured_max,
    Incident.description,
)


@dataclass
class Candidate:
    code: str
    title: str
    probability: float
    match_weight: float
    #: The report that matched best; ``None`` when it was the incident's own record.
    best_report_id: int | None
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    date_start: date | None = None
    place_name: str | None = None
    #: What the new report was compared with, as the principal may see it (withheld fields empty).
    matched: LinkRecord | None = field(default=None, repr=False)


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, stopping at the calendar's ends instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _narrowing(record: LinkRecord, day: Any, lat: Any, lon: Any, admin1: Any, place: Any) -> list[Any] | None:
    """Indexed conditions on one table's columns, or ``None`` when nothing narrows the search."""
    conditions: list[Any] = []
    if record.date is not None:
        days = min(date_uncertainty_days(record.date_precision), 45) + SEARCH_DAYS
        conditions.append(day.between(_shift(record.date, -days), _shift(record.date, days)))
    if record.latitude is not None and record.longitude is not None:
        km = max(MIN_SEARCH_KM, 3 * location_uncertainty_km(record.location_precision))
        dlat, dlon = km / 111.0, km / (111.0 * max(math.cos(math.radians(record.latitude)), 0.05))
        conditions.append(lat.between(record.latitude - dlat, record.latitude + dlat))
        conditions.append(lon.between(record.longitude - dlon, record.longitude + dlon))
    elif record.admin1:
        conditions.append(admin1 == record.admin1)
    elif record.place_name and record.place_name.strip():
        conditions.append(place.ilike(record.place_name.strip()))
    return conditions or None


def _report_narrowing(record: LinkRecord) -> list[Any] | None:
    return _narrowing(
        record, Report.date_start, Report.latitude, Report.longitude, Report.admin1, Report.place_name
    )


def _report_query(record: LinkRecord, access: Access, exclude: tuple[int | None, int | None]) -> Select[Any]:
    """Ids, dates and coordinates of linked reports near ``record`` that ``access`` may compare."""
    conditions = _report_narrowing(record)
    assert conditions is not None
    query = select(Report.id, Report.incident_id, Report.date_start, Report.latitude, Report.longitude).where(
        Report.incident_id.is_not(None), *conditions
    )
    if record.has_coordinates:
        query = query.where(report_restricted_visible(access))  # a box only over coordinates they may see
    if not access.cleared:  # staff cleared for everything see every report of every incident
        query = query.join(Incident, Incident.id == Report.incident_id).where(
            report_scope(access), incident_scope(access), restricted_visible(access)
        )
    if exclude[0] is not None:
        query = query.where(Report.id != exclude[0])
    if exclude[1] is not None:
        query = query.where(Report.incident_id != exclude[1])
    return query.limit(MAX_ROWS)


def _incident_query(record: LinkRecord, access: Access, exclude_incident_id: int | None) -> Select[Any]:
    """Ids, dates and coordinates of incidents near ``record`` whose own record ``access`` may compare."""
    conditions = _narrowing(
        record,
        Incident.date_start,
        Incident.latitude,
        Incident.longitude,
        Incident.admin1,
        Incident.place_name,
    )
    assert conditions is not None
    visible: ColumnElement[bool] = (
        true() if access.cleared else and_(incident_scope(access), restricted_visible(access))
    )
    if record.has_coordinates:
        visible = and_(visible, exact_location_visible(access))
    query = select(Incident.id, Incident.date_start, Incident.latitude, Incident.longitude).where(
        visible, *conditions
    )
    if exclude_incident_id is not None:
        query = query.where(Incident.id != exclude_incident_id)
    return query.limit(MAX_ROWS)


def _closeness(record: LinkRecord, row: Any) -> tuple[int, float]:
    days = abs((row.date_start - record.date).days) if record.date and row.date_start else 0
    if record.latitude is None or record.longitude is None or row.latitude is None or row.longitude is None:
        return days, 0.0
    return days, haversine_km(record.latitude, record.longitude, row.latitude, row.longitude)


def _report_as_seen(access: Access, report: Report) -> LinkRecord:
    """The report as the engine may compare it for ``access``: withheld fields left empty."""
    seen = report_record(report)
    if may_see_report_restricted(access, report):
        return seen
    return replace(seen, source=None, latitude=None, longitude=None, description="")


def _incident_record(row: Any) -> LinkRecord:
    """An incident's own consolidated record, compared like one more report of it."""
    return LinkRecord(
        report_id=f"incident-{row.id}",
        date=row.date_start,
        date_precision=row.date_precision,
        latitude=row.latitude,
        longitude=row.longitude,
        location_precision=row.location_precision,
        place_name=row.place_name,
        admin1=row.admin1,
        country=row.country_iso3,
        killed=(row.killed_min, max(row.killed_max or row.killed_min, row.killed_min))
        if row.killed_min is not None
        else None,
        injured=(row.injured_min, max(row.injured_max or row.injured_min, row.injured_min))
        if row.injured_min is not None
        else None,
        description=row.description or "",
    )


#: (incident id, report id or ``None`` for the incident's own record, the record as seen)
Nearby = tuple[int, int | None, LinkRecord]


def _nearby(
    session: Session, record: LinkRecord, access: Access, exclude: tuple[int | None, int | None]
) -> list[Nearby]:
    """Visible records near ``record``: narrowed by index, then the closest few loaded in full.

    The indexed queries read only ids, dates and coordinates. A report placed only at province
    level (or without coordinates) can have thousands of neighbours in a busy month; they are
    ranked by days apart, then km apart, and only :data:`MAX_SCORED` are loaded and scored.
    """
    if _report_narrowing(record) is None:
        return []  # nothing to narrow by: any answer would be arbitrary
    rows = [("report", row) for row in session.execute(_report_query(record, access, exclude))]
    # An incident's own record stands in only where none of its reports nearby may be compared
    # (made by hand, or its reports not released to this principal): otherwise its reports,
    # which the record was consolidated from, already speak for it.
    reported = {row.incident_id for _, row in rows}
    rows += [
        ("incident", row)
        for row in session.execute(_incident_query(record, access, exclude[1]))
        if row.id not in reported
    ]
    if len(rows) > MAX_SCORED:
        rows = sorted(rows, key=lambda item: _closeness(record, item[1]))[:MAX_SCORED]
    report_ids = [row.id for kind, row in rows if kind == "report"]
    incident_ids = [row.id for kind, row in rows if kind == "incident"]
    found: list[Nearby] = []
    if report_ids:
        for report in session.scalars(select(Report).where(Report.id.in_(report_ids))):
            assert report.incident_id is not None
            found.append((report.incident_id, report.id, _report_as_seen(access, report)))
    if incident_ids:
        for row in session.execute(select(*INCIDENT_COLUMNS).where(Incident.id.in_(incident_ids))):
            found.append((row.id, None, _incident_record(row)))
    return found


def candidates_for(
    session: Session,
    *,
    record: LinkRecord,
    principal: Who,
    limit: int = 5,
    params: ModelParams | None = None,
    exclude_report_id: int | None = None,
    exclude_incident_id: int | None = None,
) -> list[Candidate]:
    """The incidents ``principal`` may see that ``record`` most probably reports, best first.

    Up to ``limit`` of them, with the evidence: each comparison's level and weight, computed only
    from what ``principal`` may see. ``exclude_incident_id``: an incident never to propose (itself).
    """
    access = principal if isinstance(principal, Access) else access_for(session, principal)
    params = params or active_params(session)
    new = feature_row(-1, record)
    best: dict[int, tuple[float, Nearby, dict[str, tuple[int, float]]]] = {}
    for near in _nearby(session, record, access, (exclude_report_id, exclude_incident_id)):
        weight, parts = score_pair(params, new, feature_row(0, near[2]))
        if near[0] not in best or weight > best[near[0]][0]:
            best[near[0]] = (weight, near, parts)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
    ranked = [item for item in ranked if probability(item[1][0]) >= MIN_PROBABILITY][:limit]
    columns = (Incident.id, Incident.code, Incident.title, Incident.date_start, Incident.place_name)
    incidents = {
        row.id: row
        for row in session.execute(select(*columns).where(Incident.id.in_([k for k, _ in ranked])))
    }
    return [
        Candidate(
            code=incidents[incident_id].code,
            title=incidents[incident_id].title,
            probability=round(probability(weight), 4),
            match_weight=round(weight, 2),
            best_report_id=near[1],
            comparisons=explain(params, {name: level for name, (level, _) in parts.items()}),
            date_start=incidents[incident_id].date_start,
            place_name=incidents[incident_id].place_name,
            matched=near[2],
        )
        for incident_id, (weight, near, parts) in ranked
    ]
