"""The incident filters of the list, the map and the dashboard, read from a URL's query string.

One model serves the JSON API (FastAPI validates it and documents it in OpenAPI) and the
pages (which drop the empty values an HTML form sends for "any"), so a URL copied from a
page works against the API and the other way round.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import True_
from starlette.datastructures import QueryParams

from civharm.incidents.service import IncidentFilter
from civharm.security.policy import incident_scope
from civharm.security.principal import Principal
from civharm.vocabulary import Determination, Grading, IncidentStatus, SourceType, Topic

SortKey = Literal[
    "date", "-date", "code", "-code", "killed", "-killed", "updated", "-updated", "status", "-status"
]
#: Counting the matches of a *filtered* list stops here and pages say "1,000+" (nobody pages
#: through more; the dashboard gives exact totals). An unfiltered list is always counted exactly.
COUNT_LIMIT = 1_000
LIST_FIELDS = ("topic", "status", "grading", "determination", "source_type")


class IncidentQuery(BaseModel):
    """Filters, sort order and page of an incident list (all optional)."""

    model_config = ConfigDict(extra="ignore")

    topic: list[Topic] = Field(
        default_factory=list, description="Any of these topics (repeat the parameter)."
    )
    status: list[IncidentStatus] = Field(default_factory=list)
    grading: list[Grading] = Field(default_factory=list)
    determination: list[Determination] = Field(default_factory=list)
    source_type: list[SourceType] = Field(
        default_factory=list, description="Incidents with at least one report of these source types."
    )
    date_from: date | None = Field(default=None, description="Incidents ending on or after this day.")
    date_to: date | None = Field(default=None, description="Incidents starting on or before this day.")
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3.")
    admin1: str | None = Field(
        default=None, max_length=200, description="First-order division, e.g. Deir ez-Zor."
    )
    q: str | None = Field(
        default=None, max_length=200, description="Words in title, description, place or code."
    )
    bbox: str | None = Field(
        default=None,
        pattern=r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?$",
        description="min_lon,min_lat,max_lon,max_lat",
    )
    sort: SortKey = "-date"
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=200)

    @field_validator("q", "admin1")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _bbox_in_range(self) -> Self:
        if self.bbox:
            min_lon, min_lat, max_lon, max_lat = (float(v) for v in self.bbox.split(","))
            if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
                raise ValueError("bbox must be min_lon,min_lat,max_lon,max_lat within -180..180 and -90..90")
        return self

    @classmethod
    def from_params(cls, params: QueryParams) -> Self:
        """Read a page's query string, ignoring the empty values of fields left at "any"."""
        data: dict[str, object] = {}
        for key in cls.model_fields:
            values = [v for v in params.getlist(key) if v.strip()]
            if key in LIST_FIELDS:
                data[key] = values
            elif values:
                data[key] = values[-1]
        return cls.model_validate(data)

    def to_filter(self) -> IncidentFilter:
        box = tuple(float(v) for v in self.bbox.split(",")) if self.bbox else None
        return IncidentFilter(
            topics=tuple(self.topic),
            statuses=tuple(self.status),
            gradings=tuple(self.grading),
            determinations=tuple(self.determination),
            source_types=tuple(self.source_type),
            date_from=self.date_from,
            date_to=self.date_to,
            country_iso3=self.country.upper() if self.country else None,
            admin1=self.admin1,
            text=self.q,
            bbox=box,  # type: ignore[arg-type]
        )

    @property
    def count_limit(self) -> int | None:
        return COUNT_LIMIT if self.is_filtered() else None

    def count_limit_for(self, principal: Principal) -> int | None:
        """Where counting stops for this reader: a reader whose view the policy narrows (a
        partner's list is a filter over every incident) counts like a filtered list."""
        everything = isinstance(incident_scope(principal), True_)
        return COUNT_LIMIT if self.is_filtered() or not everything else None

    def shown_total(self, counted: int, limit: int | Literal["query"] | None = "query") -> tuple[int, bool]:
        """What to tell the reader: ``(total, exact)``; ``(1000, False)`` means "1,000+"."""
        if limit == "query":
            limit = self.count_limit
        if limit is not None and counted > limit:
            return limit, False
        return counted, True

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def is_filtered(self) -> bool:
        return any(
            getattr(self, name)
            for name in (*LIST_FIELDS, "date_from", "date_to", "country", "admin1", "q", "bbox")
        )
