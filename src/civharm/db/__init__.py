"""Engine, session and schema management for SQLite (embedded) and PostgreSQL (multi-user)."""

from civharm.db.base import Base
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import current_revision, upgrade_schema

__all__ = ["Base", "create_db_engine", "current_revision", "session_factory", "upgrade_schema"]
