"""The qualitative and lessons JSON API: restricted projects stay hidden from non-coders."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from civharm.db.engine import session_factory
from civharm.lessons.api import router as lessons_router
from civharm.qualitative import service as qual
from civharm.qualitative.api import router as qual_router
from civharm.security.principal import Principal, Role
from civharm.web.deps import get_principal


def _client(engine: Engine, principal: Principal) -> TestClient:
    app = FastAPI()
    app.state.sessions = session_factory(engine)
    app.include_router(qual_router, prefix="/api/v1")
    app.include_router(lessons_router, prefix="/api/v1")
    app.dependency_overrides[get_principal] = lambda: principal
    return TestClient(app)


def test_coders_read_a_project_and_others_do_not_learn_it_exists(engine: Engine) -> None:
    with session_factory(engine).begin() as session:
        project = qual.create_project(session, name="Interviews", actor="ana", coders=["ana"])
        qual.create_code(session, project=project, name="Water", actor="ana")
    coder = _client(engine, Principal("ana", Role.ANALYST))
    overview = coder.get("/api/v1/qualitative/projects/Interviews").json()
    assert overview["codes"][0]["name"] == "Water" and len(overview["phases"]) == 6
    qdc = coder.get("/api/v1/qualitative/projects/Interviews/codebook.qdc")
    assert ET.fromstring(qdc.content).tag.endswith("CodeBook")
    for outsider in (Principal("bob", Role.ANALYST), Principal("ngo", Role.PARTNER, organisation="NGO")):
        assert _client(engine, outsider).get("/api/v1/qualitative/projects/Interviews").status_code == 404


def test_the_patterns_api_gives_figures_with_their_codes(engine: Engine) -> None:
    client = _client(engine, Principal("ana", Role.ANALYST))
    body = client.get("/api/v1/lessons/patterns", params={"month": "2026-03", "by": "cause"}).json()
    assert body["rows"] == [] and "Poisson" in body["test"]
    assert (
        client.get("/api/v1/lessons/patterns", params={"month": "2026-03", "by": "colour"}).status_code == 422
    )
    assert client.get("/api/v1/lessons").json() == []
