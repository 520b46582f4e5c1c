"""Fixtures for the web app: an app on each backend, clients signed in as a role, a live server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from civharm.config import Settings
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.demo.load import load_demo
from civharm.security.principal import Role
from civharm.web.app import create_app


def web_settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url)


@pytest.fixture
def app(engine: Engine, db_url: str, tmp_path: Path) -> FastAPI:
    """The real app on an empty store of each backend."""
    return create_app(web_settings(tmp_path, db_url), engine=engine)


def sign_in(
    client: TestClient, role: Role, username: str = "tester", organisation: str | None = None
) -> TestClient:
    """Sign ``client`` in through the development sign-in form, as a browser would."""
    response = client.post(
        "/login",
        data={"username": username, "role": role.value, "organisation": organisation or "", "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def client_as(app: FastAPI) -> Iterator[Callable[..., TestClient]]:
    """``client_as(Role.ANALYST)``: a client signed in with that role (several may coexist)."""
    clients: list[TestClient] = []

    def make(role: Role, username: str = "tester", organisation: str | None = None) -> TestClient:
        client = TestClient(app)
        clients.append(client)
        return sign_in(client, role, username, organisation)

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
    engine.dispose()
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(demo_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server on a free loopback port, serving the demo store; yields its base URL."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("server-data"), database_url=demo_store)
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
