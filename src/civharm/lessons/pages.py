"""HTML pages: the lessons register, one lesson, and the monthly report (HTML or PDF).

The register is internal to the civilian-harm cell: partners and intake users get 403. The
monthly report's incident queries take ``scope``; the web app passes the security feature's
visibility policy there once it exists (see docs/lessons.md).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from jinja2 import ChoiceLoader, DictLoader, Environment, PackageLoader, select_autoescape

from civharm.errors import NotFoundError, ValidationError
from civharm.lessons import service
from civharm.lessons.monthly import build_monthly_report, render_monthly_html
from civharm.lessons.render import html_to_pdf
from civharm.security.principal import Principal
from civharm.web.deps import PrincipalDep, SessionDep

router = APIRouter(tags=["lessons"])

# Used only when the web app's own base.html is not installed (e.g. a bare test app).
_FALLBACK_BASE = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{% block title %}civharm{% endblock %}"
    "</title></head><body>{% block content %}{% endblock %}{% block scripts %}{% endblock %}</body></html>"
)


def _loaders() -> list[PackageLoader | DictLoader]:
    loaders: list[PackageLoader | DictLoader] = [PackageLoader("civharm.lessons", "templates")]
    with suppress(ValueError):  # the web package may have no templates folder in this checkout
        loaders.append(PackageLoader("civharm.web", "templates"))
    loaders.append(DictLoader({"base.html": _FALLBACK_BASE}))
    return loaders


_pages = Environment(loader=ChoiceLoader(_loaders()), autoescape=select_autoescape(["html"]))


def _staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the lessons register is internal to the cell")


def _page(template: str, request: Request, **context: object) -> HTMLResponse:
    return HTMLResponse(_pages.get_template(template).render(request=request, **context))


@router.get("/lessons", response_class=HTMLResponse)
def lessons_page(request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    _staff(principal)
    lessons = service.list_lessons(session)
    last_month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return _page("lessons/register.html", request, lessons=lessons, last_month=last_month)


@router.get("/lessons/{code}", response_class=HTMLResponse)
def lesson_page(code: str, request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    _staff(principal)
    try:
        lesson = service.get_lesson(session, code=code)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    return _page("lessons/lesson.html", request, lesson=lesson)


@router.get("/reports/monthly", response_model=None)
def monthly_report_page(
    session: SessionDep,
    principal: PrincipalDep,
    month: Annotated[str, Query(description="YYYY-MM")],
    format: Annotated[str, Query(pattern="^(html|pdf)$")] = "html",
) -> Response:
    """The monthly report as a standalone HTML document or a PDF download."""
    _staff(principal)
    try:
        report = build_monthly_report(session, month=month)
    except ValidationError as exc:
        raise HTTPException(422, str(exc)) from exc
    html = render_monthly_html(report)
    if format == "pdf":
        headers = {"Content-Disposition": f'attachment; filename="civilian-harm-{month}.pdf"'}
        return Response(html_to_pdf(html), media_type="application/pdf", headers=headers)
    return HTMLResponse(html)
