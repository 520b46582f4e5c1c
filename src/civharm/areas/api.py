"""JSON API of areas (mounted under ``/api/v1``): GeoJSON with scores and forecasts, an area's profile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, status

from civharm.areas.queries import area_profile, areas_geojson, forecast_runs, frameworks
from civharm.errors import NotFoundError
from civharm.security.principal import Principal
from civharm.web.deps import PrincipalDep, SessionDep

router = APIRouter(tags=["areas"])


@router.get("/areas")
def list_areas(
    session: SessionDep,
    principal: PrincipalDep,
    kind: str | None = Query(None, description="admin, priogrid or h3"),
    level: int | None = Query(None, description="admin level or H3 resolution"),
    framework: str | None = Query(None, description="add this framework's scores"),
    node: str | None = Query(None, description="the node scored (default: the framework's root)"),
    run: str | None = Query(None, description="add this forecast run's civilian deaths forecast"),
    month: str | None = Query(None, description="the month forecast, YYYY-MM"),
    model: str = Query("civharm"),
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of areas; ``score`` (0-10) and ``forecast_score`` colour a choropleth."""
    return areas_geojson(
        session, kind=kind, level=level, framework=framework, node=node, run=run, month=month, model=model
    )


@router.get("/areas/frameworks")
def list_frameworks(session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    """Frameworks with stored scores, and stored forecast runs."""
    return {"frameworks": frameworks(session), "forecast_runs": forecast_runs(session)}


@router.get("/areas/{area_id}")
def get_area(area_id: int, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    """One area's profile: scores, latest indicator values, harm by month and topic, forecasts."""
    try:
        return profile_for(session, area_id=area_id, principal=principal)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None


@router.get("/areas/{area_id}/geojson")
def get_area_geojson(area_id: int, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    """The area alone as a FeatureCollection, for its profile's map."""
    try:
        area = profile_for(session, area_id=area_id, principal=principal)["area"]
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    properties = {k: v for k, v in area.items() if k != "geometry"}
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": area["geometry"], "properties": properties}],
    }


def profile_for(session: Any, *, area_id: int, principal: Principal) -> dict[str, Any]:
    """The profile as ``principal`` may see it.

    Counts of harm come from incidents, so they must pass the security feature's visibility
    policy; until that policy exists they are shown to staff only, never to partners or
    intake users.
    """
    profile = area_profile(session, area_id=area_id)
    if not principal.is_staff:
        profile["harm_by_month"] = []
    return profile
