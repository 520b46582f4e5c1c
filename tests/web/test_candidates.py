"""Duplicate candidates through the real app: the engine's answers on the intake form and the API."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from civharm.security.principal import Role
from tests.linkage.scene import ADMIN1, LAT, LON, NAME, ORG, PLACE, TEXT, Scene, build_scene

ClientAs = Callable[..., TestClient]
DRAFT = {
    "date_start": "2026-03-14",
    "date_precision": "day",
    "latitude": LAT,
    "longitude": LON,
    "location_precision": "settlement",
    "place_name": PLACE,
    "admin1": ADMIN1,
    "killed_min": 4,
    "original_text": TEXT,
}


def _scene(sessions: sessionmaker[Session]) -> Scene:
    with sessions.begin() as session:
        return build_scene(session)


def test_a_partner_asking_the_api_gets_five_of_theirs_with_the_engines_reasons(
    app: FastAPI, sessions: sessionmaker[Session], client_as: ClientAs
) -> None:
    scene = _scene(sessions)
    response = client_as(Role.PARTNER, "fpn", ORG).post("/api/v1/reports/candidates", json=DRAFT)
    assert response.status_code == 200, response.text
    found = response.json()
    assert len(found) == 5 and {c["code"] for c in found} <= set(scene.visible)
    assert NAME not in response.text and not any(code in response.text for code in scene.hidden_from_partner)
    best = found[0]
    assert 0 < best["probability"] <= 1 and best["distance_km"] >= 1.9 and best["days_apart"] == 0
    assert any(r.startswith("place: same name") for r in best["reasons"])
    ages = {"date_start": "0001-01-01", "date_end": "9999-12-31", "place_name": PLACE}
    assert (
        client_as(Role.PARTNER, "fpn", ORG).post("/api/v1/reports/candidates", json=ages).status_code == 200
    )
    analyst = client_as(Role.ANALYST, "ana").post("/api/v1/reports/candidates", json=DRAFT).json()
    assert {c["code"] for c in analyst} <= {
        *scene.internal,
        *scene.other_org,
    }  # better matches, theirs to see


def test_the_intake_form_lists_engine_candidates_with_score_and_reasons(
    app: FastAPI, sessions: sessionmaker[Session], client_as: ClientAs
) -> None:
    scene = _scene(sessions)
    intake = client_as(Role.INTAKE, "desk", ORG)
    form = {**{k: str(v) for k, v in DRAFT.items()}, "source_name": "Desk claim", "source_type": "ngo"}
    page = intake.post("/reports/new/candidates", data=form)
    assert page.status_code == 200 and "Possible duplicate of" in page.text
    shown = [code for code in scene.visible if code in page.text]
    assert len(shown) == 5 and "% likely the same" in page.text and "place: same name" in page.text
    assert NAME not in page.text and not any(code in page.text for code in scene.hidden_from_partner)
    # the engine's own route answers intake users too, as scoped
    engine = intake.post(
        "/api/v1/linkage/candidates",
        json={
            "date": "2026-03-14",
            "latitude": LAT,
            "longitude": LON,
            "place_name": PLACE,
            "description": TEXT,
        },
    )
    assert engine.status_code == 200 and {c["code"] for c in engine.json()} <= set(scene.visible)
    assert len(engine.json()) == 5
