"""Tables of the lessons register: observation -> lesson identified -> action -> lesson learned."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civharm.db.base import Base, PortableJSON, utcnow
from civharm.db.types import str_enum
from civharm.incidents.models import Incident
from civharm.vocabulary import Sensitivity


class LessonStage(StrEnum):
    """Where a lesson stands in the NATO lessons-learned cycle."""

    OBSERVATION = "observation"
    IDENTIFIED = "identified"  # a lesson identified: what should change, and why
    ACTION = "action"  # remedial actions are assigned and under way
    LEARNED = "learned"  # the change is made and shown to work
    CLOSED = "closed"  # rejected or overtaken; kept for the record


class ChangeArea(StrEnum):
    """DOTMLPF-P: the area of capability a remedial action changes."""

    DOCTRINE = "doctrine"
    ORGANISATION = "organisation"
    TRAINING = "training"
    MATERIEL = "materiel"
    LEADERSHIP = "leadership"
    PERSONNEL = "personnel"
    FACILITIES = "facilities"
    POLICY = "policy"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


lesson_incidents = Table(
    "lesson_incidents",
    Base.metadata,
    Column("lesson_id", ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
)


class Lesson(Base):
    """One entry of the register, with the incidents and harm patterns that support it."""

    __tablename__ = "lessons"
    __table_args__ = (Index("ix_lessons_stage", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human-readable code such as ``LL-2026-0007``.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    observation: Mapped[str] = mapped_column(Text)
    lesson_identified: Mapped[str] = mapped_column(Text, default="")
    lesson_learned: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[LessonStage] = mapped_column(str_enum(LessonStage), default=LessonStage.OBSERVATION)
    topics: Mapped[list[str]] = mapped_column(default=list)
    #: Harm patterns behind the lesson, as ``{"dimension": ..., "value": ..., "period": ...}``.
    patterns: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    sensitivity: Mapped[Sensitivity] = mapped_column(str_enum(Sensitivity), default=Sensitivity.NORMAL)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    incidents: Mapped[list[Incident]] = relationship(secondary=lesson_incidents, lazy="selectin")
    actions: Mapped[list[LessonAction]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", lazy="selectin", order_by="LessonAction.id"
    )


class LessonAction(Base):
    """A remedial action: who does what by when, in which DOTMLPF-P area."""

    __tablename__ = "lesson_actions"
    __table_args__ = (Index("ix_lesson_actions_due", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date | None]
    area: Mapped[ChangeArea] = mapped_column(str_enum(ChangeArea))
    status: Mapped[ActionStatus] = mapped_column(str_enum(ActionStatus), default=ActionStatus.OPEN)
    #: What shows the action was done (an order, a revised SOP, a course record).
    evidence: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lesson: Mapped[Lesson] = relationship(back_populates="actions")
