"""Casualty tables: disaggregated counts and individual records."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civharm.db.base import Base, utcnow
from civharm.db.types import str_enum
from civharm.security.encrypted import EncryptedJSON, EncryptedText
from civharm.vocabulary import AgeGroup, Outcome, PersonStatus, Sex

if TYPE_CHECKING:
    from civharm.incidents.models import Incident
    from civharm.reports.models import Report


class CasualtyCount(Base):
    """A range of people killed or injured in one SDG 16.1.2 category.

    Belongs to a report (what the source said) or to an incident (the recorder's consolidated
    figure), never both.
    """

    __tablename__ = "casualty_counts"
    __table_args__ = (
        CheckConstraint("(incident_id IS NULL) <> (report_id IS NULL)", name="one_owner"),
        CheckConstraint("count_min >= 0 AND count_min <= count_max", name="range"),
        Index("ix_casualty_counts_incident_id", "incident_id"),
        Index("ix_casualty_counts_report_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome))
    sex: Mapped[Sex] = mapped_column(str_enum(Sex), default=Sex.UNKNOWN)
    age_group: Mapped[AgeGroup] = mapped_column(str_enum(AgeGroup), default=AgeGroup.UNKNOWN)
    status: Mapped[PersonStatus] = mapped_column(str_enum(PersonStatus), default=PersonStatus.UNKNOWN)
    count_min: Mapped[int]
    count_max: Mapped[int]

    incident: Mapped[Incident | None] = relationship(back_populates="casualty_counts")
    report: Mapped[Report | None] = relationship(back_populates="casualty_counts")


casualty_sources = Table(
    "casualty_sources",
    Base.metadata,
    Column("casualty_id", ForeignKey("casualties.id", ondelete="CASCADE"), primary_key=True),
    Column("report_id", ForeignKey("reports.id"), primary_key=True),
)


class Casualty(Base):
    """One person killed or injured, recorded once however many reports mention them.

    Restricted by default: names are shown only to users cleared for the record; everyone
    else sees the pseudonym.
    """

    __tablename__ = "casualties"
    __table_args__ = (
        CheckConstraint("age IS NULL OR (age >= 0 AND age <= 130)", name="age_range"),
        Index("ix_casualties_incident_id", "incident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    pseudonym: Mapped[str] = mapped_column(String(64))
    #: Names in one or more scripts: ``[{"name": "...", "script": "Arab"}]``. Encrypted at rest,
    #: like the other personal fields below (family group, notes, consent).
    names: Mapped[list[dict[str, str]]] = mapped_column(EncryptedJSON("casualties.names"), default=list)
    sex: Mapped[Sex] = mapped_column(str_enum(Sex), default=Sex.UNKNOWN)
    age: Mapped[int | None]
    age_group: Mapped[AgeGroup] = mapped_column(str_enum(AgeGroup), default=AgeGroup.UNKNOWN)
    status: Mapped[PersonStatus] = mapped_column(str_enum(PersonStatus), default=PersonStatus.UNKNOWN)
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome))
    family_group: Mapped[str | None] = mapped_column(EncryptedText("casualties.family_group"))
    date_of_harm: Mapped[date | None]
    place: Mapped[str | None] = mapped_column(String(300))
    #: How confident the recorder is that this person was harmed in this incident.
    confidence: Mapped[str] = mapped_column(String(16), default="medium")
    notes: Mapped[str] = mapped_column(EncryptedText("casualties.notes"), default="")
    restricted: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Consent and its scope, for survivors who gave information themselves
    #: (see :class:`civharm.security.schemas.Consent`).
    consent: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("casualties.consent"), default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    incident: Mapped[Incident | None] = relationship(back_populates="casualties")
    sources: Mapped[list[Report]] = relationship(secondary=casualty_sources)
