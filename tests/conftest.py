"""Shared fixtures: a store on each backend, the real data folder, the CLI runner."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.security.vault import Vault
from tests.postgres import PostgresUnavailableError, running_postgres


def _find_shared_data() -> Path:
    """``$CIVHARM_SHARED_DATA``, else the nearest ``shared/data`` beside the checkout or above it."""
    if os.environ.get("CIVHARM_SHARED_DATA"):
        return Path(os.environ["CIVHARM_SHARED_DATA"])
    for folder in Path(__file__).resolve().parents[1].parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    return Path(__file__).resolve().parents[2] / "shared" / "data"


SHARED_DATA = _find_shared_data()
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", autouse=True)
def civharm_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One key file for the test session (encryption at rest, audit chain), as `civharm init` makes.

    Named by ``CIVHARM_KEY_FILE``, so engines, the CLI and subprocesses all find it.
    """
    path = tmp_path_factory.mktemp("keys") / "civharm.key"
    Vault.create(path)
    previous = os.environ.get("CIVHARM_KEY_FILE")
    os.environ["CIVHARM_KEY_FILE"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("CIVHARM_KEY_FILE", None)
    else:
        os.environ["CIVHARM_KEY_FILE"] = previous


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    if os.environ.get("CIVHARM_SKIP_POSTGRES") == "1":
        pytest.skip("CIVHARM_SKIP_POSTGRES=1: PostgreSQL tests skipped on purpose")
    try:
        with running_postgres() as url:
            yield url
    except PostgresUnavailableError as exc:
        pytest.fail(str(exc))


def _fresh_postgres_database(server_url: str) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def new_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """Makes an empty database on a backend: for tests needing two stores, or one per module."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'civharm.sqlite3'}"
        return _fresh_postgres_database(request.getfixturevalue("postgres_server"))

    return make


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend (the same test body runs on both)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'civharm.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    return _fresh_postgres_database(server)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A store with the current schema."""
    engine = create_db_engine(db_url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real UCDP and ACLED files; tests that need them skip when the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA
