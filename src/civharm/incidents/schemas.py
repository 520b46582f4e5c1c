"""Pydantic schemas: what callers send to create or change an incident, and what they get back."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civharm.precision import DatePrecision, LocationPrecision
from civharm.rules import check_when_where_how_many
from civharm.vocabulary import Cause, Determination, Grading, HarmType, IncidentStatus, Sensitivity, Topic


class PlaceName(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    lang: str | None = Field(default=None, max_length=16, description="BCP 47 language tag, e.g. ar, en")


class IncidentCreate(BaseModel):
    """A new incident. Example: ``IncidentCreate(title="Airstrike on market", topics=["poc"])``."""

    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    topics: list[Topic] = Field(min_length=1)
    date_start: date | None = None
    date_end: date | None = None
    date_precision: DatePrecision = DatePrecision.UNKNOWN
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    location_precision: LocationPrecision = LocationPrecision.UNKNOWN
    place_name: str | None = Field(default=None, max_length=200)
    place_names: list[PlaceName] = Field(default_factory=list)
    admin1: str | None = None
    admin2: str | None = None
    country_iso3: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    harm_types: list[HarmType] = Field(default_factory=list)
    cause: Cause = Cause.UNKNOWN
    killed_min: int | None = Field(default=None, ge=0)
    killed_max: int | None = Field(default=None, ge=0)
    injured_min: int | None = Field(default=None, ge=0)
    injured_max: int | None = Field(default=None, ge=0)
    sensitivity: Sensitivity = Sensitivity.NORMAL
    releasable_to: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> IncidentCreate:
        check_when_where_how_many(self)
        return self


class IncidentSummary(BaseModel):
    """An incident as a list shows it."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    title: str
    status: IncidentStatus
    topics: list[Topic]
    date_start: date | None
    date_end: date | None
    date_precision: DatePrecision
    place_name: str | None
    admin1: str | None
    country_iso3: str | None
    latitude: float | None
    longitude: float | None
    grading: Grading | None
    determination: Determination
    killed_min: int | None
    killed_max: int | None
    injured_min: int | None
    injured_max: int | None
    version: int


class IncidentDetail(IncidentSummary):
    """An incident with everything but its reports and people."""

    description: str
    previous_codes: list[str]
    location_precision: LocationPrecision
    place_names: list[PlaceName]
    admin2: str | None
    harm_types: list[HarmType]
    cause: Cause
    sensitivity: Sensitivity
    releasable_to: list[str]
    created_at: datetime
    updated_at: datetime
    report_count: int = 0
