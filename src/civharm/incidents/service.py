"""Operations on incidents: create, find, list with filters, update with version checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, and_, bindparam, cast, exists, func, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from civharm.db.base import utcnow
from civharm.db.text import TRIGRAM_MIN, by_dialect, fts_phrase
from civharm.errors import ConflictError, NotFoundError, ValidationError
from civharm.incidents.codes import allocate_codes
from civharm.incidents.models import Incident, IncidentTopic
from civharm.incidents.schemas import IncidentCreate
from civharm.reports.models import Report
from civharm.security.policy import (
    INCIDENT_SHARED,
    Access,
    Who,
    exact_location_visible,
    incident_scope,
    incident_text_match,
    report_scope,
    restricted_visible,
)
from civharm.security.principal import Principal
from civharm.vocabulary import Determination, Grading, IncidentStatus, SourceType, Topic

#: Above this many text matches, a page of results is found by walking the sort order (see _fts_ids).
COMMON_MATCHES = 2000

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


def filtered(query: Any, f: IncidentFilter, who: Who, *, common_text: bool = False) -> Any:
    """``query`` narrowed to the incidents ``who`` may see and by ``f``.

    Any select over incidents works: rows, counts or aggregates. The visibility policy comes
    first, so totals, pages, search hits and map boxes never count hidden incidents.
    ``common_text`` says the search text matches many incidents (see :func:`common_text`),
    which changes only how SQLite is asked, never the answer.
    """
    query = query.where(incident_scope(who))
    if f.determinations and not may_filter_by(who, "determination"):
        # Filtering by a field is reading it: only those who receive it may filter by it.
        raise ValidationError("determination is not a field you may filter by")
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
        # Only reports the reader may see count, so a filter cannot reveal hidden (own-force) reports.
        query = query.where(
            exists().where(
                Report.incident_id == Incident.id, Report.source_type.in_(f.source_types), report_scope(who)
            )
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
        query = query.where(exact_location_visible(who), Incident.latitude.between(min_lat, max_lat))
        if min_lon <= max_lon:
            query = query.where(Incident.longitude.between(min_lon, max_lon))
        else:  # the box crosses the antimeridian
            query = query.where(or_(Incident.longitude >= min_lon, Incident.longitude <= max_lon))
    if f.text and f.text.strip():
        query = query.where(_text_condition(f.text.strip(), who, common=common_text))
    return query


def common_text(session: Session, f: IncidentFilter) -> bool:
    """Whether ``f``'s search text is in more than :data:`COMMON_MATCHES` incidents' text.

    Counted on the trigram index, so it costs a few milliseconds at most; only SQLite asks.
    """
    text = (f.text or "").strip()
    bind = session.get_bind()
    if len(text) < TRIGRAM_MIN or bind.dialect.name != "sqlite":
        return False
    probe = sql_text(
        "SELECT count(*) FROM (SELECT rowid FROM fts_incidents WHERE fts_incidents MATCH :query LIMIT :n)"
    )
    return int(session.scalar(probe, {"query": fts_phrase(text), "n": COMMON_MATCHES}) or 0) >= COMMON_MATCHES


def may_filter_by(who: Who, field: str) -> bool:
    """Whether the policy's projection gives ``who`` this incident field (staff receive every field)."""
    principal = who.principal if isinstance(who, Access) else who
    return principal.is_staff or field in INCIDENT_SHARED


def _text_condition(text: str, who: Who, *, common: bool) -> ColumnElement[bool]:
    """Incidents whose title, place, code, place names or (where ``who`` may read it) description
    contain ``text``, in any case.

    The policy's :func:`incident_text_match` says which fields may be searched; on SQLite a
    trigram full-text index answers the same question (``civharm.db.text``), so a rare word
    does not mean reading every incident. PostgreSQL, and texts shorter than three
    characters, use the policy's LIKE directly.
    """
    scan = incident_text_match(who, f"%{text}%")
    if len(text) < TRIGRAM_MIN:
        return scan
    phrase = fts_phrase(text)
    # A restricted incident's description is searched only for those cleared to read it.
    indexed = or_(
        _fts_ids(f"{{title place_name code place_names}} : {phrase}", common=common),
        and_(_fts_ids(f"description : {phrase}", common=common), restricted_visible(who)),
    )
    return by_dialect(scan, sqlite=indexed)


def _fts_ids(query: str, *, common: bool) -> ColumnElement[bool]:
    # For a common word (a fifth of the store may match), ``id + 0`` keeps SQLite from fetching
    # every match by rowid and sorting them all: walking the date index and testing each row
    # against the materialised matches fills a page in half the time. A rare word goes by rowid.
    column = Incident.id + 0 if common else Incident.id
    return column.in_(
        sql_text("SELECT rowid FROM fts_incidents WHERE fts_incidents MATCH :query")
        .bindparams(bindparam("query", query, unique=True))  # two searches may share a statement
        .columns(rowid=Integer)
    )


def list_incidents(
    session: Session,
    *,
    principal: Principal,
    filters: IncidentFilter | None = None,
    sort: str = "-date",
    limit: int = 50,
    offset: int = 0,
    count_limit: int | None = None,
) -> tuple[list[Incident], int]:
    """A page of the incidents ``principal`` may see matching ``filters``, and how many match.

    ``sort`` is a key of :data:`SORTABLE`, prefixed with ``-`` for descending order. With
    ``count_limit`` counting stops there: a total of ``count_limit + 1`` means "more than
    ``count_limit``" (a page never needs more). Project the rows with
    :func:`civharm.security.policy.show_incidents` before showing them.
    """
    f = filters or IncidentFilter()
    key = sort.lstrip("-")
    if key not in SORTABLE:
        raise ValidationError(f"cannot sort by {key!r}; choose one of {', '.join(SORTABLE)}")
    column = SORTABLE[key]
    if sort.startswith("-"):
        ordering = [column.desc().nulls_last(), Incident.id.desc()]
    else:
        ordering = [column.asc().nulls_last(), Incident.id.asc()]
    ids = filtered(select(Incident.id), f, principal)  # counting visits every match anyway
    if count_limit is not None:
        ids = ids.limit(count_limit + 1)
    total = session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    page = filtered(select(Incident), f, principal, common_text=common_text(session, f))
    rows = session.scalars(page.order_by(*ordering).limit(limit).offset(offset)).all()
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
    query = select(func.count(Report.id)).where(Report.incident_id == incident.id, report_scope(principal))
    return int(session.scalar(query) or 0)
