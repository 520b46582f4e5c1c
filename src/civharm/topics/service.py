"""Record the topic-specific facts of an incident; each new record supersedes the one it replaces."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civharm.errors import ValidationError
from civharm.history.models import EventKind
from civharm.history.service import open_for_change, record_change
from civharm.incidents.models import Incident
from civharm.topics.models import CulturalPropertyRecord, GraveViolationRecord, PocRecord
from civharm.topics.schemas import CulturalPropertyCreate, GraveViolationCreate, PocCreate
from civharm.vocabulary import Topic


def _require_topic(incident: Incident, topic: Topic) -> None:
    if topic not in incident.topics:
        raise ValidationError(f"{incident.code} is not tagged {topic.value}; add that topic first")


def record_grave_violation(
    session: Session,
    *,
    code: str,
    data: GraveViolationCreate,
    actor: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> GraveViolationRecord:
    """Record one grave violation against children; a new record of the same violation supersedes the old."""
    incident = open_for_change(session, code=code, expected_version=expected_version)
    _require_topic(incident, Topic.CAAC)
    record = GraveViolationRecord(
        incident_id=incident.id,
        violation=data.violation,
        children=[c.model_dump(mode="json", exclude_none=True) for c in data.children],
        perpetrator=data.perpetrator,
        notes=data.notes,
        recorded_by=actor,
    )
    same = GraveViolationRecord.violation == data.violation
    earlier = _current(session, GraveViolationRecord, incident.id, same)
    _add_superseding(session, record, earlier)
    current = current_grave_violations(session, incident_id=incident.id)
    violations = sorted({r.violation.value for r in current})
    incident.details = {**incident.details, "grave_violations": violations}
    ages = ", ".join(str(c.age) if c.age is not None else f"band {c.age_band}" for c in data.children)
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.TOPIC_DETAILS_RECORDED,
        summary=f"grave violation recorded: {data.violation.value}"
        + (f" ({len(data.children)} child(ren): {ages})" if data.children else ""),
        data={"topic": "caac", "record_id": record.id, "supersedes": earlier[0].id if earlier else None},
        at=at,
    )
    return record


def record_cultural_property(
    session: Session,
    *,
    code: str,
    data: CulturalPropertyCreate,
    actor: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> CulturalPropertyRecord:
    """Record the cultural property harmed; a new record for the same site supersedes the old."""
    incident = open_for_change(session, code=code, expected_version=expected_version)
    _require_topic(incident, Topic.CPP)
    record = CulturalPropertyRecord(incident_id=incident.id, recorded_by=actor, **data.model_dump())
    earlier = _current(
        session,
        CulturalPropertyRecord,
        incident.id,
        func.lower(CulturalPropertyRecord.site_name) == data.site_name.lower(),
    )
    _add_superseding(session, record, earlier)
    incident.details = {
        **incident.details,
        "cultural_property": {
            "site": data.site_name,
            "type": data.property_type.value,
            "protection": data.protection.value,
            "damage": data.damage.value,
            "looted": data.looted,
        },
    }
    harm = f"damage {data.damage.value}" + (", looted" if data.looted else "")
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.TOPIC_DETAILS_RECORDED,
        summary=f"cultural property recorded: {data.site_name} ({data.property_type.value}, "
        f"{data.protection.value}; {harm})",
        data={"topic": "cpp", "record_id": record.id, "supersedes": earlier[0].id if earlier else None},
        at=at,
    )
    return record


def record_poc(
    session: Session,
    *,
    code: str,
    data: PocCreate,
    actor: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> PocRecord:
    """Record the cause category and civilian objects affected; the incident's cause follows it."""
    incident = open_for_change(session, code=code, expected_version=expected_version)
    _require_topic(incident, Topic.POC)
    record = PocRecord(
        incident_id=incident.id,
        cause=data.cause,
        civilian_objects=[o.value for o in data.civilian_objects],
        description=data.description,
        recorded_by=actor,
    )
    earlier = _current(session, PocRecord, incident.id)
    _add_superseding(session, record, earlier)
    objects = ", ".join(record.civilian_objects) or "none"
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.TOPIC_DETAILS_RECORDED,
        summary=f"protection of civilians: cause {data.cause.value}; civilian objects affected: {objects}",
        data={"topic": "poc", "record_id": record.id, "cause_before": incident.cause.value},
        changes={"cause": data.cause},
        at=at,
    )
    return record


def _current(session: Session, model: Any, incident_id: int, *where: Any) -> list[Any]:
    query = select(model).where(model.incident_id == incident_id, model.superseded_by_id.is_(None), *where)
    return list(session.scalars(query.order_by(model.id)))


def _add_superseding(session: Session, record: Any, earlier: list[Any]) -> None:
    session.add(record)
    session.flush()
    for old in earlier:
        old.superseded_by_id = record.id
    session.flush()


def current_grave_violations(session: Session, *, incident_id: int) -> list[GraveViolationRecord]:
    return _current(session, GraveViolationRecord, incident_id)


def current_cultural_property(session: Session, *, incident_id: int) -> list[CulturalPropertyRecord]:
    return _current(session, CulturalPropertyRecord, incident_id)


def current_poc(session: Session, *, incident_id: int) -> PocRecord | None:
    rows = _current(session, PocRecord, incident_id)
    return rows[-1] if rows else None
