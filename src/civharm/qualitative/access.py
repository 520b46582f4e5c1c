"""Who may read a qualitative project: interview data can identify people, so it is restricted."""

from __future__ import annotations

from civharm.errors import NotFoundError
from civharm.qualitative.models import QualProject
from civharm.security.principal import Principal, Role


def may_read(principal: Principal, project: QualProject) -> bool:
    """Admins and the project's coders; other staff only when the project is not restricted.

    Partners and intake users never see interview material.
    """
    if not principal.is_staff:
        return False
    if principal.role == Role.ADMIN or principal.username in project.coders:
        return True
    return not project.restricted


def require_read(principal: Principal, project: QualProject) -> None:
    # Saying "not found" rather than "forbidden" does not confirm that a restricted study exists.
    if not may_read(principal, project):
        raise NotFoundError(f"no qualitative project named {project.name}")
