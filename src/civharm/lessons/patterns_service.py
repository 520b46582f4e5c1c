"""Read incidents from the store as the facts harm patterns count."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from civharm.incidents.models import Incident
from civharm.lessons.environment import environment_of
from civharm.lessons.facts import NOT_ASSESSED, IncidentFacts, ProximityLookup, activity_of, time_of_day_of
from civharm.lessons.patterns import DIMENSIONS, PatternReport, Period, harm_patterns
from civharm.reports.models import Report

#: Narrows a ``select(Incident)`` to what the acting user may see. The security feature's
#: visibility policy plugs in here; the command line on one's own store passes none.
Scope = Callable[[Select[Any]], Select[Any]]


def incidents_in(session: Session, *, period: Period, scope: Scope | None = None) -> list[Incident]:
    query = (
        select(Incident)
        .where(Incident.date_start >= period.start, Incident.date_start <= period.end)
        .order_by(Incident.date_start, Incident.id)
    )
    if scope is not None:
        query = scope(query)
    return list(session.scalars(query))


def _sub_event_types(session: Session, incident_ids: list[int]) -> dict[int, str]:
    """The ACLED sub-event type of any report of each incident (the first found)."""
    found: dict[int, str] = {}
    for start in range(0, len(incident_ids), 500):
        chunk = incident_ids[start : start + 500]
        rows = session.execute(
            select(Report.incident_id, Report.raw_record).where(
                Report.incident_id.in_(chunk), Report.source_system == "acled"
            )
        )
        for incident_id, raw in rows:
            value = (raw or {}).get("sub_event_type")
            if incident_id is not None and isinstance(value, str) and incident_id not in found:
                found[incident_id] = value
    return found


def facts_of(
    session: Session, incidents: Sequence[Incident], *, proximity: ProximityLookup | None = None
) -> list[IncidentFacts]:
    sub_events = _sub_event_types(session, [i.id for i in incidents])
    facts = []
    for i in incidents:
        near = NOT_ASSESSED
        if proximity is not None and i.latitude is not None and i.longitude is not None:
            near = proximity(i.latitude, i.longitude) or "none nearby"
        facts.append(
            IncidentFacts(
                code=i.code,
                day=i.date_start,
                cause=i.cause.value,
                activity=activity_of(i.details or {}, sub_events.get(i.id), f"{i.title} {i.description}"),
                environment=environment_of(i.latitude, i.longitude, i.location_precision),
                time_of_day=time_of_day_of(i.details or {}),
                near_protected_object=near,
                topics=tuple(t.value for t in i.topics),
                area=i.admin1 or i.country_iso3 or "unknown",
                killed_min=i.killed_min or 0,
                killed_max=i.killed_max if i.killed_max is not None else (i.killed_min or 0),
                injured_min=i.injured_min or 0,
                injured_max=i.injured_max if i.injured_max is not None else (i.injured_min or 0),
            )
        )
    return facts


def patterns_for(
    session: Session,
    *,
    period: Period,
    scope: Scope | None = None,
    proximity: ProximityLookup | None = None,
    dimensions: Sequence[str] = tuple(DIMENSIONS),
) -> PatternReport:
    """Harm patterns of ``period`` compared with the period before it."""
    previous = period.previous()
    current = facts_of(session, incidents_in(session, period=period, scope=scope), proximity=proximity)
    earlier = facts_of(session, incidents_in(session, period=previous, scope=scope), proximity=proximity)
    return harm_patterns(current, earlier, period=period, previous_period=previous, dimensions=dimensions)
