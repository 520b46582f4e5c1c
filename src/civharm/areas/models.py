"""Area tables: areas, what was assigned to them, indicator values, scores and forecasts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from civharm.db.base import Base, utcnow


class Area(Base):
    """An administrative unit or a grid cell (PRIO-GRID or H3)."""

    __tablename__ = "areas"
    __table_args__ = (
        UniqueConstraint("kind", "code", name="uq_areas_kind_code"),
        Index("ix_areas_kind_level", "kind", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``admin``, ``priogrid`` or ``h3``.
    kind: Mapped[str] = mapped_column(String(16))
    #: The area's own code: a P-code for an admin unit, the gid of a PRIO-GRID cell, the H3 index.
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    #: Admin level (0 country, 1, 2, ...), the H3 resolution, or 0 for PRIO-GRID.
    level: Mapped[int] = mapped_column(default=0)
    parent_code: Mapped[str | None] = mapped_column(String(64))
    #: GeoJSON geometry (Polygon or MultiPolygon), longitude first.
    geometry: Mapped[dict[str, Any]] = mapped_column(default=dict)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    centroid_lat: Mapped[float] = mapped_column(Float)
    centroid_lon: Mapped[float] = mapped_column(Float)
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Where the area came from (a file name, ``grid``, ``demo``).
    source: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AreaAssignment(Base):
    """An incident or a report (a context event such as a UCDP or ACLED row) placed in an area."""

    __tablename__ = "area_assignments"
    __table_args__ = (
        CheckConstraint("(incident_id IS NULL) <> (report_id IS NULL)", name="one_record"),
        # NULLs never clash in a unique constraint, so each kind of record gets its own.
        UniqueConstraint("area_id", "incident_id", name="uq_area_assignments_incident"),
        UniqueConstraint("area_id", "report_id", name="uq_area_assignments_report"),
        Index("ix_area_assignments_incident_id", "incident_id"),
        Index("ix_area_assignments_report_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class IndicatorValue(Base):
    """One indicator's value for one area and year."""

    __tablename__ = "area_indicator_values"
    __table_args__ = (UniqueConstraint("area_id", "indicator", "year", name="uq_area_indicator_values_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(String(100))
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    #: Where the value came from; the demo writes ``synthetic (demo)``.
    source: Mapped[str] = mapped_column(String(200), default="")


class AreaScore(Base):
    """An area's score on one node of a framework, as last computed."""

    __tablename__ = "area_scores"
    __table_args__ = (
        UniqueConstraint("area_id", "framework", "node", name="uq_area_scores_key"),
        Index("ix_area_scores_framework_node", "framework", "node"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 10)", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    framework: Mapped[str] = mapped_column(String(100))
    node: Mapped[str] = mapped_column(String(100))
    score: Mapped[float | None] = mapped_column(Float)
    score_class: Mapped[str] = mapped_column(String(40), default="")
    missing_share: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class AreaForecast(Base):
    """A forecast of civilian deaths in an area for one month, by one model."""

    __tablename__ = "area_forecasts"
    __table_args__ = (
        UniqueConstraint("area_id", "run", "month", "horizon", "model", name="uq_area_forecasts_key"),
        Index("ix_area_forecasts_run_month", "run", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    #: A name for the forecast run, e.g. ``ucdp-2017-12``.
    run: Mapped[str] = mapped_column(String(100))
    #: The month forecast, ``YYYY-MM``.
    month: Mapped[str] = mapped_column(String(7))
    horizon: Mapped[int]
    model: Mapped[str] = mapped_column(String(40))
    predicted: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
