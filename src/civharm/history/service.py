"""Append events to an incident's history and read them back as a timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.db.base import as_utc, utcnow
from civharm.errors import ConflictError, NotFoundError, ValidationError
from civharm.history.models import EventKind, IncidentEvent
from civharm.history.schemas import TimelineEntry
from civharm.incidents.models import Incident
from civharm.incidents.service import get_incident, update_incident
from civharm.vocabulary import IncidentStatus


def record_event(
    session: Session,
    *,
    incident: Incident,
    actor: str,
    kind: EventKind,
    summary: str,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
    supersedes: IncidentEvent | None = None,
    to_status: IncidentStatus | None = None,
) -> IncidentEvent:
    """Append one event; ``at`` back-dates when it happened (``recorded_at`` is always now)."""
    if not actor.strip():
        raise ValidationError("every change needs the username of whoever makes it")
    entry = IncidentEvent(
        incident_id=incident.id,
        kind=kind,
        actor=actor,
        occurred_at=at or utcnow(),
        recorded_at=utcnow(),
        summary=summary,
        reason=reason,
        data=data or {},
        supersedes_id=supersedes.id if supersedes else None,
        to_status=to_status,
        incident_version=incident.version,
    )
    session.add(entry)
    session.flush()
    return entry


def events_of(
    session: Session, *, incident_id: int, kinds: tuple[EventKind, ...] = ()
) -> list[IncidentEvent]:
    """The incident's events in the order they were written."""
    query = select(IncidentEvent).where(IncidentEvent.incident_id == incident_id)
    if kinds:
        query = query.where(IncidentEvent.kind.in_(kinds))
    return list(session.scalars(query.order_by(IncidentEvent.id)))


def timeline(session: Session, *, code: str) -> list[TimelineEntry]:
    """Everything that happened to an incident, oldest first, corrected entries included and marked.

    Incidents created before the lifecycle existed (or by a bulk import) get a first
    ``received`` line built from the incident row itself, so no timeline starts mid-way.
    """
    incident = get_incident(session, code=code)
    rows = events_of(session, incident_id=incident.id)
    superseded_by = {row.supersedes_id: row.id for row in rows if row.supersedes_id is not None}
    entries = [
        TimelineEntry(
            event_id=row.id,
            occurred_at=as_utc(row.occurred_at),
            recorded_at=as_utc(row.recorded_at),
            actor=row.actor,
            kind=row.kind,
            summary=row.summary,
            reason=row.reason,
            data=row.data,
            supersedes=row.supersedes_id,
            superseded_by=superseded_by.get(row.id),
        )
        for row in rows
    ]
    if not any(e.kind == EventKind.RECEIVED for e in entries):
        entries.insert(
            0,
            TimelineEntry(
                event_id=None,
                occurred_at=as_utc(incident.created_at),
                recorded_at=as_utc(incident.created_at),
                actor=incident.created_by or "unknown",
                kind=EventKind.RECEIVED,
                summary=f"{incident.code} received",
            ),
        )
    entries.sort(key=lambda e: (e.occurred_at, e.event_id or 0))
    return entries


def correct_event(
    session: Session, *, code: str, event_id: int, actor: str, summary: str, reason: str
) -> IncidentEvent:
    """Correct a mistaken entry by appending one that supersedes it; the original stays readable."""
    incident = get_incident(session, code=code)
    original = session.get(IncidentEvent, event_id)
    if original is None or original.incident_id != incident.id:
        raise NotFoundError(f"{code} has no history entry {event_id}")
    if not reason.strip():
        raise ValidationError("a correction needs a reason")
    return record_event(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.CORRECTION,
        summary=summary,
        reason=reason,
        supersedes=original,
    )


def edit_incident(
    session: Session,
    *,
    code: str,
    expected_version: int,
    changes: dict[str, Any],
    actor: str,
    reason: str | None = None,
) -> Incident:
    """``update_incident`` plus a history entry with each field's value before and after."""
    before = get_incident(session, code=code)
    old = {n: _plain(before.topics if n == "topics" else getattr(before, n, None)) for n in changes}
    incident = update_incident(session, code=code, expected_version=expected_version, changes=changes)
    diff = {name: {"from": old[name], "to": _plain(value)} for name, value in changes.items()}
    record_event(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.INCIDENT_EDITED,
        summary=f"changed {', '.join(sorted(changes))}",
        reason=reason,
        data={"changes": diff},
    )
    return incident


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a column value for the history."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def open_for_change(
    session: Session, *, code: str, expected_version: int | None = None, allow_closed: bool = False
) -> Incident:
    """The incident about to be changed; ConflictError when the caller's copy is stale.

    A closed case is read-only until it is re-opened with the new information.

    ``expected_version`` is the version the user read before deciding; without it the
    database still refuses a write that races another one (``UPDATE ... WHERE version = ?``).
    """
    incident = get_incident(session, code=code)
    if expected_version is not None and incident.version != expected_version:
        raise ConflictError(
            f"{code} was changed by someone else (now version {incident.version}, you edited version "
            f"{expected_version}); reload it and apply your change again"
        )
    if incident.status == IncidentStatus.CLOSED and not allow_closed:
        raise ValidationError(f"{code} is closed; re-open it with the new information before changing it")
    return incident


def record_change(
    session: Session,
    *,
    incident: Incident,
    actor: str,
    kind: EventKind,
    summary: str,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    at: datetime | None = None,
    to_status: IncidentStatus | None = None,
) -> IncidentEvent:
    """Apply ``changes`` to the incident, move its version on, and append the event saying why.

    Every lifecycle operation ends here, so no change escapes the history and two people
    changing the same case cannot both succeed from the same version.
    """
    # No autoflush: pending edits of this operation (e.g. to ``details``) go out in the same
    # versioned UPDATE instead of moving the version on before the check.
    with session.no_autoflush:
        update_incident(session, code=incident.code, expected_version=incident.version, changes=changes or {})
    return record_event(
        session,
        incident=incident,
        actor=actor,
        kind=kind,
        summary=summary,
        reason=reason,
        data=data,
        at=at,
        to_status=to_status,
    )
