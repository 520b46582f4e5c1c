"""Operations on incidents: create, find, list with filters, update with version checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, cast, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from civharm.db.base import utcnow
from civharm.errors import ConflictError, NotFoundError, ValidationError
from civharm.incidents.codes import allocate_codes
from civharm.incidents.models import Incident, IncidentTopic
from civharm.incidents.schemas import IncidentCreate
from civharm.reports.models import Report
from civharm.security.policy import (
    Access,
    access_for,
    exact_location_visible,
    incident_scope,
    incident_text_match,
    report_scope,
)
from civharm.security.principal import Principal
from civharm.vocabulary import Determination, Grading, IncidentStatus, SourceType, Topic

SORTABLE = {
    "date": Incident.date_start,
    "code": Incident.code,
    "killed": Incident.killed_max,
    "updated": Incident.updated_at,
    "status": Incident.status,
}


@dataclass(frozen=True)
class IncidentFilter:
    """What a list of incidents is narrowed to; every field is optional."""

    topics: tuple[Topic, ...] = ()
    statuses: tuple[IncidentStatus, ...] = ()
    gradings: tuple[Grading, ...] = ()
    determinations: tuple[Determination, ...] = ()
    source_types: tuple[SourceType, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    country_iso3: str | None = None
    admin1: str | None = None
    text: str | None = None
    #: Bounding box ``(min_lon, min_lat, max_lon, max_lat)``.
    bbox: tuple[float, float, float, float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def create_incident(
    session: Session,
    *,
    data: IncidentCreate,
    created_by: str | None = None,
    report_ids: list[int] | None = None,
) -> Incident:
    """Create an incident with a fresh code, optionally grouping existing reports under it."""
    today = utcnow()
    (code,) = allocate_codes(session.connection(), year=today.year)
    values = data.model_dump(exclude={"topics", "place_names"})
    incident = Incident(
        code=code,
        previous_codes=[],
        place_names=[p.model_dump(exclude_none=True) for p in data.place_names],
        created_by=created_by,
        **values,
    )
    incident.set_topics(data.topics)
    session.add(incident)
    session.flush()
    if report_ids:
        attach_reports(session, incident=incident, report_ids=report_ids)
    return incident


def attach_reports(session: Session, *, incident: Incident, report_ids: list[int]) -> None:
    reports = session.scalars(select(Report).where(Report.id.in_(report_ids))).all()
    missing = set(report_ids) - {r.id for r in reports}
    if missing:
        raise NotFoundError(f"no report with id {', '.join(str(i) for i in sorted(missing))}")
    for report in reports:
        report.incident_id = incident.id
    session.flush()


def get_incident(session: Session, *, code: str) -> Incident:
    """The incident with ``code``, also found by a code it carried before a merge."""
    incident = session.scalar(select(Incident).where(Incident.code == code))
    if incident is None:
        needle = f'%"{code}"%'
        incident = session.scalar(select(Incident).where(cast(Incident.previous_codes, String).like(needle)))
    if incident is None:
        raise NotFoundError(f"no incident with code {code}")
    return incident


def _filtered(query: Any, f: IncidentFilter, access: Access) -> Any:
    # The visibility policy first: totals, pages and search hits never count hidden incidents.
    query = query.where(incident_scope(access))
    if f.topics:
        query = query.where(
            exists().where(IncidentTopic.incident_id == Incident.id, IncidentTopic.topic.in_(f.topics))
        )
    if f.statuses:
        query = query.where(Incident.status.in_(f.statuses))
    if f.gradings:
        query = query.where(Incident.grading.in_(f.gradings))
    if f.determinations:
        query = query.where(Incident.determination.in_(f.determinations))
    if f.source_types:
        query = query.where(
            exists().where(Report.incident_id == Incident.id, Report.source_type.in_(f.source_types))
        )
    if f.date_from:
        query = query.where(or_(Incident.date_end >= f.date_from, Incident.date_start >= f.date_from))
    if f.date_to:
        query = query.where(Incident.date_start <= f.date_to)
    if f.country_iso3:
        query = query.where(Incident.country_iso3 == f.country_iso3.upper())
    if f.admin1:
        query = query.where(Incident.admin1 == f.admin1)
    if f.bbox:
        min_lon, min_lat, max_lon, max_lat = f.bbox
        # Withheld coordinates (restricted incidents, for those not cleared) must not be probed.
        query = query.where(exact_location_visible(access), Incident.latitude.between(min_lat, max_lat))
        if min_lon <= max_lon:
            query = query.where(Incident.longitude.between(min_lon, max_lon))
        else:  # the box crosses the antimeridian
            query = query.where(or_(Incident.longitude >= min_lon, Incident.longitude <= max_lon))
    if f.text:
        query = query.where(incident_text_match(access, f"%{f.text.strip()}%"))
    return query


def list_incidents(
    session: Session,
    *,
    principal: Principal,
    filters: IncidentFilter | None = None,
    sort: str = "-date",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Incident], int]:
    """A page of the incidents ``principal`` may see matching ``filters``, and how many match.

    ``sort`` is a key of :data:`SORTABLE`, prefixed with ``-`` for descending order. Project
    the rows with :func:`civharm.security.policy.show_incidents` before showing them.
    """
    f = filters or IncidentFilter()
    access = access_for(session, principal)
    key = sort.lstrip("-")
    if key not in SORTABLE:
        raise ValidationError(f"cannot sort by {key!r}; choose one of {', '.join(SORTABLE)}")
    column = SORTABLE[key]
    if sort.startswith("-"):
        ordering = [column.desc().nulls_last(), Incident.id.desc()]
    else:
        ordering = [column.asc().nulls_last(), Incident.id.asc()]
    total = session.scalar(_filtered(select(func.count(Incident.id)), f, access)) or 0
    rows = session.scalars(
        _filtered(select(Incident), f, access).order_by(*ordering).limit(limit).offset(offset)
    ).all()
    return list(rows), int(total)


def update_incident(
    session: Session, *, code: str, expected_version: int, changes: dict[str, Any]
) -> Incident:
    """Apply ``changes`` if the incident is still at ``expected_version``; else raise ConflictError.

    The check is enforced by the database (``UPDATE ... WHERE version = ?``), so two users
    saving at once cannot silently overwrite each other.
    """
    incident = get_incident(session, code=code)
    if incident.version != expected_version:
        raise ConflictError(
            f"{code} was changed by someone else (now version {incident.version}, you edited version "
            f"{expected_version}); reload it and apply your change again"
        )
    allowed = set(IncidentCreate.model_fields) - {"topics"}
    unknown = set(changes) - allowed - {"topics", "status", "grading", "determination"}
    if unknown:
        raise ValidationError(f"cannot change {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        if name == "topics":
            incident.set_topics([Topic(t) for t in value])
        else:
            setattr(incident, name, value)
    incident.updated_at = utcnow()  # always write the row, so its version moves even for topic changes
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError(f"{code} was changed by someone else while you edited it; reload it") from exc
    return incident


def report_count(session: Session, incident: Incident, *, principal: Principal) -> int:
    """How many of the incident's reports ``principal`` may see."""
    query = select(func.count(Report.id)).where(
        Report.incident_id == incident.id, report_scope(access_for(session, principal))
    )
    return int(session.scalar(query) or 0)
