"""Survivor records and the interviews held with them. Identities are restricted by default."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civharm.db.base import Base, PortableJSON, utcnow
from civharm.db.types import str_enum
from civharm.vocabulary import AgeGroup, Sex, Topic


class ConsentScope(StrEnum):
    """What a survivor agreed to (Murad Code: consent is specific and can be withdrawn)."""

    RECORD = "record"  # keep a record of what they said, including who they are
    REFER = "refer_to_services"  # pass what is needed to the services they choose
    ASSESSMENT = "use_in_assessment"  # use their account in the force's assessment
    STATISTICS = "anonymised_statistics"
    PARTNERS = "share_with_partners"  # still never their identity unless a partner is named
    CONTACT = "contact_again"


class InformationItem(StrEnum):
    """Kinds of information gathered from a survivor, so nobody asks for them twice."""

    ACCOUNT = "account_of_events"
    DATE_PLACE = "date_and_place"
    PERPETRATOR = "perpetrator_description"
    MEDICAL_NEEDS = "medical_needs"
    PSYCHOSOCIAL_NEEDS = "psychosocial_needs"
    SAFETY_NEEDS = "safety_needs"
    LEGAL_WISHES = "legal_wishes"
    IDENTITY = "identity"
    CONTACT_DETAILS = "contact_details"
    RECRUITMENT_ROUTE = "recruitment_and_route"
    EXPLOITATION = "exploitation"
    DOCUMENTS_DEBTS = "documents_and_debts"


class Survivor(Base):
    """A survivor of conflict-related sexual violence or trafficking, known by a pseudonym."""

    __tablename__ = "survivors"
    __table_args__ = (Index("ix_survivors_incident_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    #: Pseudonym such as ``CH-2026-000123-S01``; the only name shown outside the restricted view.
    reference: Mapped[str] = mapped_column(String(48), unique=True)
    topic: Mapped[Topic] = mapped_column(str_enum(Topic))
    casualty_id: Mapped[int | None] = mapped_column(ForeignKey("casualties.id"))
    sex: Mapped[Sex] = mapped_column(str_enum(Sex), default=Sex.UNKNOWN)
    age_group: Mapped[AgeGroup] = mapped_column(str_enum(AgeGroup), default=AgeGroup.UNKNOWN)
    consent_given: Mapped[bool]
    #: Values of :class:`ConsentScope`.
    consent_scope: Mapped[list[str]] = mapped_column(default=list)
    consent_recorded_by: Mapped[str] = mapped_column(String(120))
    consent_recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Names and contact details; only with consent to recording, never shown by default.
    identity: Mapped[dict[str, Any]] = mapped_column(default=dict)
    restricted: Mapped[bool] = mapped_column(default=True)
    intake_by: Mapped[str] = mapped_column(String(120))
    intake_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurvivorInterview(Base):
    """One conversation with a survivor and the kinds of information it gathered."""

    __tablename__ = "survivor_interviews"
    __table_args__ = (Index("ix_survivor_interviews_survivor_id", "survivor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivors.id"))
    interviewer: Mapped[str] = mapped_column(String(120))
    interviewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Values of :class:`InformationItem`.
    collected: Mapped[list[str]] = mapped_column(PortableJSON, default=list)
    #: Why this conversation was needed when an earlier one exists.
    justification: Mapped[str | None] = mapped_column(Text)
