"""HTML page of the register: a map of protected objects and a screening form (mounted at ``/sites``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.templating import Jinja2Templates

from civharm.errors import ValidationError
from civharm.sites.categories import CATEGORY_LABELS
from civharm.sites.geometry import EARTH_RADIUS_KM
from civharm.sites.schemas import MAX_RADIUS_KM
from civharm.sites.screening import point_area, screen_area
from civharm.web.deps import PrincipalDep, SessionDep

router = APIRouter(tags=["sites"])
TEMPLATES = Path(__file__).parent / "templates"
WEB_TEMPLATES = Path(__file__).parents[1] / "web" / "templates"


@cache
def _templates(shared: BaseLoader | None) -> Jinja2Templates:
    """This feature's templates, with ``base.html`` from the web app's loader (or its folder)."""
    loaders: list[BaseLoader] = [FileSystemLoader(TEMPLATES)]
    loaders.append(shared if shared is not None else FileSystemLoader(WEB_TEMPLATES))
    env = Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape(["html"]))
    return Jinja2Templates(env=env)


def _templates_for(request: Request) -> Jinja2Templates:
    shared = getattr(request.app.state, "templates", None)
    return _templates(shared.env.loader if isinstance(shared, Jinja2Templates) else None)


def _map_url(lat: float, lon: float, radius_km: float) -> str:
    """The register around a screened point, as the map's GeoJSON source."""
    span = max(radius_km * 2.5, 2.0) / EARTH_RADIUS_KM * 57.29578
    return f"/api/v1/sites?bbox={lon - span:.4f},{lat - span:.4f},{lon + span:.4f},{lat + span:.4f}"


@router.get("/sites", response_class=HTMLResponse)
def sites_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    lat: float | None = Query(default=None, ge=-90, le=90),
    lon: float | None = Query(default=None, ge=-180, le=180),
    radius_km: float = Query(default=5.0, ge=0, le=MAX_RADIUS_KM),
) -> Any:
    """The register on a map; with ``lat``/``lon`` also the screening of that planned point."""
    context: dict[str, Any] = {
        "categories": CATEGORY_LABELS,
        "lat": lat,
        "lon": lon,
        "radius_km": radius_km,
        "result": None,
        "error": None,
        "map_url": "/api/v1/sites",
    }
    if lat is not None and lon is not None:
        try:
            context["result"] = screen_area(
                session, principal=principal, geometry=point_area(lat, lon), radius_km=radius_km
            )
            context["map_url"] = _map_url(lat, lon, radius_km)
        except ValidationError as exc:
            context["error"] = str(exc)
    return _templates_for(request).TemplateResponse(request, "sites/index.html", context)
