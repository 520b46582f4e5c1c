"""Create or upgrade the schema with Alembic, from inside the program."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from civharm.db.text import ensure_incident_search

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest). Safe to run repeatedly."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def refresh_statistics(engine: Engine) -> None:
    """``ANALYZE``: tell the query planner how values are spread, so filtered lists pick the right index.

    Also checks that SQLite's full-text index of incidents and its triggers are in place.

    Without statistics SQLite guesses, and at 100,000 incidents a wrong guess costs a
    hundredfold (sorting thousands of rows instead of walking an index).
    """
    with engine.begin() as connection:
        ensure_incident_search(connection)  # repaired here if a later migration rebuilt the table
        connection.exec_driver_sql("ANALYZE")
