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
    #: Cleared to see restricted fields (survivors' identities) of every record; admins always are.
    #: Others may be cleared for single incidents by a grant (see ``civharm.security.grants``).
    cleared: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role not in (Role.PARTNER, Role.INTAKE)

    @property
    def sees_all_restricted(self) -> bool:
        return self.role is Role.ADMIN or (self.cleared and self.is_staff)


#: The principal used by local command-line work on one's own store, and by the demo loader.
SYSTEM = Principal(username="system", role=Role.ADMIN)
