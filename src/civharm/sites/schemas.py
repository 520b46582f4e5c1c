"""Pydantic schemas of the register and of screening: what callers send and what they get back."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civharm.sites.categories import CulturalProtection, SiteCategory
from civharm.sites.geometry import GeometryError, shape_from_geojson
from civharm.sites.risk import RiskLevel

MAX_RADIUS_KM = 500.0


class SiteName(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    lang: str | None = Field(default=None, max_length=16, description="BCP 47 language tag, e.g. ar, en")


def _checked_geometry(value: dict[str, Any]) -> dict[str, Any]:
    try:
        shape_from_geojson(value)
    except GeometryError as exc:
        raise ValueError(str(exc)) from None
    return value


class SitePublic(BaseModel):
    """A register entry as the API and the CLI show it."""

    model_config = ConfigDict(from_attributes=True)

    ref: str
    category: SiteCategory
    name: str
    names: list[SiteName]
    geometry: dict[str, Any]
    latitude: float
    longitude: float
    radius_km: float
    protection_status: CulturalProtection | None
    legal_basis: str
    source: str
    last_verified: date | None
    synthetic: bool


class ScreeningRequest(BaseModel):
    """A planned point or area, how far to look around it, and the window for past incidents.

    Example: ``{"geometry": {"type": "Point", "coordinates": [40.45, 35.02]}, "radius_km": 5}``.
    """

    geometry: dict[str, Any] = Field(description="GeoJSON Point, Polygon or MultiPolygon ([lon, lat])")
    radius_km: float = Field(ge=0, le=MAX_RADIUS_KM)
    date_from: date | None = None
    date_to: date | None = None

    _geometry = field_validator("geometry")(_checked_geometry)

    @model_validator(mode="after")
    def _window(self) -> ScreeningRequest:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")
        return self


class PlannedPoint(BaseModel):
    point_id: str = Field(min_length=1, max_length=120)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class BatchScreeningRequest(BaseModel):
    points: list[PlannedPoint] = Field(min_length=1, max_length=100_000)
    radius_km: float = Field(ge=0, le=MAX_RADIUS_KM)
    date_from: date | None = None
    date_to: date | None = None

    @model_validator(mode="after")
    def _unique(self) -> BatchScreeningRequest:
        seen: set[str] = set()
        for point in self.points:
            if point.point_id in seen:
                raise ValueError(f"duplicate point_id {point.point_id!r}")
            seen.add(point.point_id)
        return self


class SiteHit(BaseModel):
    ref: str
    name: str
    category: SiteCategory
    distance_km: float
    protection_status: CulturalProtection | None = None
    legal_basis: str = ""


class IncidentHit(BaseModel):
    code: str
    title: str
    date_start: date | None
    distance_km: float
    topics: list[str]
    killed_max: int | None


class RiskOut(BaseModel):
    level: RiskLevel
    score: float
    reasons: list[str]


class ScreeningResult(BaseModel):
    """Everything screening found around one planned point or area."""

    radius_km: float
    sites: list[SiteHit]
    incidents: list[IncidentHit]
    incident_topics: dict[str, int]
    population_exposed: float | None
    population_grid: str | None
    risk: RiskOut


class PointScreening(BaseModel):
    """One planned point of a batch: counts, the nearest object and the rating."""

    point_id: str
    sites: int
    nearest_site: str | None
    nearest_km: float | None
    incidents: int
    population_exposed: float | None
    risk: RiskOut
