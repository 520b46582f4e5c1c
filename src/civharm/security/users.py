"""Managing users: add, list, disable, set passwords. Each change is audited like any write."""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from civharm.db.base import utcnow
from civharm.errors import ConflictError, NotFoundError, ValidationError
from civharm.security.models import AuthSession, User
from civharm.security.passwords import check_new_password, hash_password
from civharm.security.principal import Principal, Role

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,119}$")
ORGANISATION_PATTERN = re.compile(r"^[\w][\w .&()'/-]{0,119}$")


def principal_of(user: User) -> Principal:
    return Principal(
        username=user.username,
        role=user.role,
        organisation=user.organisation,
        user_id=user.id,
        cleared=user.cleared,
    )


def _check_profile(username: str, role: Role, organisation: str | None, cleared: bool) -> None:
    if not USERNAME_PATTERN.match(username):
        raise ValidationError(
            f"user name {username!r} must be 2-120 lower-case letters, digits or . _ @ -, "
            "starting with a letter or digit"
        )
    if organisation is not None and not ORGANISATION_PATTERN.match(organisation):
        raise ValidationError(f"organisation {organisation!r} has characters civharm does not accept")
    if role is Role.PARTNER and not organisation:
        raise ValidationError("a partner user needs --organisation: partners see what is released to it")
    if cleared and role in (Role.PARTNER, Role.INTAKE):
        raise ValidationError(f"{role.value} users cannot be cleared for restricted fields")


def create_user(
    session: Session,
    *,
    username: str,
    role: Role,
    password: str | None = None,
    organisation: str | None = None,
    cleared: bool = False,
    actor: str,
) -> User:
    """Add a user; without a password nobody can log in as them until one is set.

    Example: ``create_user(session, username="amal", role=Role.ANALYST, password=pw, actor="admin")``
    """
    _check_profile(username, role, organisation, cleared)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"user {username} exists already")
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        cleared=cleared,
        created_by=actor,
        disabled=False,
    )
    if password is not None:
        check_new_password(password, username=username)
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, *, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user {username}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def set_password(session: Session, *, username: str, password: str) -> User:
    """Set a new password and end the user's other login sessions."""
    user = get_user(session, username=username)
    check_new_password(password, username=username)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
    session.flush()
    return user


def set_disabled(session: Session, *, username: str, disabled: bool) -> User:
    """Disable (or re-enable) a user. A disabled user's sessions end and their tokens stop working."""
    user = get_user(session, username=username)
    user.disabled = disabled
    if disabled:
        session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
    session.flush()
    return user
