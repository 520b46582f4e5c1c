"""Case-insensitive substring matching that is fast on both backends.

SQLAlchemy's ``ilike`` becomes ``lower(x) LIKE lower(y)`` on SQLite, which costs a function
call per row and column — four times slower over 100,000 rows than SQLite's own ``LIKE``,
which already ignores ASCII case (and SQLite's ``lower()`` folds only ASCII too, so the
results are the same). On PostgreSQL it stays ``ILIKE``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement, literal
from sqlalchemy.sql.expression import FunctionElement


class contains_ci(FunctionElement[bool]):  # noqa: N801 - reads as an SQL function
    """``contains_ci(column, "%text%")``: a case-insensitive LIKE on any backend."""

    type = Boolean()
    inherit_cache = True
    name = "contains_ci"


@compiles(contains_ci)
def _generic(element: contains_ci, compiler: Any, **kw: Any) -> str:
    column, pattern = list(element.clauses)
    return "(" + str(compiler.process(column.ilike(pattern), **kw)) + ")"


@compiles(contains_ci, "sqlite")
def _sqlite(element: contains_ci, compiler: Any, **kw: Any) -> str:
    column, pattern = list(element.clauses)
    return "(" + str(compiler.process(column.like(pattern), **kw)) + ")"


def ci_like(column: ColumnElement[Any] | Any, pattern: str) -> ColumnElement[bool]:
    """Rows where ``column`` matches the LIKE ``pattern``, ignoring case."""
    return contains_ci(column, literal(pattern))


class by_dialect(ColumnElement[bool]):  # noqa: N801 - reads as an SQL construct
    """One condition written two ways: ``per_dialect[name]`` where given, else ``default``."""

    type = Boolean()
    inherit_cache = False  # the two branches are chosen at compile time; nothing to cache by

    def __init__(self, default: ColumnElement[bool], **per_dialect: ColumnElement[bool]) -> None:
        self.default = default
        self.per_dialect = per_dialect


@compiles(by_dialect)
def _by_dialect(element: by_dialect, compiler: Any, **kw: Any) -> str:
    chosen = element.per_dialect.get(compiler.dialect.name, element.default)
    return str(compiler.process(chosen, **kw))


# --- full-text search over incidents (SQLite) ------------------------------------------------

#: The incident columns the list's text search looks in.
INCIDENT_SEARCH_COLUMNS = ("title", "description", "place_name", "code", "place_names")
#: The trigram index answers substrings of three characters or more.
TRIGRAM_MIN = 3

_FTS_TABLE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS fts_incidents USING fts5(
    {", ".join(INCIDENT_SEARCH_COLUMNS)}, content='incidents', content_rowid='id', tokenize='trigram'
)"""
_COLUMNS = ", ".join(INCIDENT_SEARCH_COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in INCIDENT_SEARCH_COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in INCIDENT_SEARCH_COLUMNS)
_TRIGGERS = {
    "fts_incidents_insert": f"""CREATE TRIGGER fts_incidents_insert AFTER INSERT ON incidents BEGIN
        INSERT INTO fts_incidents(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END""",
    "fts_incidents_delete": f"""CREATE TRIGGER fts_incidents_delete AFTER DELETE ON incidents BEGIN
        INSERT INTO fts_incidents(fts_incidents, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD}); END""",
    "fts_incidents_update": f"""CREATE TRIGGER fts_incidents_update AFTER UPDATE ON incidents BEGIN
        INSERT INTO fts_incidents(fts_incidents, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD});
        INSERT INTO fts_incidents(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END""",
}


def ensure_incident_search(connection: Connection) -> bool:
    """Create the SQLite trigram index of incident text and its triggers if any is missing.

    Returns whether anything was (re)built. Safe to call repeatedly; does nothing on
    PostgreSQL. Called by the ``0008_web`` migration and by ``civharm init``, so a later
    migration that rebuilds the incidents table (and with it drops the triggers) is repaired.
    """
    if connection.dialect.name != "sqlite":
        return False
    present = {
        name
        for (name,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name LIKE 'fts_incidents%'"
        )
    }
    missing = [name for name in ("fts_incidents", *_TRIGGERS) if name not in present]
    if not missing:
        return False
    connection.exec_driver_sql(_FTS_TABLE)
    for name, statement in _TRIGGERS.items():
        if name not in present:
            connection.exec_driver_sql(statement)
    connection.exec_driver_sql("INSERT INTO fts_incidents(fts_incidents) VALUES ('rebuild')")
    return True


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: with the trigram tokenizer, a case-insensitive substring."""
    return '"' + text.replace('"', '""') + '"'
