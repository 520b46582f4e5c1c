"""Linkage tables: trained model parameters, the log of link/merge/split decisions, own-force activity."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civharm.db.base import Base, utcnow
from civharm.db.types import str_enum
from civharm.vocabulary import Sensitivity


class LinkageModelRecord(Base):
    """One set of estimated parameters; the newest active one is used."""

    __tablename__ = "linkage_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    trained_on: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))


class LinkageDecision(Base):
    """Who or what linked, merged or split which reports and incidents, why, and how to undo it."""

    __tablename__ = "linkage_decisions"
    __table_args__ = (Index("ix_linkage_decisions_incident_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``link`` (reports grouped by the engine), ``merge``, ``split`` or ``undo``.
    kind: Mapped[str] = mapped_column(String(16))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    incident_code: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    #: ``engine`` when the linkage engine decided, ``person`` when a user did.
    decided_by: Mapped[str] = mapped_column(String(16), default="person")
    reason: Mapped[str] = mapped_column(Text, default="")
    #: What was there before: report → incident, retired incidents' rows, codes.
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: The evidence: for engine links, each merge's comparisons and weights.
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]
    undone_by: Mapped[str | None] = mapped_column(String(120))


class OwnForceActivity(Base):
    """One entry of the force's own activity log (a strike, a patrol, artillery fire). Restricted."""

    __tablename__ = "own_force_activities"
    __table_args__ = (Index("ix_own_force_activities_start", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[str] = mapped_column(String(120), unique=True)
    start: Mapped[datetime]
    end: Mapped[datetime]
    latitude: Mapped[float]
    longitude: Mapped[float]
    radius_km: Mapped[float]
    activity_type: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(120))
    #: Own-force activity is sensitive by default: who did what, where and when.
    sensitivity: Mapped[Sensitivity] = mapped_column(str_enum(Sensitivity), default=Sensitivity.RESTRICTED)
    source_file: Mapped[str | None] = mapped_column(String(500))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str | None] = mapped_column(String(120))
