"""The web app's own JSON endpoints: health, dashboard figures and the review queue."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select

from civharm.reports.models import Report
from civharm.security.policy import Action, report_scope
from civharm.security.web import requires
from civharm.web import hooks
from civharm.web.dashboard import Dashboard, build_dashboard
from civharm.web.deps import PrincipalDep, SessionDep
from civharm.web.filters import IncidentQuery
from civharm.web.schemas import ReviewQueue

router = APIRouter()


class Health(BaseModel):
    status: str


@router.get("/health", response_model=Health, tags=["service"], summary="Is the service up")
def health() -> Health:
    return Health(status="ok")


@router.get("/dashboard", response_model=Dashboard, tags=["dashboard"], summary="Dashboard figures")
def dashboard(
    request: Request, session: SessionDep, principal: PrincipalDep, query: Annotated[IncidentQuery, Query()]
) -> Dashboard:
    """Harm over time by topic and cause, by area, and overdue work, over the incidents the caller may see."""
    return build_dashboard(
        session,
        query=query,
        principal=principal,
        settings=request.app.state.settings,
        today=date.today(),
    )


def review_queue(session: SessionDep, principal: PrincipalDep) -> ReviewQueue:
    """Internal workflow: only for roles the policy lets read it (``Action.VIEW_HISTORY``)."""
    unlinked = select(func.count(Report.id)).where(Report.incident_id.is_(None), report_scope(principal))
    return ReviewQueue(
        unlinked_reports=int(session.scalar(unlinked) or 0),
        proposed_merges=hooks.proposed_merges(session, principal=principal),
        determinations_awaiting_approval=hooks.determinations_awaiting_approval(session, principal=principal),
    )


router.get(
    "/review",
    response_model=ReviewQueue,
    tags=["review"],
    summary="What awaits review",
    dependencies=[Depends(requires(Action.VIEW_HISTORY))],
)(review_queue)


@router.post(
    "/review/determinations/{determination_id}/approve",
    status_code=204,
    tags=["review"],
    summary="Approve a determination (second person)",
    dependencies=[Depends(requires(Action.APPROVE))],
)
def approve(
    determination_id: Annotated[str, Path(max_length=64)], session: SessionDep, principal: PrincipalDep
) -> None:
    hooks.approve_determination(session, determination_id=determination_id, principal=principal)
