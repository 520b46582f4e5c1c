"""JSON API for reports: submit one, read one, and ask which incidents it may duplicate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, status

from civharm.linkage.intake import possible_duplicates
from civharm.linkage.schemas import DuplicateCandidate, ReportDraft
from civharm.reports.schemas import ReportSubmission
from civharm.reports.service import submit_report
from civharm.security.policy import Action, show_reports, visible_report
from civharm.security.web import requires
from civharm.web.deps import PrincipalDep, SessionDep
from civharm.web.schemas import PROJECTED, Projected

router = APIRouter(tags=["reports"])


@router.post(
    "/reports",
    response_model=Projected,
    status_code=status.HTTP_201_CREATED,
    summary="Submit a report",
    response_description=PROJECTED,
    dependencies=[Depends(requires(Action.SUBMIT_REPORT))],
)
def create(data: ReportSubmission, session: SessionDep, principal: PrincipalDep) -> Projected:
    """Record what a source said (roles that may submit: intake and staff); the report awaits triage."""
    report = submit_report(session, data=data, principal=principal)
    return show_reports(session, principal, [report])[0]


@router.get(
    "/reports/{report_id}", response_model=Projected, summary="One report", response_description=PROJECTED
)
def read(
    report_id: Annotated[int, Path(ge=1, le=2**62)], session: SessionDep, principal: PrincipalDep
) -> Projected:
    report = visible_report(session, principal, report_id)
    return show_reports(session, principal, [report])[0]


@router.post(
    "/reports/candidates",
    response_model=list[DuplicateCandidate],
    summary="Possible duplicates of a draft report",
)
def candidates(draft: ReportDraft, session: SessionDep, principal: PrincipalDep) -> list[DuplicateCandidate]:
    """Incidents the caller may see that the linkage engine finds likely to be the draft's event.

    Likeliest first, with the model's probability and its reasons; only records the caller may
    see are compared (see ``civharm.linkage.candidates``).
    """
    return possible_duplicates(session, draft, principal=principal)
