"""JSON API for reports: submit one, read one, and ask which incidents it may duplicate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from civharm.errors import NotFoundError
from civharm.reports.schemas import ReportPublic, ReportSubmission
from civharm.reports.service import get_report, submit_report
from civharm.web import visibility
from civharm.web.deps import PrincipalDep, SessionDep
from civharm.web.duplicates import ReportDraft, possible_duplicates
from civharm.web.schemas import DuplicateCandidate

router = APIRouter(tags=["reports"])


@router.post(
    "/reports", response_model=ReportPublic, status_code=status.HTTP_201_CREATED, summary="Submit a report"
)
def create(data: ReportSubmission, session: SessionDep, principal: PrincipalDep) -> ReportPublic:
    """Record what a source said. Any signed-in user may submit; the report awaits triage."""
    report = submit_report(session, data=data, principal=principal)
    return visibility.project_report(principal, report)


@router.get("/reports/{report_id}", response_model=ReportPublic, summary="One report")
def read(
    report_id: Annotated[int, Path(ge=1, le=2**62)], session: SessionDep, principal: PrincipalDep
) -> ReportPublic:
    report = get_report(session, report_id=report_id)
    if not visibility.can_view_report(principal, report):
        raise NotFoundError(f"no report with id {report_id}")
    return visibility.project_report(principal, report)


@router.post(
    "/reports/candidates",
    response_model=list[DuplicateCandidate],
    summary="Possible duplicates of a draft report",
)
def candidates(draft: ReportDraft, session: SessionDep, principal: PrincipalDep) -> list[DuplicateCandidate]:
    """Incidents the caller may see that are near the draft in place and time, closest first."""
    return possible_duplicates(session, draft, scope=visibility.incident_scope(principal))
