"""JSON API: duplicate candidates for a report being logged, activities matched to an incident.

Mounted under ``/api/v1``. Candidates are for everyone who may submit reports (intake users
and the cell's staff); the engine compares only what the caller may see
(``civharm.security.policy``, applied inside ``candidates_for``). Activity matches are for the
cell's staff and answer "not found" to anyone else.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from civharm.errors import NotFoundError
from civharm.linkage.activity import activities_for_incident
from civharm.linkage.candidates import candidates_for
from civharm.linkage.records import LinkRecord
from civharm.precision import DatePrecision, LocationPrecision
from civharm.security.policy import Action, require
from civharm.web.deps import PrincipalDep, SessionDep

router = APIRouter(tags=["linkage"])


class ReportDraft(BaseModel):
    """What the intake form has so far; every field is optional."""

    source: str | None = None
    date: dt.date | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    location_precision: LocationPrecision = LocationPrecision.SETTLEMENT
    place_name: str | None = None
    admin1: str | None = None
    killed_min: int | None = Field(default=None, ge=0)
    killed_max: int | None = Field(default=None, ge=0)
    description: str = ""


class CandidateOut(BaseModel):
    code: str
    title: str
    probability: float
    match_weight: float
    comparisons: list[dict[str, object]]


@router.post("/linkage/candidates", response_model=list[CandidateOut])
def post_candidates(draft: ReportDraft, session: SessionDep, principal: PrincipalDep) -> list[CandidateOut]:
    """Possible duplicates of a report being logged: "possible duplicate of CH-…", likeliest first.

    For those who may submit reports. The engine compares only the reports and incidents the
    caller may see, and their coordinates and words only where the caller may see them, so the
    answer holds up to five candidates the caller may see and reveals nothing withheld.
    """
    require(principal, Action.SUBMIT_REPORT)
    killed = None
    if draft.killed_min is not None:
        killed = (draft.killed_min, max(draft.killed_max or draft.killed_min, draft.killed_min))
    record = LinkRecord(
        report_id="draft",
        source=draft.source,
        date=draft.date,
        date_precision=draft.date_precision,
        latitude=draft.latitude if draft.longitude is not None else None,
        longitude=draft.longitude if draft.latitude is not None else None,
        location_precision=draft.location_precision,
        place_name=draft.place_name,
        admin1=draft.admin1,
        killed=killed,
        description=draft.description,
    )
    found = candidates_for(session, record=record, principal=principal, limit=5)
    return [
        CandidateOut(
            code=c.code,
            title=c.title,
            probability=c.probability,
            match_weight=c.match_weight,
            comparisons=c.comparisons,
        )
        for c in found
    ]


@router.get("/linkage/incidents/{code}/activities")
def get_activities(code: str, session: SessionDep, principal: PrincipalDep) -> list[dict[str, object]]:
    """Own-force activities that could have caused the incident (staff only)."""
    try:
        matches = activities_for_incident(session, code=code, principal=principal)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    return [{**m.__dict__, "start": m.start.isoformat(), "end": m.end.isoformat()} for m in matches]
