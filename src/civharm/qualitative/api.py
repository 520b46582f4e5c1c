"""JSON API (mounted under /api/v1) of the thematic analysis workbench; restricted per project."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import Response

from civharm.errors import NotFoundError
from civharm.qualitative import service as qual
from civharm.qualitative.access import require_read
from civharm.qualitative.codebook import codebook_qdc, load_codebook
from civharm.qualitative.models import QualProject
from civharm.web.deps import PrincipalDep, SessionDep

router = APIRouter(prefix="/qualitative", tags=["qualitative"])


def _readable(session: SessionDep, principal: PrincipalDep, name: str) -> QualProject:
    try:
        project = qual.get_project(session, name=name)
        require_read(principal, project)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    return project


@router.get("/projects/{name}")
def project_overview(name: str, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    """The six phases, codes and themes of a project (pseudonymised text only)."""
    project = _readable(session, principal, name)
    return {
        "name": project.name,
        "phases": [vars(p) for p in qual.project_progress(session, project=project)],
        "codes": [
            {"id": c.id, "name": c.name, "parent_id": c.parent_id}
            for c in qual.codes_of(session, project=project)
        ],
        "themes": [
            {"name": t.name, "status": t.status.value, "definition": t.definition}
            for t in qual.themes_of(session, project=project)
        ],
    }


@router.get("/projects/{name}/codebook.qdc")
def codebook(name: str, session: SessionDep, principal: PrincipalDep) -> Response:
    """The codebook as REFI-QDA XML."""
    project = _readable(session, principal, name)
    return Response(codebook_qdc(load_codebook(session, project=project)), media_type="application/xml")
