"""JSON API (mounted under /api/v1): harm patterns with their incident codes, and the register."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status

from civharm.errors import ValidationError
from civharm.lessons import service
from civharm.lessons.patterns import DIMENSIONS, month_period
from civharm.lessons.patterns_service import patterns_for
from civharm.lessons.schemas import LessonPublic
from civharm.web.deps import PrincipalDep, SessionDep

router = APIRouter(prefix="/lessons", tags=["lessons"])


def _staff(principal: PrincipalDep) -> None:
    if not principal.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the lessons register is internal to the cell")


@router.get("/patterns")
def harm_patterns(
    session: SessionDep,
    principal: PrincipalDep,
    month: Annotated[str, Query(description="YYYY-MM")],
    by: Annotated[list[str] | None, Query(description="dimensions")] = None,
) -> dict[str, Any]:
    """Every figure with the codes of the incidents behind it (the visibility policy goes in ``scope``)."""
    _staff(principal)
    dimensions = tuple(by or DIMENSIONS)
    if unknown := [d for d in dimensions if d not in DIMENSIONS]:
        raise HTTPException(422, f"unknown dimension {', '.join(unknown)}")
    try:
        report = patterns_for(session, period=month_period(month), dimensions=dimensions)
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
