"""JSON API: duplicate candidates for the intake form, activities matched to an incident.

Mounted under ``/api/v1``. Both are for the cell's staff: candidates pass through the central
policy (``civharm.security.policy``) and leave out restricted incidents for those not cleared;
activity matches answer "not found" to anyone else.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select

from civharm.errors import NotFoundError
from civharm.incidents.models import Incident
from civharm.linkage.activity import activities_for_incident
from civharm.linkage.candidates import candidates_for
from civharm.linkage.records import LinkRecord
from civharm.precision import DatePrecision, LocationPrecision
from civharm.security.policy import Action, access_for, may_see_incident, require, sees_restricted
from civharm.vocabulary import Sensitivity
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
    """Possible duplicates of a report being typed: "possible duplicate of CH-…" (the cell's staff).

    The engine compares the draft with every nearby report, own-force and restricted ones
    included, so its answer is for those who may edit records; and a restricted incident is
    left out for anyone not cleared for it, since its distances would hint at withheld places.
    Intake users and partners get their warnings from the intake form, which only compares
    what the policy lets them see.
    """
    require(principal, Action.EDIT_RECORDS)
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
    access = access_for(session, principal)
    found = candidates_for(session, record=record, limit=20)
    shown = {
        incident.code
        for incident in session.scalars(select(Incident).where(Incident.code.in_([c.code for c in found])))
        if may_see_incident(access, incident)
        and (
            incident.sensitivity is not Sensitivity.RESTRICTED
            or sees_restricted(access, incident_id=incident.id)
        )
    }
    found = [c for c in found if c.code in shown][:5]
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
