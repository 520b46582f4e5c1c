"""Pydantic schemas for reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civharm.precision import DatePrecision, LocationPrecision
from civharm.rules import check_when_where_how_many
from civharm.vocabulary import Cause, Reliability, Sensitivity, SourceType, Topic


class ReportSubmission(BaseModel):
    """What a person submits about a source (the intake form and ``POST /api/v1/reports``).

    Example: ``ReportSubmission(source_type="ngo", source_name="Field Protection Network")``.
    """

    source_type: SourceType
    source_name: str = Field(min_length=1, max_length=300)
    original_text: str = Field(default="", max_length=100_000)
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

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_when_where_how_many(self)
        return self


class ReportCreate(ReportSubmission):
    """What a source said, as an import or a service records it (with the source system's own key).

    Example: ``ReportCreate(source_type="media", source_name="Enab Baladi")``.
    """

    source_system: str | None = Field(default=None, max_length=40)
    source_key: str | None = Field(default=None, max_length=120)
    raw_record: dict[str, Any] = Field(default_factory=dict)


class ReportPublic(BaseModel):
    """A report as a reader sees it; fields a reader may not see are left empty by the policy."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    source_type: SourceType
    source_name: str
    reliability: Reliability
    original_text: str
    language: str | None
    translation: str | None
    url: str | None
    archive_ref: str | None
    material_date: date | None
    date_start: date | None
    date_end: date | None
    date_precision: DatePrecision
    date_precision_code: str | None
    latitude: float | None
    longitude: float | None
    location_precision: LocationPrecision
    location_precision_code: str | None
    place_name: str | None
    admin1: str | None
    country_iso3: str | None
    killed_min: int | None
    killed_max: int | None
    killed_best: int | None
    injured_min: int | None
    injured_max: int | None
    cause: Cause
    topics: list[str]
    sensitivity: Sensitivity
    source_system: str
    submitted_by: str | None
    created_at: datetime
