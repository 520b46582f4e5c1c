"""Per-record permissions: give a user or an organisation access to one incident."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.errors import NotFoundError, ValidationError
from civharm.incidents.models import Incident
from civharm.security.models import AccessGrant, GrantLevel, User
from civharm.security.policy import Action, forget_access, require
from civharm.security.principal import Principal, Role


def grant(
    session: Session,
    *,
    incident: Incident,
    level: GrantLevel,
    username: str | None = None,
    organisation: str | None = None,
    reason: str = "",
    expires_at: datetime | None = None,
    granted_by: Principal,
) -> AccessGrant:
    """Grant ``level`` access to ``incident`` to one user or one organisation.

    ``restricted`` grants go to staff users only: partners never see restricted fields.

    Example: ``grant(session, incident=i, level=GrantLevel.READ, organisation="UNHCR", granted_by=me)``
    """
    require(granted_by, Action.RELEASE)
    if (username is None) == (organisation is None):
        raise ValidationError("grant to exactly one of a user or an organisation")
    if level is GrantLevel.RESTRICTED:
        user = session.scalar(select(User).where(User.username == username)) if username else None
        if user is None or user.role in (Role.PARTNER, Role.INTAKE):
            raise ValidationError("restricted access can be granted only to a staff user")
    elif username is not None and session.scalar(select(User.id).where(User.username == username)) is None:
        raise NotFoundError(f"no user {username}")
    row = AccessGrant(
        incident_id=incident.id,
        username=username,
        organisation=organisation,
        level=level,
        reason=reason,
        granted_by=granted_by.username,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    forget_access(session)
    return row


def grants_of(session: Session, *, incident: Incident) -> list[AccessGrant]:
    query = select(AccessGrant).where(AccessGrant.incident_id == incident.id).order_by(AccessGrant.id)
    return list(session.scalars(query))


def revoke_grant(session: Session, *, grant_id: int, revoked_by: Principal) -> None:
    require(revoked_by, Action.RELEASE)
    row = session.get(AccessGrant, grant_id)
    if row is None:
        raise NotFoundError(f"no grant {grant_id}")
    session.delete(row)
    session.flush()
    forget_access(session)
