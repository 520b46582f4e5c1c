"""The web app's own pages: the dashboard and the review queue."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from civharm.errors import CivharmError
from civharm.linkage.intake import report_duplicates
from civharm.linkage.store import active_params
from civharm.reports.models import Report
from civharm.security.policy import Action, permits, report_scope, require
from civharm.security.principal import Principal
from civharm.vocabulary import Cause, Topic
from civharm.web import charts, hooks
from civharm.web.api import review_queue
from civharm.web.dashboard import Dashboard, HarmCell, build_dashboard
from civharm.web.deps import PrincipalDep, SessionDep
from civharm.web.filters import IncidentQuery
from civharm.web.templating import label, render

router = APIRouter(include_in_schema=False)


def _series(cells: list[HarmCell], months: list[str], keys: list[str], value: str) -> list[charts.Series]:
    table: dict[tuple[str, str], float] = {(c.month, c.key): float(getattr(c, value)) for c in cells}
    present = [k for k in keys if any(table.get((m, k), 0) for m in months)]
    return [charts.Series(label(k), [table.get((m, k), 0.0) for m in months]) for k in present]


def dashboard_charts(d: Dashboard) -> dict[str, Any]:
    """The dashboard's three charts, as inline SVG."""
    short = [m[2:] for m in d.months]  # 25-03: fits twelve bars at phone width
    topics = _series(d.by_topic, d.months, [t.value for t in Topic], "incidents")
    causes = _series(d.by_cause, d.months, [c.value for c in Cause], "killed_max")
    areas = [(f"{a.admin1 or 'unknown'} ({a.country_iso3 or '?'})", float(a.incidents)) for a in d.by_area]
    return {
        "topics": charts.stacked_bars(
            short,
            topics,
            title="Incidents per month by topic",
            description="Stacked bars; an incident with two topics counts under both. Figures below.",
        ),
        "causes": charts.stacked_bars(
            short,
            causes,
            title="People killed per month by cause (upper bound of recorded ranges)",
            description="Stacked bars of the upper bounds; the table below gives lower and upper bounds.",
        ),
        "areas": charts.horizontal_bars(
            areas, title="Incidents by area", description="First-order divisions with the most incidents."
        ),
    }


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    error: str | None = None
    try:
        query = IncidentQuery.from_params(request.query_params)
    except ValidationError as exc:
        query, error = IncidentQuery(), "; ".join(e["msg"] for e in exc.errors())
    figures = build_dashboard(
        session,
        query=query,
        principal=principal,
        settings=request.app.state.settings,
        today=date.today(),
    )
    context = {"d": figures, "charts": dashboard_charts(figures), "query": query, "error": error}
    return render(request, "web/dashboard.html", context)


#: Reports awaiting triage listed on the review page, newest first.
TRIAGE_ROWS = 20


def triage_rows(session: SessionDep, principal: Principal) -> list[tuple[Any, Any]]:
    """The newest unlinked reports, each with its likeliest incident (if any is likely)."""
    reports = session.scalars(
        select(Report)
        .where(Report.incident_id.is_(None), report_scope(principal))
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(TRIAGE_ROWS)
    ).all()
    rows = []
    params = active_params(session)
    for report in reports:
        best = report_duplicates(session, report, principal=principal, limit=1, params=params)
        rows.append((report, best[0] if best else None))
    return rows


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    require(principal, Action.VIEW_HISTORY)
    queue = review_queue(session, principal)
    context = {
        "queue": queue,
        "triage": triage_rows(session, principal),
        "can_approve": permits(principal, Action.APPROVE),
    }
    return render(request, "web/review.html", context)


@router.post("/review/determinations/{determination_id}/approve", response_class=HTMLResponse)
def approve_from_page(
    request: Request,
    determination_id: Annotated[str, Path(max_length=64)],
    session: SessionDep,
    principal: PrincipalDep,
) -> Response:
    """htmx: approve, then replace the row with the outcome."""
    require(principal, Action.APPROVE)
    try:
        hooks.approve_determination(session, determination_id=determination_id, principal=principal)
    except CivharmError as exc:
        message, ok = str(exc), False
    else:
        message, ok = f"Determination {determination_id} approved.", True
    context = {"message": message, "ok": ok}
    return render(request, "web/_approval_result.html", context)
