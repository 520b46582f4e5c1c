"""The web layer: login cookies, CSRF, bearer tokens, security headers, the actor of writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.templating import Jinja2Templates
from fastapi.testclient import TestClient
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

import civharm.security
from civharm.config import Settings
from civharm.db.engine import session_factory
from civharm.reports.schemas import ReportCreate
from civharm.reports.service import create_report
from civharm.security.api import router as auth_router
from civharm.security.auth import create_token
from civharm.security.models import AuditEntry
from civharm.security.pages import router as pages_router
from civharm.security.principal import Role
from civharm.security.users import create_user
from civharm.security.web import AccessDep, SecurityMiddleware
from civharm.vocabulary import SourceType
from civharm.web.deps import PrincipalDep, SessionDep

PASSWORD = "river-of-seven-bridges"
TEMPLATES = Path(civharm.security.__file__).parent / "templates"
probe = APIRouter()


@probe.get("/whoami")
def whoami(principal: PrincipalDep, access: AccessDep) -> dict[str, object]:
    return {"username": principal.username, "staff": access.staff}


@probe.post("/reports")
async def submit(request: Request) -> dict[str, int]:
    return {"body_bytes": len(await request.body())}


@probe.post("/reports/new")
def new_report(session: SessionDep, principal: PrincipalDep) -> dict[str, int]:
    data = ReportCreate(source_type=SourceType.CIVILIAN_CLAIM, source_name="Walk-in")
    return {"id": create_report(session, data=data, submitted_by=principal.username).id}


#: Stands in for the web app's base template, which lives with the web feature.
BASE_HTML = "<html><body>{% block content %}{% endblock %}</body></html>"


def _app(engine: Engine, *, secure: bool) -> FastAPI:
    settings = Settings(database_url=str(engine.url), cookie_secure=secure, login_max_failures=3)
    app = FastAPI()
    app.state.sessions = session_factory(engine)
    app.state.settings = settings
    loader = ChoiceLoader([FileSystemLoader(TEMPLATES), DictLoader({"base.html": BASE_HTML})])
    app.state.templates = Jinja2Templates(env=Environment(loader=loader, autoescape=True))
    app.include_router(auth_router, prefix="/api/v1")
    app.include_router(pages_router)
    app.include_router(probe, prefix="/api/v1")
    app.add_middleware(SecurityMiddleware, settings=settings)
    return app


@pytest.fixture
def client(engine: Engine, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with sessions.begin() as session:
        create_user(session, username="amal", role=Role.ANALYST, password=PASSWORD, actor="ada")
    with TestClient(_app(engine, secure=True), base_url="https://civharm.test") as client:
        yield client


def _login(client: TestClient) -> str:
    response = client.post("/api/v1/auth/login", json={"username": "amal", "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def test_login_sets_a_strict_host_only_cookie(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"username": "amal", "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-civharm_session=chs_")
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert flag.lower() in cookie.lower()
    assert response.json()["role"] == "analyst"
    assert client.get("/api/v1/whoami").json() == {"username": "amal", "staff": True}


def test_wrong_passwords_are_refused_then_locked(client: TestClient) -> None:
    for _ in range(3):
        refused = client.post(
            "/api/v1/auth/login", json={"username": "amal", "password": "guess-guess-guess"}
        )
        assert refused.status_code == 401
    locked = client.post("/api/v1/auth/login", json={"username": "amal", "password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert client.get("/api/v1/whoami").status_code == 401


def test_cookie_requests_that_change_things_need_the_csrf_token(client: TestClient) -> None:
    token = _login(client)
    assert client.post("/api/v1/reports", content=b"x").status_code == 403
    assert client.post("/api/v1/reports", headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    assert client.post("/api/v1/reports", headers={"X-CSRF-Token": token}).status_code == 200
    form = client.post("/api/v1/reports", data={"csrf_token": token, "note": "kept"})
    assert form.status_code == 200 and form.json()["body_bytes"] > 0  # the body still reaches the route
    upload = client.post("/api/v1/reports", data={"csrf_token": token}, files={"file": ("a.csv", b"id\n1\n")})
    assert upload.status_code == 200
    assert client.post("/api/v1/reports", data={"note": "no token"}).status_code == 403


def test_requests_from_another_site_are_refused(client: TestClient) -> None:
    token = _login(client)
    headers = {"X-CSRF-Token": token, "Origin": "https://evil.example"}
    assert client.post("/api/v1/reports", headers=headers).status_code == 403
    headers["Origin"] = "https://civharm.test"
    assert client.post("/api/v1/reports", headers=headers).status_code == 200


def test_bearer_tokens_need_no_csrf_and_bad_ones_get_401(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        token, _ = create_token(session, username="amal", label="bot")
    bearer = TestClient(client.app, base_url="https://civharm.test")
    headers = {"Authorization": f"Bearer {token}"}
    assert bearer.get("/api/v1/whoami", headers=headers).json()["username"] == "amal"
    assert bearer.post("/api/v1/reports", headers=headers).status_code == 200
    assert bearer.get("/api/v1/whoami", headers={"Authorization": "Bearer cht_forged"}).status_code == 401


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for response in (client.get("/api/v1/whoami"), client.get("/no/such/page")):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "http" not in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "max-age" in response.headers["strict-transport-security"]
    _login(client)
    assert client.get("/api/v1/whoami").headers["cache-control"] == "no-store"


def test_logout_ends_the_session(client: TestClient) -> None:
    token = _login(client)
    cookie = client.cookies.get("__Host-civharm_session")
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": token}).status_code == 204
    again = TestClient(
        client.app, base_url="https://civharm.test", cookies={"__Host-civharm_session": cookie}
    )
    assert again.get("/api/v1/whoami").status_code == 401


def test_writes_in_a_request_are_audited_as_the_logged_in_user(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    token = _login(client)
    created = client.post("/api/v1/reports/new", headers={"X-CSRF-Token": token})
    assert created.status_code == 200
    with sessions() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "reports", AuditEntry.action == "insert")
        ).one()
    assert (entry.actor, entry.record_id) == ("amal", str(created.json()["id"]))


def test_plain_http_on_localhost_uses_a_plain_cookie(engine: Engine, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        create_user(session, username="amal", role=Role.ANALYST, password=PASSWORD, actor="ada")
    with TestClient(_app(engine, secure=False), base_url="http://localhost") as client:
        response = client.post("/api/v1/auth/login", json={"username": "amal", "password": PASSWORD})
        assert response.headers["set-cookie"].startswith("civharm_session=")
        assert "secure" not in response.headers["set-cookie"].lower()
        assert "strict-transport-security" not in response.headers
        assert client.get("/api/v1/whoami").status_code == 200


def test_the_sign_in_page_logs_in_and_out(client: TestClient) -> None:
    form = client.get("/login", params={"next": "/incidents"})
    assert form.status_code == 200 and 'name="password"' in form.text and 'value="/incidents"' in form.text
    refused = client.post("/login", data={"username": "amal", "password": "wrong-password!"})
    assert refused.status_code == 401 and "wrong user name or password" in refused.text
    assert "set-cookie" not in refused.headers
    signed_in = client.post(
        "/login",
        data={"username": "amal", "password": PASSWORD, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
    me = client.get("/api/v1/auth/me").json()
    assert me["username"] == "amal" and len(me["csrf_token"]) == 64
    assert client.post("/logout", follow_redirects=False).status_code == 403  # no CSRF token
    out = client.post("/logout", data={"csrf_token": me["csrf_token"]}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/api/v1/whoami").status_code == 401
