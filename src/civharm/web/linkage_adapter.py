"""Live "possible duplicate of …" warnings — the ADAPTER standing in for ``civharm.linkage``.

The linkage engine (branch ``linkage``) is not on main yet. Every page and API route asks
for duplicate candidates only through :func:`possible_duplicates` here, so swapping this
module's body for the engine's ``candidates_for`` is the whole integration (same
:class:`~civharm.web.schemas.DuplicateCandidate` shape, same ``principal``).

Until then it is an honest, simple matcher: distance and dates only, widened by how precise
each record says it is (``civharm.precision``), ranked by the sum of the two gaps measured in
those allowances. It knows nothing of counts, names, spellings or learnt weights.

Visibility goes through ``civharm.security.policy``: only incidents the principal may see are
candidates, and coordinates the policy withholds (restricted incidents, for those not cleared)
are never compared, so distances cannot reveal them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Row, Select, and_, func, select
from sqlalchemy.orm import Session

from civharm.incidents.models import Incident
from civharm.precision import (
    DatePrecision,
    LocationPrecision,
    date_uncertainty_days,
    location_uncertainty_km,
)
from civharm.security.policy import exact_location_visible, incident_scope
from civharm.security.principal import Principal
from civharm.web.geometry import degrees_around, haversine_km
from civharm.web.schemas import DuplicateCandidate

#: Slack added to both allowances: reports of one event often differ by a day or a few km.
EXTRA_KM = 10.0
EXTRA_DAYS = 3
#: The widest search, whatever the precision says (a country-wide report matches nothing useful).
MAX_SEARCH_KM = 150.0
MAX_SEARCH_DAYS = 45
#: Without a date, only this many most recent incidents near the place are looked at.
UNDATED_LIMIT = 500
#: At most this many incidents, the nearest first, are assessed in Python.
NEAREST_LIMIT = 100


class ReportDraft(BaseModel):
    """What is known about a report being written; every field optional."""

    date_start: date | None = None
    date_end: date | None = None
    date_precision: DatePrecision = DatePrecision.UNKNOWN
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    location_precision: LocationPrecision = LocationPrecision.UNKNOWN
    place_name: str | None = Field(default=None, max_length=300)
    exclude_code: str | None = Field(default=None, description="An incident never to propose (itself).")

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, stopping at the calendar's ends instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _window(draft: ReportDraft) -> tuple[date, date, int] | None:
    if draft.date_start is None and draft.date_end is None:
        return None
    start = draft.date_start or draft.date_end
    end = draft.date_end or draft.date_start
    assert start is not None and end is not None
    days = min(date_uncertainty_days(draft.date_precision) + EXTRA_DAYS, MAX_SEARCH_DAYS)
    return start, end, days


#: Only what the comparison needs: loading whole incidents (JSON columns, topics) costs ten times more.
CANDIDATE_COLUMNS = (
    Incident.code,
    Incident.title,
    Incident.date_start,
    Incident.date_end,
    Incident.date_precision,
    Incident.latitude,
    Incident.longitude,
    Incident.location_precision,
    Incident.place_name,
)


def _candidates_query(draft: ReportDraft, principal: Principal) -> Select[Any] | None:
    query = select(*CANDIDATE_COLUMNS).where(incident_scope(principal))
    window = _window(draft)
    if window:
        start, end, days = window
        # Incidents last at most a month in practice; the exact overlap is checked in Python.
        query = query.where(Incident.date_start.between(_shift(start, -(days + 31)), _shift(end, days)))
    if draft.located:
        assert draft.latitude is not None and draft.longitude is not None
        km = min(location_uncertainty_km(draft.location_precision) + EXTRA_KM + 25.0, MAX_SEARCH_KM)
        dlat, dlon = degrees_around(draft.latitude, km)
        query = query.where(
            and_(
                exact_location_visible(principal),
                Incident.latitude.between(draft.latitude - dlat, draft.latitude + dlat),
                Incident.longitude.between(draft.longitude - dlon, draft.longitude + dlon),
            )
        )
    elif draft.place_name and draft.place_name.strip():
        query = query.where(Incident.place_name.ilike(draft.place_name.strip()))
    else:
        return None  # neither place nor place name: nothing honest to compare
    if draft.located:
        # Only the nearest few are assessed, however crowded the window (100,000 incidents).
        assert draft.latitude is not None and draft.longitude is not None
        rough = func.abs(Incident.latitude - draft.latitude) + func.abs(Incident.longitude - draft.longitude)
        query = query.order_by(rough).limit(NEAREST_LIMIT)
    else:
        query = query.order_by(Incident.date_start.desc()).limit(NEAREST_LIMIT if window else UNDATED_LIMIT)
    if draft.exclude_code:
        query = query.where(Incident.code != draft.exclude_code)
    return query


def _days_apart(draft: ReportDraft, incident: Row[Any]) -> int | None:
    window = _window(draft)
    if window is None or incident.date_start is None:
        return None
    start, end, _ = window
    other_start: date = incident.date_start
    other_end: date = incident.date_end or incident.date_start
    if other_end < start:
        return (start - other_end).days
    if other_start > end:
        return (other_start - end).days
    return 0


def _assess(draft: ReportDraft, incident: Row[Any]) -> DuplicateCandidate | None:
    score, reasons = 0.0, []
    distance = None
    if draft.located and incident.latitude is not None and incident.longitude is not None:
        assert draft.latitude is not None and draft.longitude is not None
        distance = haversine_km(draft.latitude, draft.longitude, incident.latitude, incident.longitude)
        allowed_km = min(
            location_uncertainty_km(draft.location_precision)
            + location_uncertainty_km(incident.location_precision)
            + EXTRA_KM,
            MAX_SEARCH_KM,
        )
        if distance > allowed_km:
            return None
        score += distance / allowed_km
        reasons.append(f"{distance:.1f} km apart (allowing {allowed_km:.0f} km for the stated precision)")
    elif draft.place_name:
        reasons.append(f"same place name ({incident.place_name})")
        score += 0.5
    days = _days_apart(draft, incident)
    if days is not None:
        allowed_days = date_uncertainty_days(draft.date_precision) + date_uncertainty_days(
            incident.date_precision
        )
        allowed_days = min(allowed_days + EXTRA_DAYS, MAX_SEARCH_DAYS)
        if days > allowed_days:
            return None
        score += days / max(allowed_days, 1)
        reasons.append("same dates" if days == 0 else f"{days} day{'s' if days != 1 else ''} apart")
    else:
        score += 1.0
        reasons.append("no date to compare")
    return DuplicateCandidate(
        code=incident.code,
        title=incident.title,
        date_start=incident.date_start,
        place_name=incident.place_name,
        distance_km=round(distance, 1) if distance is not None else None,
        days_apart=days,
        score=round(score, 3),
        reasons=reasons,
    )


def possible_duplicates(
    session: Session, report_draft: ReportDraft, *, principal: Principal, limit: int = 5
) -> list[DuplicateCandidate]:
    """Incidents ``principal`` may see that may be the event ``report_draft`` describes, closest first.

    Example::

        possible_duplicates(session, ReportDraft(latitude=35.02, longitude=40.45,
                            date_start=date(2026, 3, 14)), principal=principal)
    """
    query = _candidates_query(report_draft, principal)
    if query is None:
        return []
    found = [_assess(report_draft, incident) for incident in session.execute(query)]
    ranked = sorted((c for c in found if c is not None), key=lambda c: (c.score, c.code))
    return ranked[:limit]
