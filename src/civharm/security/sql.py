"""SQL constructs the visibility policy needs that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class json_list_contains(FunctionElement[bool]):  # noqa: N801 - reads like the SQL function it is
    """True when a JSON list column holds ``value`` as one of its elements (exact match).

    Example: ``select(Incident).where(json_list_contains(Incident.releasable_to, "UNHCR"))``
    """

    type = Boolean()
    name = "json_list_contains"
    inherit_cache = True


@compiles(json_list_contains, "sqlite")
def _contains_sqlite(element: json_list_contains, compiler: SQLCompiler, **kw: Any) -> str:
    column, value = list(element.clauses)
    return (
        f"EXISTS (SELECT 1 FROM json_each({compiler.process(column, **kw)}) "
        f"WHERE json_each.value = {compiler.process(value, **kw)})"
    )


@compiles(json_list_contains, "postgresql")
def _contains_postgresql(element: json_list_contains, compiler: SQLCompiler, **kw: Any) -> str:
    column, value = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({column} @> jsonb_build_array(CAST({value} AS TEXT)))"
