"""Incident tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civharm.db.base import Base, utcnow
from civharm.db.types import str_enum
from civharm.precision import DatePrecision, LocationPrecision
from civharm.vocabulary import (
    Cause,
    Determination,
    Grading,
    IncidentStatus,
    Sensitivity,
    Topic,
)

if TYPE_CHECKING:
    from civharm.casualties.models import Casualty, CasualtyCount
    from civharm.reports.models import Report


class Incident(Base):
    """What happened, once. Reports from many sources are grouped under one incident."""

    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint(
            "date_end IS NULL OR date_start IS NULL OR date_end >= date_start", name="date_order"
        ),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"
        ),
        Index("ix_incidents_date_start_id", "date_start", "id"),
        Index("ix_incidents_status", "status"),
        Index("ix_incidents_country_admin1", "country_iso3", "admin1"),
        # 0008_web: the web list's filters and sorts at 100,000 incidents
        Index("ix_incidents_admin1_date_start", "admin1", "date_start"),
        Index("ix_incidents_determination_date_start", "determination", "date_start"),
        Index("ix_incidents_grading_determination_date", "grading", "determination", "date_start"),
        Index("ix_incidents_killed_max_id", "killed_max", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human-readable, stable code such as ``CH-2026-000123``.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    #: Codes this incident carried before merges, oldest first.
    previous_codes: Mapped[list[str]] = mapped_column(default=list)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")

    date_start: Mapped[date | None]
    date_end: Mapped[date | None]
    date_precision: Mapped[DatePrecision] = mapped_column(
        str_enum(DatePrecision), default=DatePrecision.UNKNOWN
    )

    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    location_precision: Mapped[LocationPrecision] = mapped_column(
        str_enum(LocationPrecision), default=LocationPrecision.UNKNOWN
    )
    place_name: Mapped[str | None] = mapped_column(String(200))
    #: The place's names in several scripts: ``[{"name": "الميادين", "lang": "ar"}, ...]``.
    place_names: Mapped[list[dict[str, str]]] = mapped_column(default=list)
    admin1: Mapped[str | None] = mapped_column(String(200))
    admin2: Mapped[str | None] = mapped_column(String(200))
    country_iso3: Mapped[str | None] = mapped_column(String(3))

    harm_types: Mapped[list[str]] = mapped_column(default=list)
    cause: Mapped[Cause] = mapped_column(str_enum(Cause), default=Cause.UNKNOWN)

    status: Mapped[IncidentStatus] = mapped_column(str_enum(IncidentStatus), default=IncidentStatus.RECEIVED)
    grading: Mapped[Grading | None] = mapped_column(str_enum(Grading))
    determination: Mapped[Determination] = mapped_column(
        str_enum(Determination), default=Determination.NOT_YET_ASSESSED
    )

    #: The recorder's consolidated counts across reports (ranges).
    killed_min: Mapped[int | None]
    killed_max: Mapped[int | None]
    injured_min: Mapped[int | None]
    injured_max: Mapped[int | None]

    sensitivity: Mapped[Sensitivity] = mapped_column(str_enum(Sensitivity), default=Sensitivity.NORMAL)
    #: Partner organisations this incident is released to; empty means internal only.
    releasable_to: Mapped[list[str]] = mapped_column(default=list)
    #: Extra attributes owned by feature packages (e.g. topic-specific details).
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))
    #: Optimistic concurrency: every update increments it; a stale write is refused.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    topic_rows: Mapped[list[IncidentTopic]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", lazy="selectin"
    )
    reports: Mapped[list[Report]] = relationship(back_populates="incident")
    casualty_counts: Mapped[list[CasualtyCount]] = relationship(back_populates="incident")
    casualties: Mapped[list[Casualty]] = relationship(back_populates="incident")

    @property
    def topics(self) -> list[Topic]:
        return sorted((row.topic for row in self.topic_rows), key=list(Topic).index)

    def set_topics(self, topics: list[Topic] | set[Topic]) -> None:
        wanted = set(topics)
        self.topic_rows = [row for row in self.topic_rows if row.topic in wanted]
        have = {row.topic for row in self.topic_rows}
        self.topic_rows.extend(IncidentTopic(topic=t) for t in sorted(wanted - have))


class IncidentTopic(Base):
    """One human-security topic of an incident (an incident has one or more)."""

    __tablename__ = "incident_topics"
    __table_args__ = (Index("ix_incident_topics_topic", "topic", "incident_id"),)

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[Topic] = mapped_column(str_enum(Topic), primary_key=True)

    incident: Mapped[Incident] = relationship(back_populates="topic_rows")


class CodeSequence(Base):
    """The last number handed out per year for incident codes."""

    __tablename__ = "code_sequences"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
