"""Tables for the two judgements kept apart: the recorder's grading and the force's determination."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civharm.db.base import Base, utcnow
from civharm.db.types import str_enum
from civharm.vocabulary import Determination, Grading


class GradingRecord(Base):
    """The recorder's grading (Airwars scale) with its reasons; a newer grading supersedes it."""

    __tablename__ = "gradings"
    __table_args__ = (Index("ix_gradings_incident_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    grading: Mapped[Grading] = mapped_column(str_enum(Grading))
    reasons: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("gradings.id"))


class DeterminationState(StrEnum):
    """Where a determination stands under the two-person rule."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    #: An approved determination replaced by a later approved one.
    SUPERSEDED = "superseded"


class DeterminationRecord(Base):
    """The force's determination: proposed by one person, approved by a different one."""

    __tablename__ = "determinations"
    __table_args__ = (
        Index("ix_determinations_incident_id", "incident_id"),
        CheckConstraint("deaths_min IS NULL OR deaths_min <= deaths_max", name="deaths_range"),
        CheckConstraint("injuries_min IS NULL OR injuries_min <= injuries_max", name="injuries_range"),
        CheckConstraint("decided_by IS NULL OR decided_by <> proposed_by", name="two_person_rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    determination: Mapped[Determination] = mapped_column(str_enum(Determination))
    #: The "more likely than not" test: true, false, or null when it could not be applied.
    more_likely_than_not: Mapped[bool | None]
    reasons: Mapped[str] = mapped_column(Text)
    #: Conceded ranges of civilian deaths and injuries (credible determinations only).
    deaths_min: Mapped[int | None]
    deaths_max: Mapped[int | None]
    injuries_min: Mapped[int | None]
    injuries_max: Mapped[int | None]
    #: The incident this one duplicates (``duplicate`` determinations only).
    duplicate_of: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[DeterminationState] = mapped_column(
        str_enum(DeterminationState), default=DeterminationState.PROPOSED
    )
    proposed_by: Mapped[str] = mapped_column(String(120))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]
    #: The approver's note, or the reason a proposal was rejected.
    decision_note: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("determinations.id"))
