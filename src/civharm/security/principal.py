"""Who is acting: the one object every service, page and export receives to decide what is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a user may do (issue: access control). Per-record permissions sit on top."""

    ADMIN = "admin"
    ANALYST = "analyst"
    ASSESSOR = "assessor"
    APPROVER = "approver"
    #: May submit reports and sees only what they submitted.
    INTAKE = "intake"
    #: Sees only what is released to their organisation; never comments, history or restricted fields.
    PARTNER = "partner"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user (or machine client acting for one)."""

    username: str
    role: Role
    #: The partner organisation a partner or intake user belongs to (``None`` for staff).
    organisation: str | None = None
    user_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role not in (Role.PARTNER, Role.INTAKE)


#: The principal used by local command-line work on one's own store, and by the demo loader.
SYSTEM = Principal(username="system", role=Role.ADMIN)
