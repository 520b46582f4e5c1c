"""Own-force activity: import the activity log and match incidents to activities that could have caused them.

Own-force activity is sensitive (who did what, where, when): records are restricted and only
staff principals may read them or the matches.

A match's probability is the product of three plain likelihoods, each explained:
place (how far the incident lies outside the activity's radius, against the incident's own
place uncertainty), time (days between the incident's date window and the activity), and
kind (whether the activity could produce the incident's cause of harm).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.errors import InputFileError, NotFoundError, RowError
from civharm.incidents.models import Incident
from civharm.incidents.service import get_incident
from civharm.ingest import fields
from civharm.ingest.csvfile import open_csv
from civharm.linkage.comparisons import haversine_km
from civharm.linkage.models import OwnForceActivity
from civharm.precision import date_uncertainty_days, location_uncertainty_km
from civharm.security.principal import Principal
from civharm.vocabulary import Cause

ACTIVITY_COLUMNS = (
    "activity_id",
    "start",
    "end",
    "latitude",
    "longitude",
    "radius_km",
    "activity_type",
    "unit",
)
#: Causes of harm each kind of activity can produce.
CAUSES_BY_ACTIVITY = {
    "airstrike": {Cause.HEAVY_WEAPONS, Cause.INCENDIARY},
    "drone_strike": {Cause.HEAVY_WEAPONS},
    "artillery": {Cause.HEAVY_WEAPONS, Cause.INCENDIARY},
    "raid": {Cause.SMALL_ARMS, Cause.HEAVY_WEAPONS},
    "patrol": {Cause.SMALL_ARMS, Cause.ACCIDENT},
    "convoy": {Cause.ACCIDENT, Cause.SMALL_ARMS},
    "demolition": {Cause.PLANTED_EXPLOSIVES, Cause.DENIAL_OF_ESSENTIALS},
}
MIN_PROBABILITY = 0.05
SEARCH_DAYS = 3


@dataclass
class ActivityMatch:
    activity_id: str
    activity_type: str
    unit: str
    start: datetime
    end: datetime
    incident_code: str
    probability: float
    reasons: list[str] = field(default_factory=list)


def _require_staff(principal: Principal) -> None:
    if not principal.is_staff:
        # Partners and intake users must not learn that such records exist.
        raise NotFoundError("no such record")


def _moment(value: str | None, *, end: bool) -> datetime:
    text = fields.required(value)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        day = fields.parse_date(text)
        moment = datetime.combine(day, time.max if end else time.min)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_activities(path: Path) -> list[dict[str, object]]:
    """Every row of an activity log; any bad row refuses the file with each problem named."""
    name, rows, errors = str(path), [], []
    with open_csv(path) as source:
        missing = [c for c in ACTIVITY_COLUMNS if c not in source.columns]
        if missing:
            raise InputFileError(
                name, [RowError(name, 1, c, "column is missing from the header row") for c in missing]
            )
        for number, row in enumerate(source.rows, start=2):
            parsers = {
                "activity_id": fields.required,
                "start": lambda v: _moment(v, end=False),
                "end": lambda v: _moment(v, end=True),
                "latitude": fields.parse_latitude,
                "longitude": fields.parse_longitude,
                "radius_km": lambda v: max(fields.parse_float(v), 0.0),
                "activity_type": lambda v: fields.required(v).lower().replace(" ", "_"),
                "unit": fields.required,
            }
            values: dict[str, object] = {}
            for column, parse in parsers.items():
                try:
                    values[column] = parse(row.get(column))
                except fields.FieldError as exc:
                    errors.append(RowError(name, number, column, str(exc), row.get(column)))
            if "start" in values and "end" in values and values["end"] < values["start"]:  # type: ignore[operator]
                errors.append(RowError(name, number, "end", "is before start", row.get("end")))
            rows.append(values)
    if errors:
        raise InputFileError(name, errors[:50], truncated=max(0, len(errors) - 50))
    if not rows:
        raise InputFileError(name, [RowError(name, 2, "", "the file has a header row but no activities")])
    return rows


def import_activities(session: Session, *, path: Path, actor: str) -> tuple[int, int]:
    """Add the log's activities (restricted); one already imported is updated. Returns (new, updated)."""
    added = updated = 0
    for values in read_activities(path):
        existing = session.scalar(
            select(OwnForceActivity).where(OwnForceActivity.activity_id == values["activity_id"])
        )
        if existing is None:
            session.add(OwnForceActivity(**values, source_file=path.name, imported_by=actor))
            added += 1
        else:
            for key, value in values.items():
                setattr(existing, key, value)
            updated += 1
    session.flush()
    return added, updated


def _incident_window(incident: Incident) -> tuple[datetime, datetime] | None:
    if incident.date_start is None:
        return None
    spread = timedelta(days=date_uncertainty_days(incident.date_precision))
    first = datetime.combine(incident.date_start, time.min, tzinfo=UTC) - spread
    last = datetime.combine(incident.date_end or incident.date_start, time.max, tzinfo=UTC) + spread
    return first, last


def score(incident: Incident, activity: OwnForceActivity) -> tuple[float, list[str]]:
    """Probability that ``activity`` could have caused ``incident``, and the reasons."""
    reasons = []
    if incident.latitude is None or incident.longitude is None:
        p_place = 0.3
        reasons.append("incident has no coordinates: place not compared")
    else:
        distance = haversine_km(incident.latitude, incident.longitude, activity.latitude, activity.longitude)
        sigma = max(location_uncertainty_km(incident.location_precision), 1.0)
        outside = max(0.0, distance - activity.radius_km)
        p_place = math.exp(-(outside**2) / (2 * sigma**2))
        reasons.append(
            f"{distance:.1f} km from the activity "
            f"(radius {activity.radius_km:g} km; incident place ± {sigma:g} km)"
        )
    window = _incident_window(incident)
    if window is None:
        p_time = 0.3
        reasons.append("incident has no date: time not compared")
    else:
        start, end = _aware(activity.start), _aware(activity.end)
        gap = max((window[0] - end).total_seconds(), (start - window[1]).total_seconds(), 0.0) / 86400
        p_time = math.exp(-(gap**2) / 2)
        reasons.append(
            "during the incident's date window" if gap == 0 else f"{gap:.1f} day(s) from its date window"
        )
    causes = CAUSES_BY_ACTIVITY.get(activity.activity_type)
    if incident.cause == Cause.UNKNOWN or causes is None:
        p_kind = 0.6
        reasons.append(f"{activity.activity_type} vs cause {incident.cause.value}: not judged")
    elif incident.cause in causes:
        p_kind = 1.0
        reasons.append(f"{activity.activity_type} can cause {incident.cause.value}")
    else:
        p_kind = 0.15
        reasons.append(f"{activity.activity_type} rarely causes {incident.cause.value}")
    return round(p_place * p_time * p_kind, 4), reasons


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def activities_for_incident(session: Session, *, code: str, principal: Principal) -> list[ActivityMatch]:
    """Own-force activities that could have caused incident ``code``, most likely first."""
    _require_staff(principal)
    incident = get_incident(session, code=code)
    window = _incident_window(incident)
    query = select(OwnForceActivity)
    if window is not None:
        pad = timedelta(days=SEARCH_DAYS)
        query = query.where(
            OwnForceActivity.start <= window[1] + pad, OwnForceActivity.end >= window[0] - pad
        )
    matches = [_match(incident, activity) for activity in session.scalars(query)]
    return sorted((m for m in matches if m.probability >= MIN_PROBABILITY), key=lambda m: -m.probability)


def incidents_near_activity(
    session: Session, *, activity_id: str, principal: Principal
) -> list[ActivityMatch]:
    """Incidents near ``activity_id`` in space and time, most likely first."""
    _require_staff(principal)
    activity = session.scalar(select(OwnForceActivity).where(OwnForceActivity.activity_id == activity_id))
    if activity is None:
        raise NotFoundError(f"no own-force activity {activity_id}")
    pad = timedelta(days=SEARCH_DAYS + 31)
    first: date = (_aware(activity.start) - pad).date()
    last: date = (_aware(activity.end) + pad).date()
    query = select(Incident).where(Incident.date_start.between(first, last))
    matches = [_match(incident, activity) for incident in session.scalars(query)]
    return sorted((m for m in matches if m.probability >= MIN_PROBABILITY), key=lambda m: -m.probability)


def _match(incident: Incident, activity: OwnForceActivity) -> ActivityMatch:
    probability, reasons = score(incident, activity)
    return ActivityMatch(
        activity_id=activity.activity_id,
        activity_type=activity.activity_type,
        unit=activity.unit,
        start=activity.start,
        end=activity.end,
        incident_code=incident.code,
        probability=probability,
        reasons=reasons,
    )
