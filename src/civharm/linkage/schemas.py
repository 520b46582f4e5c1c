"""What the intake form sends about a report being written, and the duplicate candidates it gets back."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from civharm.precision import DatePrecision, LocationPrecision


class ReportDraft(BaseModel):
    """What is known about a report being written; every field optional.

    The fields carry the intake form's names, so the form's values can be sent as they are.
    """

    date_start: date | None = None
    date_end: date | None = None
    date_precision: DatePrecision = DatePrecision.UNKNOWN
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    location_precision: LocationPrecision = LocationPrecision.UNKNOWN
    place_name: str | None = Field(default=None, max_length=300)
    admin1: str | None = Field(default=None, max_length=200)
    country_iso3: str | None = Field(default=None, max_length=3)
    source_name: str | None = Field(default=None, max_length=300)
    killed_min: int | None = Field(default=None, ge=0, le=10**9)
    killed_max: int | None = Field(default=None, ge=0, le=10**9)
    injured_min: int | None = Field(default=None, ge=0, le=10**9)
    injured_max: int | None = Field(default=None, ge=0, le=10**9)
    original_text: str | None = Field(default=None, max_length=100_000)
    exclude_code: str | None = Field(
        default=None, max_length=64, description="An incident never to propose (itself)."
    )

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class DuplicateCandidate(BaseModel):
    """An incident that may be the same event as a report or another incident, and why."""

    code: str
    title: str
    date_start: date | None
    place_name: str | None
    distance_km: float | None = Field(
        description="Between the draft and the record it matched best; null when either place is "
        "unknown or withheld from the caller."
    )
    days_apart: int | None = Field(
        description="Days between the draft's dates and the matched record's date."
    )
    probability: float = Field(description="How likely the linkage model finds it the same event (0-1).")
    match_weight: float = Field(description="The model's evidence in bits (log2 odds); higher is closer.")
    reasons: list[str] = Field(description="Plain-language evidence, strongest first.")
    comparisons: list[dict[str, Any]] = Field(
        default_factory=list, description="Each comparison's level and weight (bits)."
    )
