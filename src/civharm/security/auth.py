"""Logging in: passwords, lock-out, login sessions, API tokens and CSRF tokens.

Secrets handed to clients (session cookies, API tokens) are 256-bit random strings; only
their SHA-256 is stored, so a copy of the database lets nobody log in. Failed logins are
counted per user name and per client address in the database, in their own transaction, so
a lock-out holds across processes and survives the failed request's rollback.

Example::

    principal = authenticate(session, "amal", password, client="10.0.0.7")
    token, _ = start_session(session, principal, client="10.0.0.7")
    ...
    principal = resolve_session(session, token)
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from civharm.config import Settings
from civharm.db.base import table_of, utcnow
from civharm.errors import AuthenticationError, NotFoundError, TooManyAttemptsError, ValidationError
from civharm.security.models import ApiToken, AuthSession, LoginThrottle, User
from civharm.security.passwords import hash_password, needs_rehash, verify_password
from civharm.security.principal import Principal
from civharm.security.users import get_user, principal_of

SESSION_TOKEN_PREFIX = "chs_"
API_TOKEN_PREFIX = "cht_"
#: A session's last-seen time is written once this share of the idle limit has passed (3 minutes
#: of the default hour), not on every request: each write is a commit, and a commit empties every
#: worker's answer cache (civharm.web.cache). A session so ends idle up to 5 % early, never late.
_TOUCH_SHARE = 0.05


@dataclass(frozen=True)
class AuthPolicy:
    """Session lifetimes and lock-out thresholds (from :class:`civharm.config.Settings`)."""

    session_hours: float = 12
    session_idle_minutes: int = 60
    max_failures: int = 5
    lockout_minutes: int = 15

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthPolicy:
        return cls(
            session_hours=settings.session_hours,
            session_idle_minutes=settings.session_idle_minutes,
            max_failures=settings.login_max_failures,
            lockout_minutes=settings.login_lockout_minutes,
        )


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; civharm stores UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


# --- lock-out ---------------------------------------------------------------------------------


def _throttle_keys(username: str, client: str | None) -> list[str]:
    keys = [f"user:{username.strip().lower()[:190]}"]
    if client:
        keys.append(f"addr:{client[:190]}")
    return keys


def _locked_for(connection: Connection, keys: list[str], now: datetime) -> int:
    """Seconds until every key is unlocked (0: none is locked)."""
    table = table_of(LoginThrottle)
    rows = connection.execute(select(table.c.locked_until).where(table.c.key.in_(keys))).scalars()
    remaining = [(as_utc(until) - now).total_seconds() for until in rows if until is not None]
    return max([math.ceil(r) for r in remaining if r > 0], default=0)


def _register_failure(connection: Connection, keys: list[str], now: datetime, policy: AuthPolicy) -> None:
    table = table_of(LoginThrottle)
    window = timedelta(minutes=policy.lockout_minutes)
    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    for key in keys:
        connection.execute(
            dialect_insert(table)
            .values(key=key, failures=0, window_started_at=now, locked_until=None)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        row = connection.execute(select(table).where(table.c.key == key).with_for_update()).one()
        failures = row.failures + 1
        started = as_utc(row.window_started_at)
        if now - started > window:
            failures, started = 1, now
        locked_until = now + window if failures >= policy.max_failures else row.locked_until
        connection.execute(
            update(table)
            .where(table.c.key == key)
            .values(failures=failures, window_started_at=started, locked_until=locked_until)
        )


def _forget_failures(connection: Connection, key: str) -> None:
    connection.execute(delete(table_of(LoginThrottle)).where(table_of(LoginThrottle).c.key == key))


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    client: str | None = None,
    policy: AuthPolicy | None = None,
) -> Principal:
    """The principal for a correct user name and password, else ``AuthenticationError``.

    After ``policy.max_failures`` failures within ``policy.lockout_minutes`` for a user name
    (whether it exists or not) or a client address, logins are refused with
    ``TooManyAttemptsError`` for that long, without checking the password. Call it before the
    session has written anything: the failure count is committed on a connection of its own.
    """
    policy = policy or AuthPolicy()
    now = utcnow()
    keys = _throttle_keys(username, client)
    with _engine_of(session).begin() as connection:
        wait = _locked_for(connection, keys, now)
    if wait:
        minutes = math.ceil(wait / 60)
        raise TooManyAttemptsError(
            f"too many failed logins; try again in {minutes} minute{'s' if minutes != 1 else ''}",
            retry_after_seconds=wait,
        )
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    matched = verify_password(user.password_hash if user else None, password)
    if user is None or not matched or user.disabled:
        with _engine_of(session).begin() as connection:
            _register_failure(connection, keys, now, policy)
        raise AuthenticationError("wrong user name or password")
    with _engine_of(session).begin() as connection:
        _forget_failures(connection, keys[0])
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    session.flush()
    return principal_of(user)


def unlock(session: Session, *, username: str) -> None:
    """Clear a user name's failed logins (an admin's action)."""
    _forget_failures(session.connection(), _throttle_keys(username, None)[0])


# --- login sessions ---------------------------------------------------------------------------


def start_session(
    session: Session, principal: Principal, *, client: str | None = None, policy: AuthPolicy | None = None
) -> tuple[str, AuthSession]:
    """A new login session; returns the token for the cookie (shown once) and the stored row."""
    if principal.user_id is None:
        raise ValidationError("only a stored user can start a login session")
    policy = policy or AuthPolicy()
    token = _new_token(SESSION_TOKEN_PREFIX)
    now = utcnow()
    row = AuthSession(
        token_hash=token_hash(token),
        user_id=principal.user_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=policy.session_hours),
        client=(client or "")[:64] or None,
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_session(
    session: Session, token: str, *, policy: AuthPolicy | None = None, now: datetime | None = None
) -> Principal | None:
    """The principal of a live session token; ``None`` when unknown, expired, idle or disabled."""
    if not token.startswith(SESSION_TOKEN_PREFIX):
        return None
    policy = policy or AuthPolicy()
    now = now or utcnow()
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == token_hash(token)))
    if row is None:
        return None
    idle_limit = as_utc(row.last_seen_at) + timedelta(minutes=policy.session_idle_minutes)
    if as_utc(row.expires_at) <= now or idle_limit <= now:
        session.delete(row)
        session.flush()
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    if now - as_utc(row.last_seen_at) >= timedelta(minutes=policy.session_idle_minutes * _TOUCH_SHARE):
        row.last_seen_at = now
        session.flush()
    return principal_of(user)


def end_session(session: Session, token: str) -> None:
    session.execute(delete(AuthSession).where(AuthSession.token_hash == token_hash(token)))


def csrf_token(session_token: str) -> str:
    """The CSRF token of a login session: derived from its secret, so it needs no storage and
    nobody without the (HttpOnly) cookie can compute it."""
    return hmac.new(session_token.encode(), b"civharm csrf v1", hashlib.sha256).hexdigest()


def csrf_valid(session_token: str, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(csrf_token(session_token), presented)


# --- API tokens -------------------------------------------------------------------------------


def create_token(
    session: Session, *, username: str, label: str, days: int | None = 90
) -> tuple[str, ApiToken]:
    """A bearer token acting as ``username``; the secret is returned once and stored hashed."""
    user = get_user(session, username=username)
    if user.disabled:
        raise ValidationError(f"user {username} is disabled")
    if days is not None and days <= 0:
        raise ValidationError("a token must be valid for at least one day")
    token = _new_token(API_TOKEN_PREFIX)
    now = utcnow()
    row = ApiToken(
        user_id=user.id,
        label=label[:120] or "token",
        token_hash=token_hash(token),
        prefix=token[: len(API_TOKEN_PREFIX) + 6],
        created_at=now,
        expires_at=now + timedelta(days=days) if days is not None else None,
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_token(session: Session, token: str, *, now: datetime | None = None) -> Principal | None:
    """The principal of a valid API token; ``None`` when unknown, revoked, expired or disabled."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    now = now or utcnow()
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and as_utc(row.expires_at) <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    return principal_of(user)


def list_tokens(session: Session, *, username: str) -> list[ApiToken]:
    user = get_user(session, username=username)
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_token(session: Session, *, token_id: int, username: str | None = None) -> ApiToken:
    """Revoke a token (only one of ``username``'s, when given)."""
    row = session.get(ApiToken, token_id)
    if row is None or (username is not None and row.user_id != get_user(session, username=username).id):
        raise NotFoundError(f"no API token {token_id}")
    row.revoked_at = row.revoked_at or utcnow()
    session.flush()
    return row
