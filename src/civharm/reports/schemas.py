"""Pydantic schemas for reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field, model_validator

from civharm.precision import DatePrecision, LocationPrecision
from civharm.rules import check_when_where_how_many
from civharm.vocabulary import Cause, Reliability, Sensitivity, SourceType, Topic


class ReportCreate(BaseModel):
    """What a source said. Example: ``ReportCreate(source_type="media", source_name="Enab Baladi")``."""

    source_type: SourceType
    source_name: str = Field(min_length=1, max_length=300)
    source_system: str | None = Field(default=None, max_length=40)
    source_key: str | None = Field(default=None, max_length=120)
    original_text: str = ""
    language: str | None = Field(default=None, max_length=16)
    translation: str | None = None
    url: str | None = Field(default=None, max_length=2000)
    archive_ref: str | None = Field(default=None, max_length=2000)
    material_date: date | None = None
    date_start: date | None = None
    date_end: date | None = None
    date_precision: DatePrecision = DatePrecision.UNKNOWN
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    location_precision: LocationPrecision = LocationPrecision.UNKNOWN
    place_name: str | None = Field(default=None, max_length=300)
    admin1: str | None = Field(default=None, max_length=200)
    admin2: str | None = Field(default=None, max_length=200)
    country_iso3: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    killed_min: int | None = Field(default=None, ge=0)
    killed_max: int | None = Field(default=None, ge=0)
    injured_min: int | None = Field(default=None, ge=0)
    injured_max: int | None = Field(default=None, ge=0)
    cause: Cause = Cause.UNKNOWN
    reliability: Reliability = Reliability.UNKNOWN
    topics: list[Topic] = Field(default_factory=list)
    sensitivity: Sensitivity = Sensitivity.NORMAL
    releasable_to: list[str] = Field(default_factory=list)
    raw_record: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> ReportCreate:
        check_when_where_how_many(self)
        return self
