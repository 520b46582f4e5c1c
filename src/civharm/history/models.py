"""The append-only event table behind every incident's timeline."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from civharm.db.base import Base, utcnow
from civharm.db.types import str_enum
from civharm.errors import ValidationError
from civharm.vocabulary import IncidentStatus


class EventKind(StrEnum):
    """What kind of change an event records."""

    RECEIVED = "received"
    STATUS_CHANGED = "status_changed"
    REPORTS_LINKED = "reports_linked"
    MARKED_DUPLICATE = "marked_duplicate"
    MATCH_RECORDED = "match_recorded"
    GRADING_RECORDED = "grading_recorded"
    DETERMINATION_PROPOSED = "determination_proposed"
    DETERMINATION_APPROVED = "determination_approved"
    DETERMINATION_REJECTED = "determination_rejected"
    INVESTIGATION_OPENED = "investigation_opened"
    FINDINGS_RECORDED = "findings_recorded"
    RESPONSE_PROPOSED = "response_proposed"
    RESPONSE_UPDATED = "response_updated"
    LESSON_RECORDED = "lesson_recorded"
    TOPIC_DETAILS_RECORDED = "topic_details_recorded"
    SURVIVOR_INTAKE = "survivor_intake"
    SURVIVOR_INTERVIEW = "survivor_interview"
    RESTRICTED_READ = "restricted_read"
    INCIDENT_EDITED = "incident_edited"
    CORRECTION = "correction"


class IncidentEvent(Base):
    """One change to an incident. Rows are never updated or deleted (the database refuses it);
    a mistaken entry is corrected by a later event that supersedes it."""

    __tablename__ = "incident_events"
    __table_args__ = (
        Index("ix_incident_events_incident_id_id", "incident_id", "id"),
        Index("ix_incident_events_to_status", "to_status", "incident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    #: Who made the change (a username).
    actor: Mapped[str] = mapped_column(String(120))
    #: When it happened; earlier than ``recorded_at`` when a paper file is back-filled.
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was written into civharm; always the real time.
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: What changed, in one line a person can read.
    summary: Mapped[str] = mapped_column(Text)
    #: Why, in the actor's words.
    reason: Mapped[str | None] = mapped_column(Text)
    #: Machine-readable details: states, ids, values before and after.
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: The earlier event this one corrects or replaces.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("incident_events.id"))
    #: The state the incident moved to, for lifecycle moves (null for other changes).
    to_status: Mapped[IncidentStatus | None] = mapped_column(str_enum(IncidentStatus))
    #: The incident's version after the change (ties the event to the optimistic-lock counter).
    incident_version: Mapped[int | None]


@event.listens_for(Session, "before_flush")
def _refuse_history_rewrites(session: Session, _context: Any, _instances: Any) -> None:
    """History is append-only: catch edits in the program before the database trigger does."""
    for obj in session.dirty:
        if isinstance(obj, IncidentEvent) and session.is_modified(obj):
            raise ValidationError("history entries cannot be changed; record a correction instead")
    for obj in session.deleted:
        if isinstance(obj, IncidentEvent):
            raise ValidationError("history entries cannot be deleted; record a correction instead")
