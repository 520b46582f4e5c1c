"""Tables for what each human-security topic needs recorded beyond the common incident fields."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civharm.db.base import Base, PortableJSON, utcnow
from civharm.db.types import str_enum
from civharm.vocabulary import Cause, GraveViolation


class ChildAgeBand(StrEnum):
    """Age bands for children when the exact age is not known (UN MRM practice)."""

    UNDER_5 = "0-4"
    FROM_5 = "5-9"
    FROM_10 = "10-14"
    FROM_15 = "15-17"
    UNKNOWN = "unknown"


class PropertyType(StrEnum):
    """1954 Hague Convention, article 1: movable or immovable cultural property."""

    MOVABLE = "movable"
    IMMOVABLE = "immovable"


class ProtectionStatus(StrEnum):
    """The protection a cultural property enjoys."""

    GENERAL = "general_protection"  # every cultural property under the 1954 Convention
    SPECIAL = "special_protection"  # 1954 Convention, chapter II register
    ENHANCED = "enhanced_protection"  # 1999 Second Protocol list
    WORLD_HERITAGE = "world_heritage"
    NATIONAL_INVENTORY = "national_inventory"
    UNKNOWN = "unknown"


class DamageLevel(StrEnum):
    NONE = "none"
    MINOR = "minor"
    PARTIAL = "partial"
    SEVERE = "severe"
    DESTROYED = "destroyed"
    UNKNOWN = "unknown"


class CivilianObject(StrEnum):
    """Objects civilians depend on (REFERENCE §1), plus homes and anything else."""

    HOSPITAL_CLINIC = "hospital_clinic"
    SCHOOL = "school"
    WATER_SANITATION = "water_sanitation"
    POWER = "power"
    FOOD_STORE_MARKET = "food_store_market"
    PLACE_OF_WORSHIP = "place_of_worship"
    CULTURAL_SITE = "cultural_site"
    HOMES = "homes"
    OTHER = "other"


class GraveViolationRecord(Base):
    """One of the six grave violations against children in an incident, with the children's ages."""

    __tablename__ = "grave_violations"
    __table_args__ = (Index("ix_grave_violations_incident_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    violation: Mapped[GraveViolation] = mapped_column(str_enum(GraveViolation))
    #: One entry per child: ``{"sex": "woman", "age": 12}`` or ``{"sex": "man", "age_band": "10-14"}``.
    children: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    perpetrator: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("grave_violations.id"))


class CulturalPropertyRecord(Base):
    """Cultural property harmed in an incident: what it is, how it is protected, damage or looting."""

    __tablename__ = "cultural_property_harm"
    __table_args__ = (Index("ix_cultural_property_harm_incident_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    site_name: Mapped[str] = mapped_column(String(300))
    property_type: Mapped[PropertyType] = mapped_column(str_enum(PropertyType))
    protection: Mapped[ProtectionStatus] = mapped_column(str_enum(ProtectionStatus))
    #: Whether the Blue Shield emblem marked the site (null: not known).
    blue_shield_marked: Mapped[bool | None]
    damage: Mapped[DamageLevel] = mapped_column(str_enum(DamageLevel))
    looted: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("cultural_property_harm.id"))


class PocRecord(Base):
    """Protection of civilians: the cause category and the civilian objects affected."""

    __tablename__ = "poc_harm"
    __table_args__ = (Index("ix_poc_harm_incident_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    cause: Mapped[Cause] = mapped_column(str_enum(Cause))
    #: Values of :class:`CivilianObject`; empty means no civilian object was affected.
    civilian_objects: Mapped[list[str]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("poc_harm.id"))
