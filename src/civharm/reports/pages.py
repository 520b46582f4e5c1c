"""Report pages: the intake form with live duplicate warnings, and the receipt after submitting."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from civharm.linkage.intake import possible_duplicates
from civharm.linkage.schemas import ReportDraft
from civharm.precision import DatePrecision, LocationPrecision
from civharm.reports.schemas import ReportSubmission
from civharm.reports.service import submit_report
from civharm.security.policy import Action, require, show_reports, visible_report
from civharm.vocabulary import Cause, Reliability, SourceType, Topic
from civharm.web.deps import PrincipalDep, SessionDep
from civharm.web.templating import render

router = APIRouter(include_in_schema=False)

#: Form fields that a browser sends as empty strings when left blank.
OPTIONAL_FIELDS = (
    "original_text",
    "language",
    "url",
    "material_date",
    "date_start",
    "date_end",
    "latitude",
    "longitude",
    "place_name",
    "admin1",
    "country_iso3",
    "killed_min",
    "killed_max",
    "injured_min",
    "injured_max",
)


async def _form_values(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {}
    for key in set(form.keys()) - {"csrf_token"}:
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        if key == "topics":
            values[key] = items
        elif items and items[-1].strip():
            values[key] = items[-1].strip()
    if "country_iso3" in values:
        values["country_iso3"] = values["country_iso3"].upper()
    return values


def _choices() -> dict[str, Any]:
    return {
        "source_types": list(SourceType),
        "reliabilities": list(Reliability),
        "causes": list(Cause),
        "topics": list(Topic),
        "date_precisions": list(DatePrecision),
        "location_precisions": list(LocationPrecision),
    }


def _render_form(request: Request, values: dict[str, Any], errors: list[str], status: int = 200) -> Response:
    context = {"values": values, "errors": errors, **_choices()}
    return render(request, "reports/new.html", context, status_code=status)


@router.get("/reports/new", response_class=HTMLResponse)
def new_report(request: Request, principal: PrincipalDep) -> Response:
    require(principal, Action.SUBMIT_REPORT)
    return _render_form(request, {}, [])


@router.post("/reports/new", response_class=HTMLResponse)
async def submit(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    require(principal, Action.SUBMIT_REPORT)
    values = await _form_values(request)
    try:
        data = ReportSubmission.model_validate(values)
    except ValidationError as exc:
        errors = [f"{'.'.join(str(p) for p in e['loc']) or 'report'}: {e['msg']}" for e in exc.errors()]
        return _render_form(request, values, errors, status=422)
    report = submit_report(session, data=data, principal=principal)
    return RedirectResponse(f"/reports/{report.id}", status_code=303)


@router.post("/reports/new/candidates", response_class=HTMLResponse)
async def candidates(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    """htmx: the duplicate warning for what is typed so far; unreadable fields are left out."""
    require(principal, Action.SUBMIT_REPORT)
    values = await _form_values(request)
    draft_values = {k: v for k, v in values.items() if k in ReportDraft.model_fields}
    for key in list(draft_values):
        try:
            ReportDraft.model_validate({key: draft_values[key]})
        except ValidationError:
            del draft_values[key]
    draft = ReportDraft.model_validate(draft_values)
    found = possible_duplicates(session, draft, principal=principal)
    context = {"candidates": found, "draft": draft}
    return render(request, "reports/_candidates.html", context)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def receipt(
    request: Request,
    report_id: Annotated[int, Path(ge=1, le=2**62)],
    session: SessionDep,
    principal: PrincipalDep,
) -> Response:
    report = visible_report(session, principal, report_id)
    context = {
        "report": show_reports(session, principal, [report])[0],
        "linked": report.incident_id is not None,
    }
    return render(request, "reports/receipt.html", context)
