"""JSON API of the register and of screening (mounted under ``/api/v1``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, HTTPException, Query, status

from civharm.errors import NotFoundError, ValidationError
from civharm.sites.categories import SiteCategory
from civharm.sites.schemas import (
    BatchScreeningRequest,
    PointScreening,
    ScreeningRequest,
    ScreeningResult,
    SitePublic,
)
from civharm.sites.screening import screen_area, screen_points
from civharm.sites.service import get_site, list_sites, sites_geojson
from civharm.web.deps import PrincipalDep, SessionDep

router = APIRouter(prefix="/sites", tags=["sites"])


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in text.split(","))
    except ValueError:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY, "bbox must be min_lon,min_lat,max_lon,max_lat"
        ) from None
    return min_lon, min_lat, max_lon, max_lat


@router.get("", summary="The register as GeoJSON")
def sites_collection(
    session: SessionDep,
    principal: PrincipalDep,
    category: list[SiteCategory] = Query(default=[]),
    search: str | None = None,
    bbox: str | None = Query(default=None, description="min_lon,min_lat,max_lon,max_lat"),
    limit: int = Query(default=5000, ge=1, le=100_000),
    offset: int = Query(default=0, ge=0),
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of register entries (``total`` counts every match)."""
    rows, total = list_sites(
        session, categories=tuple(category), text=search, bbox=_bbox(bbox), limit=limit, offset=offset
    )
    return {**sites_geojson(rows), "total": total}


@router.get("/{ref:path}", response_model=SitePublic)
def site_detail(ref: str, session: SessionDep, principal: PrincipalDep) -> SitePublic:
    try:
        return SitePublic.model_validate(get_site(session, ref=ref))
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None


@router.post("/screen", response_model=ScreeningResult)
def screen(request: ScreeningRequest, session: SessionDep, principal: PrincipalDep) -> ScreeningResult:
    """Screen a planned point or area: objects, past incidents and people in reach, and a risk rating."""
    try:
        return screen_area(
            session,
            principal=principal,
            geometry=request.geometry,
            radius_km=request.radius_km,
            date_from=request.date_from,
            date_to=request.date_to,
        )
    except ValidationError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None


@router.post("/screen/batch", response_model=list[PointScreening])
def screen_batch(
    request: BatchScreeningRequest, session: SessionDep, principal: PrincipalDep
) -> list[PointScreening]:
    """Screen many planned points at once: one summary and rating per point, in the order sent."""
    batch = screen_points(
        session,
        principal=principal,
        point_ids=[p.point_id for p in request.points],
        latitude=np.array([p.latitude for p in request.points], dtype=np.float64),
        longitude=np.array([p.longitude for p in request.points], dtype=np.float64),
        radius_km=request.radius_km,
        date_from=request.date_from,
        date_to=request.date_to,
    )
    return batch.points
