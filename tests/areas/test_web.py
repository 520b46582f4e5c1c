"""The areas API and pages, in a bare FastAPI app, with the demo's areas loaded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from civharm.areas import api, pages
from civharm.areas.demo import DEMO_FRAMEWORK, DEMO_RUN, load_areas_demo
from civharm.security.principal import Principal, Role
from civharm.web.deps import get_principal
from tests.factories import make_incident


@pytest.fixture
def client(engine: Engine, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with sessions.begin() as session:
        for month in range(1, 8):  # seven months of incidents in two towns
            make_incident(
                session,
                date_start=date(2025, month, 10),
                date_end=date(2025, month, 10),
                latitude=35.0198,
                longitude=40.4515,
                killed_min=month,
                killed_max=month + 2,
            )
            make_incident(session, date_start=date(2025, month, 3), date_end=date(2025, month, 3),
                          latitude=34.45, longitude=40.92, killed_min=1, killed_max=1)  # fmt: skip
        summary = load_areas_demo(session)
        assert summary.cells == 70 and summary.forecasts > 0
        assert load_areas_demo(session).already_loaded
    app = FastAPI()
    app.state.sessions = sessions
    app.include_router(api.router, prefix="/api/v1")
    app.include_router(pages.router)
    app.dependency_overrides[get_principal] = lambda: Principal("ana", Role.ANALYST)
    with TestClient(app) as test_client:
        yield test_client


def test_maps_profile_and_partner_view(client: TestClient) -> None:
    """One app per backend (loading the demo's areas takes a few seconds); each check is a story."""
    check_geojson(client)
    check_pages(client)
    check_partner_view(client)


def check_geojson(client: TestClient) -> None:
    scored = client.get("/api/v1/areas", params={"framework": DEMO_FRAMEWORK}).json()
    assert scored["type"] == "FeatureCollection" and len(scored["features"]) == 70
    properties = [f["properties"] for f in scored["features"]]
    assert all(p["score"] is None or 0 <= p["score"] <= 10 for p in properties)
    assert {p["class"] for p in properties} <= {"very_low", "low", "medium", "high", "very_high", ""}
    assert scored["features"][0]["geometry"]["type"] == "Polygon"
    listed = client.get("/api/v1/areas/frameworks").json()
    assert listed["frameworks"] == [DEMO_FRAMEWORK] and listed["forecast_runs"][0]["run"] == DEMO_RUN
    forecast = client.get("/api/v1/areas", params={"run": DEMO_RUN, "month": "2025-08"}).json()
    values = {f["properties"]["code"]: f["properties"]["forecast"] for f in forecast["features"]}
    assert values["180441"] > values["179000"] >= 0  # Al Mayadin's cell, busiest, against a quiet one


def check_pages(client: TestClient) -> None:
    page = client.get("/areas")
    assert page.status_code == 200
    assert 'class="map" data-geojson-url="/api/v1/areas?framework=' in page.text
    assert 'data-color-property="score"' in page.text and 'data-color-property="forecast_score"' in page.text
    cell = next(
        f
        for f in client.get("/api/v1/areas", params={"framework": DEMO_FRAMEWORK}).json()["features"]
        if f["properties"]["code"] == "180441"
    )
    profile = client.get(cell["properties"]["url"])
    assert profile.status_code == 200
    assert "PRIO-GRID 180441 (Al Mayadin)" in profile.text and "human_security_risk" in profile.text
    assert "synthetic (demo)" in profile.text and "2025-07" in profile.text
    as_json = client.get(f"/api/v1/areas/{cell['properties']['id']}").json()
    assert as_json["harm_by_month"][0] == {
        "month": "2025-01",
        "topic": "poc",
        "incidents": 1,
        "civilians_killed": 1,
    }
    assert client.get("/areas/999999").status_code == 404


def check_partner_view(client: TestClient) -> None:
    """Partners do not see harm counts until the visibility policy decides what they may see."""
    app = client.app
    assert isinstance(app, FastAPI)
    app.dependency_overrides[get_principal] = lambda: Principal("p", Role.PARTNER, organisation="NGO")
    first = client.get("/api/v1/areas", params={"kind": "priogrid"}).json()["features"][0]["properties"]
    assert client.get(f"/api/v1/areas/{first['id']}").json()["harm_by_month"] == []
