"""Live "possible duplicate of …" warnings for the intake form, the review queue and the dossier.

Every page and API route asks for duplicate candidates through :func:`possible_duplicates`
(a draft report), :func:`report_duplicates` (a stored report awaiting triage) or
:func:`incident_duplicates` (another incident). All three call the linkage engine's
:func:`~civharm.linkage.candidates.candidates_for` with the asking principal, which compares
only what that principal may see; a stored report or incident is itself turned into a draft
holding only what the principal may see of it, so distances never start from a withheld place.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.incidents.models import Incident
from civharm.linkage.candidates import Candidate, candidates_for
from civharm.linkage.comparisons import haversine_km
from civharm.linkage.model import ModelParams
from civharm.linkage.records import LinkRecord
from civharm.linkage.schemas import DuplicateCandidate, ReportDraft
from civharm.linkage.store import report_record
from civharm.precision import DatePrecision, date_uncertainty_days
from civharm.reports.models import Report
from civharm.security.policy import Access, Who, access_for, may_see_report_restricted, sees_restricted
from civharm.vocabulary import Sensitivity

#: How many candidates a warning lists.
LIMIT = 5


def _date_of(
    start: date | None, end: date | None, precision: DatePrecision
) -> tuple[date | None, DatePrecision]:
    """One date and a precision wide enough to cover the draft's date range."""
    if start is None or end is None or start == end:
        return start or end, precision
    low, high = min(start, end), max(start, end)
    half = (high - low).days // 2
    middle = low + timedelta(days=half)
    # a range wider than any precision (years apart) is as good as an unknown date
    width = next((p for p in DatePrecision if date_uncertainty_days(p) >= half), DatePrecision.UNKNOWN)
    return middle, max(precision, width, key=list(DatePrecision).index)


def _count(low: int | None, high: int | None) -> tuple[int, int] | None:
    if low is None and high is None:
        return None
    lo = low if low is not None else 0
    return lo, max(high if high is not None else lo, lo)


def draft_record(draft: ReportDraft) -> LinkRecord:
    """The draft as the engine sees it."""
    day, precision = _date_of(draft.date_start, draft.date_end, draft.date_precision)
    return LinkRecord(
        report_id="draft",
        source=draft.source_name,
        date=day,
        date_precision=precision,
        latitude=draft.latitude if draft.located else None,
        longitude=draft.longitude if draft.located else None,
        location_precision=draft.location_precision,
        place_name=draft.place_name,
        admin1=draft.admin1,
        country=draft.country_iso3,
        killed=_count(draft.killed_min, draft.killed_max),
        injured=_count(draft.injured_min, draft.injured_max),
        description=draft.original_text or "",
    )


def _days_apart(start: date | None, end: date | None, other: date | None) -> int | None:
    if other is None or (start is None and end is None):
        return None
    low, high = min(d for d in (start, end) if d), max(d for d in (start, end) if d)
    return (low - other).days if other < low else max((other - high).days, 0)


def _reasons(candidate: Candidate, distance: float | None, days: int | None) -> list[str]:
    reasons = []
    if distance is not None:
        reasons.append(f"{distance:.1f} km apart")
    if days is not None:
        reasons.append("same dates" if days == 0 else f"{days} day{'s' if days != 1 else ''} apart")
    evidence = sorted((c for c in candidate.comparisons if c["weight"]), key=lambda c: -abs(c["weight"]))
    reasons += [f"{c['comparison']}: {c['level']} ({c['weight']:+.1f})" for c in evidence]
    return reasons


def _shown(
    record: LinkRecord, start: date | None, end: date | None, candidate: Candidate
) -> DuplicateCandidate:
    matched = candidate.matched
    distance = None
    if matched is not None and record.has_coordinates and matched.has_coordinates:
        assert record.latitude is not None and record.longitude is not None
        assert matched.latitude is not None and matched.longitude is not None
        distance = round(
            haversine_km(record.latitude, record.longitude, matched.latitude, matched.longitude), 1
        )
    days = _days_apart(start, end, matched.date if matched else None)
    return DuplicateCandidate(
        code=candidate.code,
        title=candidate.title,
        date_start=candidate.date_start,
        place_name=candidate.place_name,
        distance_km=distance,
        days_apart=days,
        probability=candidate.probability,
        match_weight=candidate.match_weight,
        reasons=_reasons(candidate, distance, days),
        comparisons=candidate.comparisons,
    )


def _duplicates(
    session: Session,
    record: LinkRecord,
    *,
    access: Access,
    dates: tuple[date | None, date | None],
    limit: int,
    params: ModelParams | None = None,
    exclude_incident_id: int | None = None,
    exclude_report_id: int | None = None,
) -> list[DuplicateCandidate]:
    found = candidates_for(
        session,
        record=record,
        principal=access,
        limit=limit,
        params=params,
        exclude_incident_id=exclude_incident_id,
        exclude_report_id=exclude_report_id,
    )
    return [_shown(record, dates[0], dates[1], c) for c in found]


def possible_duplicates(
    session: Session, report_draft: ReportDraft, *, principal: Who, limit: int = LIMIT
) -> list[DuplicateCandidate]:
    """Incidents ``principal`` may see that may be the event ``report_draft`` describes, likeliest first.

    Example::

        possible_duplicates(session, ReportDraft(latitude=35.02, longitude=40.45,
                            date_start=date(2026, 3, 14)), principal=principal)
    """
    access = principal if isinstance(principal, Access) else access_for(session, principal)
    exclude = None
    if report_draft.exclude_code:
        exclude = session.scalar(select(Incident.id).where(Incident.code == report_draft.exclude_code))
    return _duplicates(
        session,
        draft_record(report_draft),
        access=access,
        dates=(report_draft.date_start, report_draft.date_end),
        limit=limit,
        exclude_incident_id=exclude,
    )


def report_duplicates(
    session: Session, report: Report, *, principal: Who, limit: int = LIMIT, params: ModelParams | None = None
) -> list[DuplicateCandidate]:
    """Incidents ``principal`` may see that a stored report may belong to (compared as they may see it)."""
    access = principal if isinstance(principal, Access) else access_for(session, principal)
    record = report_record(report)
    if not may_see_report_restricted(access, report):
        record = replace(record, source=None, latitude=None, longitude=None, description="")
    return _duplicates(
        session,
        record,
        access=access,
        dates=(report.date_start, report.date_end),
        limit=limit,
        params=params,
        exclude_report_id=report.id,
        exclude_incident_id=report.incident_id,
    )


def incident_duplicates(
    session: Session, incident: Incident, *, principal: Who, limit: int = LIMIT
) -> list[DuplicateCandidate]:
    """Other incidents ``principal`` may see that may be the same event as ``incident``."""
    access = principal if isinstance(principal, Access) else access_for(session, principal)
    open_fields = incident.sensitivity is not Sensitivity.RESTRICTED or sees_restricted(
        access, incident_id=incident.id
    )
    day, precision = _date_of(incident.date_start, incident.date_end, incident.date_precision)
    record = LinkRecord(
        report_id=f"incident-{incident.id}",
        date=day,
        date_precision=precision,
        latitude=incident.latitude if open_fields else None,
        longitude=incident.longitude if open_fields else None,
        location_precision=incident.location_precision,
        place_name=incident.place_name,
        admin1=incident.admin1,
        country=incident.country_iso3,
        killed=_count(incident.killed_min, incident.killed_max),
        injured=_count(incident.injured_min, incident.injured_max),
        description=(incident.description or "") if open_fields else "",
    )
    return _duplicates(
        session,
        record,
        access=access,
        dates=(incident.date_start, incident.date_end),
        limit=limit,
        exclude_incident_id=incident.id,
    )
