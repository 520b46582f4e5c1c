"""Incident pages: the filtered list, one incident's dossier, and the map."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from civharm.incidents.service import list_incidents, may_filter_by
from civharm.security.policy import show_incidents
from civharm.security.principal import Principal
from civharm.vocabulary import Determination, Grading, IncidentStatus, SourceType, Topic
from civharm.web.deps import PrincipalDep, SessionDep
from civharm.web.dossier import build_dossier
from civharm.web.filters import IncidentQuery
from civharm.web.templating import render

router = APIRouter(include_in_schema=False)

SORT_COLUMNS = [("code", "Code"), ("date", "Date"), ("status", "Status"), ("killed", "Killed")]


def _query(request: Request) -> tuple[IncidentQuery, str | None]:
    try:
        return IncidentQuery.from_params(request.query_params), None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'filters'}: {e['msg']}" for e in exc.errors()
        )
        return IncidentQuery(), f"Some filters were not understood and were ignored — {problems}"


def filter_choices(principal: Principal) -> dict[str, Any]:
    """The filters offered; a field the reader does not receive is not offered (filtering is reading)."""
    internal = may_filter_by(principal, "determination")
    return {
        "topics": list(Topic),
        "statuses": list(IncidentStatus),
        "gradings": list(Grading),
        "determinations": list(Determination) if internal else [],
        "source_types": list(SourceType),
        "show_determination": internal,
    }


@router.get("/incidents", response_class=HTMLResponse)
def incident_list(request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    """The list; an htmx request gets only the results region back."""
    query, error = _query(request)
    rows, total = list_incidents(
        session,
        principal=principal,
        filters=query.to_filter(),
        sort=query.sort,
        limit=query.per_page,
        offset=query.offset,
        count_limit=query.count_limit_for(principal),
    )
    items = show_incidents(session, principal, rows)
    total, exact = query.shown_total(total, query.count_limit_for(principal))
    pages = max(1, -(-total // query.per_page))
    context = {
        "items": items,
        "total": total,
        "total_is_exact": exact,
        "pages": pages,
        "query": query,
        "error": error,
        "sort_columns": SORT_COLUMNS,
        **filter_choices(principal),
    }
    template = "incidents/_results.html" if request.headers.get("HX-Request") else "incidents/list.html"
    return render(request, template, context)


@router.get("/incidents/{code}", response_class=HTMLResponse)
def incident_detail(
    request: Request, code: Annotated[str, Path(max_length=40)], session: SessionDep, principal: PrincipalDep
) -> Response:
    dossier = build_dossier(session, code=code, principal=principal)
    return render(request, "incidents/detail.html", {"d": dossier})


@router.get("/map", response_class=HTMLResponse)
def incident_map(request: Request, principal: PrincipalDep) -> Response:
    query, error = _query(request)
    api_params = request.url.query
    context = {
        "query": query,
        "error": error,
        "geojson_url": "/api/v1/geo/incidents?" + api_params,
        **filter_choices(principal),
    }
    return render(request, "incidents/map.html", context)
