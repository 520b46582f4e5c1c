"""The sites API router and page, through FastAPI's TestClient on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jinja2 import DictLoader, Environment
from sqlalchemy import Engine
from starlette.templating import Jinja2Templates

from civharm.db.engine import session_factory
from civharm.security.principal import Principal, Role
from civharm.sites import api, pages
from civharm.sites.imports import read_sites
from civharm.sites.service import import_sites
from civharm.web.deps import get_principal
from tests.factories import make_incident

BASE = (
    "<html><title>{% block title %}{% endblock %}</title>"
    "<main>{% block content %}{% endblock %}</main>{% block scripts %}{% endblock %}</html>"
)


@pytest.fixture
def client(engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    sessions = session_factory(engine)
    register = tmp_path / "r.csv"
    register.write_text(
        "site_id,name,category,latitude,longitude\nH1,Mayadin Hospital,hospital,35.0198,40.4515\n"
        "S1,School <b>1</b>,school,35.03,40.46\nosm:node/5,Well,water_well,36,41\n",
        encoding="utf-8",
    )
    with sessions.begin() as session:
        import_sites(session, sites=read_sites(register), actor="tester")
        make_incident(session, title="Shelling near the hospital")
    app = FastAPI()
    app.state.sessions = sessions
    # Stands in for the web app's templates: only base.html comes from there.
    app.state.templates = Jinja2Templates(env=Environment(loader=DictLoader({"base.html": BASE})))
    app.include_router(api.router, prefix="/api/v1")
    app.include_router(pages.router)
    app.dependency_overrides[get_principal] = lambda: Principal(username="ana", role=Role.ANALYST)
    with TestClient(app) as test_client:
        yield test_client


def test_register_as_geojson(client: TestClient) -> None:
    body = client.get("/api/v1/sites", params={"category": "medical"}).json()
    assert body["type"] == "FeatureCollection" and body["total"] == 1
    (feature,) = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [40.4515, 35.0198]}
    assert feature["properties"]["site_id"] == "H1"
    assert client.get("/api/v1/sites", params={"bbox": "40.455,35.0,40.5,35.1"}).json()["total"] == 1
    assert client.get("/api/v1/sites/H1").json()["legal_basis"].startswith("GC I art. 19")
    assert client.get("/api/v1/sites/NOPE").status_code == 404
    assert client.get("/api/v1/sites/osm:node/5").json()["category"] == "water_sanitation"  # ids with a slash


def test_screen_a_point_and_a_batch(client: TestClient) -> None:
    request = {"geometry": {"type": "Point", "coordinates": [40.45, 35.02]}, "radius_km": 2}
    body = client.post("/api/v1/sites/screen", json=request).json()
    assert [s["ref"] for s in body["sites"]] == ["H1", "S1"]
    assert body["incidents"][0]["title"] == "Shelling near the hospital"
    assert body["risk"]["level"] == "very_high" and body["risk"]["reasons"]
    batch = {
        "radius_km": 2,
        "points": [
            {"point_id": "a", "latitude": 35.02, "longitude": 40.45},
            {"point_id": "b", "latitude": 0, "longitude": 0},
        ],
    }
    rows = client.post("/api/v1/sites/screen/batch", json=batch).json()
    assert [(r["point_id"], r["sites"], r["risk"]["level"]) for r in rows] == [
        ("a", 2, "very_high"),
        ("b", 0, "low"),
    ]


def test_bad_screening_requests_are_422_with_the_reason(client: TestClient) -> None:
    open_ring = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}
    refused = client.post("/api/v1/sites/screen", json={"geometry": open_ring, "radius_km": 1})
    assert refused.status_code == 422 and "does not close" in refused.text
    out_of_range = {"type": "Point", "coordinates": [200, 0]}
    assert (
        "longitude 200.0 is outside"
        in client.post("/api/v1/sites/screen", json={"geometry": out_of_range, "radius_km": 1}).text
    )
    twice = {"radius_km": 1, "points": [{"point_id": "a", "latitude": 0, "longitude": 0}] * 2}
    assert "duplicate point_id" in client.post("/api/v1/sites/screen/batch", json=twice).text


def test_page_has_the_map_and_screens_a_point(client: TestClient) -> None:
    page = client.get("/sites")
    assert page.status_code == 200
    assert '<div class="map" data-geojson-url="/api/v1/sites" data-cluster="true"></div>' in page.text
    screened = client.get("/sites", params={"lat": 35.02, "lon": 40.45, "radius_km": 2}).text
    assert "Mayadin Hospital" in screened and "very high" in screened
    assert "School &lt;b&gt;1&lt;/b&gt;" in screened  # names are escaped
    assert 'data-geojson-url="/api/v1/sites?bbox=' in screened


def test_nobody_logged_in_gets_401(client: TestClient) -> None:
    client.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    assert client.get("/api/v1/sites").status_code == 401
