"""Report tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civharm.db.base import Base, utcnow
from civharm.db.types import str_enum
from civharm.precision import DatePrecision, LocationPrecision
from civharm.vocabulary import Cause, Reliability, Sensitivity, SourceType

if TYPE_CHECKING:
    from civharm.casualties.models import CasualtyCount
    from civharm.incidents.models import Incident


class Report(Base):
    """What one source said about harm: an article, a claim, a log entry, a dataset row."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("source_system", "source_key", name="uq_reports_source_system_key"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"
        ),
        CheckConstraint(
            "killed_min IS NULL OR killed_max IS NULL OR killed_min <= killed_max", name="killed_range"
        ),
        CheckConstraint(
            "injured_min IS NULL OR injured_max IS NULL OR injured_min <= injured_max", name="injured_range"
        ),
        Index("ix_reports_incident_id", "incident_id"),
        Index("ix_reports_date_start", "date_start"),
        Index("ix_reports_import_id", "import_id"),
        Index("ix_reports_source_type_incident_id", "source_type", "incident_id"),  # 0008_web
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Where the record came from as a system (``ucdp-ged``, ``acled``, ``intake``, ...).
    source_system: Mapped[str] = mapped_column(String(40))
    #: The source system's own identifier; with ``source_system`` it makes imports idempotent.
    source_key: Mapped[str] = mapped_column(String(120))
    source_type: Mapped[SourceType] = mapped_column(str_enum(SourceType))
    source_name: Mapped[str] = mapped_column(String(300))

    original_text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(16))
    translation: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    archive_ref: Mapped[str | None] = mapped_column(String(2000))
    #: The date the material itself carries (publication, statement, log entry).
    material_date: Mapped[date | None]

    date_start: Mapped[date | None]
    date_end: Mapped[date | None]
    date_precision: Mapped[DatePrecision] = mapped_column(
        str_enum(DatePrecision), default=DatePrecision.UNKNOWN
    )
    #: The source's own precision code, e.g. ``ucdp:date_prec=2``.
    date_precision_code: Mapped[str | None] = mapped_column(String(40))

    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    location_precision: Mapped[LocationPrecision] = mapped_column(
        str_enum(LocationPrecision), default=LocationPrecision.UNKNOWN
    )
    location_precision_code: Mapped[str | None] = mapped_column(String(40))
    place_name: Mapped[str | None] = mapped_column(String(300))
    admin1: Mapped[str | None] = mapped_column(String(200))
    admin2: Mapped[str | None] = mapped_column(String(200))
    country_iso3: Mapped[str | None] = mapped_column(String(3))

    killed_min: Mapped[int | None]
    killed_max: Mapped[int | None]
    #: A best estimate where the source gives one (UCDP ``best``).
    killed_best: Mapped[int | None]
    injured_min: Mapped[int | None]
    injured_max: Mapped[int | None]

    #: The SDG 16.1.2 cause the source points to, where it says.
    cause: Mapped[Cause] = mapped_column(str_enum(Cause), default=Cause.UNKNOWN)
    reliability: Mapped[Reliability] = mapped_column(str_enum(Reliability), default=Reliability.UNKNOWN)
    #: Topics the source suggests (the incident's topics are decided by the recorder).
    topics: Mapped[list[str]] = mapped_column(default=list)
    #: The record exactly as the source gave it (every column of a CSV row, for example).
    raw_record: Mapped[dict[str, Any]] = mapped_column(default=dict)

    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))

    sensitivity: Mapped[Sensitivity] = mapped_column(str_enum(Sensitivity), default=Sensitivity.NORMAL)
    releasable_to: Mapped[list[str]] = mapped_column(default=list)
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    incident: Mapped[Incident | None] = relationship(back_populates="reports")
    casualty_counts: Mapped[list[CasualtyCount]] = relationship(back_populates="report")


class ImportRun(Base):
    """One import of one file; written in the same transaction as its reports."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_system: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    rows_read: Mapped[int] = mapped_column(default=0)
    rows_inserted: Mapped[int] = mapped_column(default=0)
    rows_unchanged: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)
    #: Row-level warnings (first 1,000), e.g. UCDP rows where low <= best <= high fails.
    warnings: Mapped[list[str]] = mapped_column(default=list)
    warning_count: Mapped[int] = mapped_column(default=0)
