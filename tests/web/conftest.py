"""Fixtures for the web app: an app on each backend, clients signed in as a role, a live server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from argon2 import PasswordHasher, Type
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from civharm.config import Settings
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.demo.load import load_demo
from civharm.security import passwords
from civharm.security.auth import csrf_token
from civharm.security.models import User
from civharm.security.principal import Role
from civharm.security.users import create_user
from civharm.security.web import SESSION_COOKIE
from civharm.web.app import create_app

PASSWORD = "correct-horse-battery"
#: The demo accounts (civharm.security.demo) and the password scripts/run gives them.
DEMO_PASSWORD = "silver-river-demo"


@pytest.fixture(scope="session", autouse=True)
def quick_argon2() -> Iterator[None]:
    """Argon2id at its cheapest for the web tests: the production cost is tested by security's tests."""
    production = passwords.HASHER
    passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1, type=Type.ID)
    yield
    passwords.HASHER = production


def web_settings(tmp_path: Path, database_url: str) -> Settings:
    # Plain http on the test client's host: the session cookie cannot be Secure there.
    return Settings(data_dir=tmp_path / "data", database_url=database_url, cookie_secure=False)


@pytest.fixture
def app(engine: Engine, db_url: str, tmp_path: Path) -> FastAPI:
    """The real app on an empty store of each backend."""
    return create_app(web_settings(tmp_path, db_url), engine=engine)


def ensure_user(
    app: FastAPI, role: Role, username: str, organisation: str | None = None, *, cleared: bool = False
) -> None:
    with app.state.sessions.begin() as session:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(
                session,
                username=username,
                role=role,
                organisation=organisation,
                password=PASSWORD,
                cleared=cleared,
                actor="test",
            )


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    """Sign ``client`` in through the real sign-in page, as a browser would; later requests
    carry the session's CSRF token as scripts on the pages do."""
    response = client.post(
        "/login", data={"username": username, "password": password, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    client.headers["X-CSRF-Token"] = csrf_token(client.cookies[SESSION_COOKIE])
    return client


@pytest.fixture
def client_as(app: FastAPI) -> Iterator[Callable[..., TestClient]]:
    """``client_as(Role.ANALYST)``: a client signed in as a user with that role (several may coexist)."""
    clients: list[TestClient] = []

    def make(
        role: Role, username: str = "tester", organisation: str | None = None, *, cleared: bool = False
    ) -> TestClient:
        ensure_user(app, role, username, organisation, cleared=cleared)
        client = TestClient(app)
        clients.append(client)
        return sign_in(client, username)

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite store with a small demo scenario, shared by the browser and offline tests."""
    folder = tmp_path_factory.mktemp("demo-store")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    with session_factory(engine).begin() as session:
        load_demo(session, incidents=60)
        for user in session.scalars(select(User)):  # as scripts/run does
            user.password_hash = passwords.hash_password(DEMO_PASSWORD)
    engine.dispose()
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(demo_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server on a free loopback port, serving the demo store; yields its base URL."""
    settings = web_settings(tmp_path_factory.mktemp("server-data"), demo_store)
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
