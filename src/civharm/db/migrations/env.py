"""Alembic environment: runs against the engine civharm passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from civharm.db.registry import metadata

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - only when alembic is run by hand
    from civharm.config import load_settings
    from civharm.db.engine import create_db_engine

    engine = create_db_engine(load_settings().effective_database_url)


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave SQLite's full-text index (a virtual table and its shadow tables) out of autogenerate."""
    return not (type_ == "table" and (name or "").startswith("fts_incidents"))


with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    context.run_migrations()
