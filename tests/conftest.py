"""Shared fixtures: a store on each backend, the real data folder, the CLI runner."""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
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


# The gate draws the same examples on every run, so a green main stays green and a red one is
# reproducible; CIVHARM_HYPOTHESIS=explore draws fresh ones when hunting for new failures.
settings.register_profile("gate", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("CIVHARM_HYPOTHESIS", "gate"))

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
            _admin(url).dispose()  # before the server stops
    except PostgresUnavailableError as exc:
        pytest.fail(str(exc))


@functools.cache
def _admin(server_url: str) -> Engine:
    """One engine per server for creating and dropping the tests' databases, kept for the session."""
    return create_engine(server_url, isolation_level="AUTOCOMMIT")


def _fresh_postgres_database(server_url: str, template: str | None = None) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with _admin(server_url).connect() as connection:
        clause = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str, civharm_key: Path) -> str:
    """A database with the current schema that each test's database is copied from.

    Running every migration for each test costs a second or more; copying a template costs
    a few milliseconds. The migrations themselves still run here, once per session.
    """
    url = _fresh_postgres_database(postgres_server)
    engine = create_db_engine(url)
    upgrade_schema(engine)
    engine.dispose()
    return url.rsplit("/", 1)[1]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, civharm_key: Path) -> Path:
    """An SQLite store with the current schema, copied for each test (see ``postgres_template``)."""
    path = tmp_path_factory.mktemp("template") / "civharm.sqlite3"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    engine.dispose()  # the last connection to close folds the write-ahead log into the file
    return path


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
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database with the current schema on each backend (the same test runs on both)."""
    if request.param == "sqlite":
        path = tmp_path / "civharm.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        _name_the_copy(url)
        yield url
        return
    server = request.getfixturevalue("postgres_server")
    url = _fresh_postgres_database(server, template=request.getfixturevalue("postgres_template"))
    _name_the_copy(url)
    yield url
    with _admin(server).connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))


def _name_the_copy(url: str) -> None:
    """Give a copied store its own identity, as a store made by ``civharm init`` has.

    The audit chain's checkpoint outside the database is filed under this id, so copies that
    shared the template's id would overwrite each other's checkpoints.
    """
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_head SET store_id = :id"), {"id": uuid.uuid4().hex})
    engine.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A store with the current schema."""
    engine = create_db_engine(db_url)
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
