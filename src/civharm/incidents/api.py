"""JSON API for incidents: the filtered list, one incident's dossier, and map points."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import select

from civharm.incidents.models import Incident
from civharm.incidents.service import filtered, list_incidents
from civharm.reports.service import reports_of_incident
from civharm.security.policy import (
    exact_location_visible,
    show_incident,
    show_incidents,
    show_reports,
    visible_incident,
)
from civharm.web.deps import PrincipalDep, SessionDep
from civharm.web.dossier import build_dossier
from civharm.web.filters import IncidentQuery
from civharm.web.schemas import IncidentDossier, IncidentPage

router = APIRouter(tags=["incidents"])

CodePath = Annotated[str, Path(max_length=40, description="An incident code such as CH-2026-000123.")]
#: Most points one map request returns; the response says when there were more.
MAP_POINT_LIMIT = 20_000


@router.get("/incidents", response_model=IncidentPage, summary="List incidents with filters")
def incidents_page(
    session: SessionDep, principal: PrincipalDep, query: Annotated[IncidentQuery, Query()]
) -> IncidentPage:
    """Incidents the caller may see, filtered, sorted and paginated (newest first by default)."""
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
    shown, exact = query.shown_total(total, query.count_limit_for(principal))
    return IncidentPage(
        items=items,
        total=shown,
        total_is_exact=exact,
        page=query.page,
        per_page=query.per_page,
    )


@router.get("/incidents/{code}", response_model=IncidentDossier, summary="One incident's dossier")
def incident_dossier(
    code: CodePath, session: SessionDep, principal: PrincipalDep, response: Response
) -> IncidentDossier:
    """The incident with its reports, casualties, history, assessment, responses and possible duplicates,
    as far as the caller may see them."""
    dossier = build_dossier(session, code=code, principal=principal)
    if any(person.get("restricted") and person.get("names") for person in dossier.casualties or []):
        response.headers["Cache-Control"] = "no-store"  # each read of restricted names is audited
    return dossier


def _geojson(payload: dict[str, Any]) -> Response:
    return Response(orjson.dumps(payload), media_type="application/geo+json")


GEOJSON_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/geo+json": {"schema": {"type": "object"}}}, "description": "GeoJSON"}
}


@router.get(
    "/geo/incidents", response_class=Response, responses=GEOJSON_RESPONSE, summary="Incidents as map points"
)
def incident_points(
    session: SessionDep,
    principal: PrincipalDep,
    query: Annotated[IncidentQuery, Query()],
    limit: Annotated[int, Query(ge=1, le=MAP_POINT_LIMIT)] = 5000,
) -> Response:
    """A GeoJSON FeatureCollection of the newest ``limit`` matching incidents that have coordinates;
    ``truncated`` says whether more matched than were returned."""
    columns = (
        Incident.code,
        Incident.title,
        Incident.latitude,
        Incident.longitude,
        Incident.date_start,
        Incident.killed_min,
        Incident.killed_max,
        Incident.status,
    )
    # Incidents whose coordinates the policy withholds from this caller are not placed at all.
    base = filtered(select(*columns), query.to_filter(), principal).where(
        exact_location_visible(principal), Incident.latitude.is_not(None), Incident.longitude.is_not(None)
    )
    rows = session.execute(
        base.order_by(Incident.date_start.desc(), Incident.id.desc()).limit(limit + 1)
    ).all()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "code": code,
                "title": title,
                "date": day.isoformat() if day else None,
                "killed_min": kmin,
                "killed_max": kmax,
                "status": str(status),
                "url": f"/incidents/{code}",
            },
        }
        for code, title, lat, lon, day, kmin, kmax, status in rows[:limit]
    ]
    return _geojson({"type": "FeatureCollection", "features": features, "truncated": len(rows) > limit})


@router.get(
    "/geo/incidents/{code}",
    response_class=Response,
    responses=GEOJSON_RESPONSE,
    summary="One incident on a map",
)
def incident_geometry(code: CodePath, session: SessionDep, principal: PrincipalDep) -> Response:
    """The incident's point and the points its visible reports give, each with its stated precision."""
    incident = visible_incident(session, principal, code)
    shown = show_incident(session, principal, incident)
    features = []
    # Coordinates come from the policy's projections: withheld ones are simply absent.
    if shown.get("latitude") is not None and shown.get("longitude") is not None:
        features.append(
            _point(
                shown["longitude"], shown["latitude"], incident.code, "incident", shown["location_precision"]
            )
        )
    reports = reports_of_incident(session, incident_id=incident.id, principal=principal)
    for report in show_reports(session, principal, reports):
        if report.get("latitude") is not None and report.get("longitude") is not None:
            title = report.get("source_name") or f"report {report['id']}"
            features.append(
                _point(report["longitude"], report["latitude"], title, "report", report["location_precision"])
            )
    return _geojson({"type": "FeatureCollection", "features": features})


def _point(lon: float, lat: float, title: str, kind: str, precision: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"title": title, "kind": kind, "precision": precision},
    }
