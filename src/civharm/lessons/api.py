"""JSON API (mounted under /api/v1): harm patterns with their incident codes, and the register."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy import Select

from civharm.errors import ValidationError
from civharm.lessons import service
from civharm.lessons.patterns import DIMENSIONS, month_period
from civharm.lessons.patterns_service import patterns_for
from civharm.lessons.schemas import LessonPublic
from civharm.security.policy import incident_scope, may_see_history
from civharm.security.principal import Principal
from civharm.web.deps import PrincipalDep, SessionDep

router = APIRouter(prefix="/lessons", tags=["lessons"])


def policy_scope(principal: Principal) -> Callable[[Select[Any]], Select[Any]]:
    """The central policy's incident condition, in the form the lessons queries take."""
    return lambda query: query.where(incident_scope(principal))


def _staff(principal: PrincipalDep) -> None:
    # Internal to the cell: the central policy's "internal workflow" decision (staff roles).
    if not may_see_history(principal):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the lessons register is internal to the cell")


@router.get("/patterns")
def harm_patterns(
    session: SessionDep,
    principal: PrincipalDep,
    month: Annotated[str, Query(description="YYYY-MM")],
    by: Annotated[list[str] | None, Query(description="dimensions")] = None,
) -> dict[str, Any]:
    """Every figure with the codes of the incidents behind it, over the incidents the reader may see."""
    _staff(principal)
    dimensions = tuple(by or DIMENSIONS)
    if unknown := [d for d in dimensions if d not in DIMENSIONS]:
        raise HTTPException(422, f"unknown dimension {', '.join(unknown)}")
    try:
        report = patterns_for(
            session, period=month_period(month), dimensions=dimensions, scope=policy_scope(principal)
        )
    except ValidationError as exc:
        raise HTTPException(422, str(exc)) from exc
    return {
        "period": str(report.period),
        "previous": str(report.previous),
        "test": report.test,
        "rows": [{**vars(r), "killed": list(r.killed), "injured": list(r.injured)} for r in report.rows],
    }


@router.get("")
def lessons(session: SessionDep, principal: PrincipalDep) -> list[LessonPublic]:
    _staff(principal)
    return [service.to_public(lesson) for lesson in service.list_lessons(session)]
