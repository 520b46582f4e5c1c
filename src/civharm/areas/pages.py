"""HTML pages of areas: a choropleth of scores and forecasts, and an area's profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import BaseLoader, ChoiceLoader, DictLoader, Environment, FileSystemLoader, select_autoescape

from civharm.areas.api import profile_for
from civharm.areas.queries import forecast_runs, frameworks
from civharm.errors import NotFoundError
from civharm.web.deps import PrincipalDep, SessionDep

router = APIRouter(tags=["areas"])

TEMPLATES_DIR = Path(__file__).parent / "templates"
#: Used only when no web application supplies its ``base.html`` (a bare app in tests).
_FALLBACK_BASE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{% block title %}civharm{% endblock %}</title></head>
<body><main>{% block content %}{% endblock %}</main>{% block scripts %}{% endblock %}</body></html>"""


def templates_for(request: Request) -> Jinja2Templates:
    """The web application's templates when it offers them (``app.state.templates``), else our own."""
    offered = getattr(request.app.state, "templates", None)
    if isinstance(offered, Jinja2Templates):
        return offered
    loaders: list[BaseLoader] = [FileSystemLoader(str(TEMPLATES_DIR))]
    web_templates = Path(__file__).parents[1] / "web" / "templates"
    if web_templates.is_dir():
        loaders.append(FileSystemLoader(str(web_templates)))
    loaders.append(DictLoader({"base.html": _FALLBACK_BASE}))
    environment = Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape())
    return Jinja2Templates(env=environment)


def _url(path: str, **query: Any) -> str:
    given = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(given)}" if given else path


@router.get("/areas", response_class=HTMLResponse)
def areas_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    framework: str | None = None,
    node: str | None = None,
    kind: str | None = None,
    run: str | None = None,
    month: str | None = None,
) -> HTMLResponse:
    """Two maps: the index scores of a framework, and the forecast of civilian deaths."""
    known = frameworks(session)
    runs = forecast_runs(session)
    framework = framework or (known[0] if known else None)
    chosen_run = next((r for r in runs if r["run"] == run), runs[0] if runs else None)
    month = month or (chosen_run["first_month"] if chosen_run else None)
    context = {
        "frameworks": known,
        "framework": framework,
        "node": node,
        "kind": kind,
        "runs": runs,
        "run": chosen_run["run"] if chosen_run else None,
        "month": month,
        "scores_url": _url("/api/v1/areas", framework=framework, node=node, kind=kind) if framework else None,
        "forecast_url": _url("/api/v1/areas", run=chosen_run["run"], month=month) if chosen_run else None,
    }
    return templates_for(request).TemplateResponse(request, "areas/index.html", context)


@router.get("/areas/{area_id}", response_class=HTMLResponse)
def area_page(request: Request, area_id: int, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    """An area's profile: its scores node by node, its indicators, harm by month and its forecasts."""
    try:
        profile = profile_for(session, area_id=area_id, principal=principal)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    context = {"profile": profile, "area": profile["area"], "geojson_url": f"/api/v1/areas/{area_id}/geojson"}
    return templates_for(request).TemplateResponse(request, "areas/profile.html", context)
