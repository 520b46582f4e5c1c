"""The lessons pages: the register, a lesson, and the monthly report as HTML and PDF."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from civharm.db.engine import session_factory
from civharm.lessons.pages import router
from civharm.lessons.schemas import LessonCreate
from civharm.lessons.service import record_observation
from civharm.security.principal import Principal, Role
from civharm.web.deps import get_principal


def _client(engine: Engine, principal: Principal) -> TestClient:
    app = FastAPI()
    app.state.sessions = session_factory(engine)
    app.include_router(router)
    app.dependency_overrides[get_principal] = lambda: principal
    return TestClient(app)


def test_staff_see_the_register_and_the_monthly_report(engine: Engine) -> None:
    with session_factory(engine).begin() as session:
        code = record_observation(
            session,
            data=LessonCreate(title="Late NGO reports", observation="Reports arrive weeks late."),
            actor="ana",
        ).code
    client = _client(engine, Principal("ana", Role.ANALYST))
    register = client.get("/lessons")
    assert register.status_code == 200 and code in register.text
    assert "Late NGO reports" in client.get(f"/lessons/{code}").text
    assert client.get("/lessons/LL-1999-000001").status_code == 404
    month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    html = client.get("/reports/monthly", params={"month": month})
    assert html.status_code == 200 and "Monthly civilian-harm report" in html.text
    assert client.get("/reports/monthly", params={"month": "2026-13"}).status_code == 422


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_report_page_downloads_a_pdf(engine: Engine) -> None:
    client = _client(engine, Principal("ana", Role.ANALYST))
    pdf = client.get("/reports/monthly", params={"month": "2026-03", "format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "civilian-harm-2026-03.pdf" in pdf.headers["content-disposition"]


def test_partners_cannot_read_the_register(engine: Engine) -> None:
    client = _client(engine, Principal("ngo", Role.PARTNER, organisation="NGO"))
    assert client.get("/lessons").status_code == 403
    assert client.get("/reports/monthly", params={"month": "2026-03"}).status_code == 403
