"""Security tables: users, login sessions, API tokens, login throttling, grants, the audit chain."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civharm.db.base import Base, utcnow
from civharm.db.types import str_enum
from civharm.security.principal import Role


class User(Base):
    """Someone who may log in. Partner and intake users belong to an organisation."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    organisation: Mapped[str | None] = mapped_column(String(120))
    #: Cleared to see restricted fields (identities) of every record.
    cleared: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Argon2id hash; ``None`` until a password is set, and then nobody can log in as this user.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))
    password_changed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]


class AuthSession(Base):
    """A browser login. Only a hash of the cookie's token is stored."""

    __tablename__ = "auth_sessions"
    __table_args__ = (Index("ix_auth_sessions_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    client: Mapped[str | None] = mapped_column(String(64))


class ApiToken(Base):
    """A bearer token for a machine client, acting as its user. Shown once, stored hashed."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The token's first characters, so a user can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginThrottle(Base):
    """Failed logins counted per user name and per client address, shared by every process."""

    __tablename__ = "login_throttle"

    #: ``user:<name>`` or ``addr:<address>``.
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]


class GrantLevel(StrEnum):
    #: See the incident (and its reports and casualty records) as if released to you.
    READ = "read"
    #: Staff only: also see the incident's restricted fields, such as survivors' names.
    RESTRICTED = "restricted"


class AccessGrant(Base):
    """A per-record permission on one incident, for one user or a whole organisation."""

    __tablename__ = "access_grants"
    __table_args__ = (
        CheckConstraint("(username IS NULL) <> (organisation IS NULL)", name="one_grantee"),
        Index("ix_access_grants_incident_id", "incident_id"),
        Index("ix_access_grants_username", "username"),
        Index("ix_access_grants_organisation", "organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    username: Mapped[str | None] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(120))
    level: Mapped[GrantLevel] = mapped_column(str_enum(GrantLevel))
    reason: Mapped[str] = mapped_column(Text, default="")
    granted_by: Mapped[str] = mapped_column(String(120))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One link of the hash chain. Every column is text or an integer, so the bytes that were
    sealed are the bytes read back, on either backend."""

    __tablename__ = "audit_log"

    #: 1, 2, 3, ... without gaps: a missing number is a removed entry.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(120))
    #: ``insert``, ``update``, ``delete``, ``link``, ``unlink``, ``bulk``, ``import``, ``read``, ...
    action: Mapped[str] = mapped_column(String(32))
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(64))
    #: Canonical JSON: changed field names and row digests, never personal values.
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's newest link, in one row: appends lock it, so concurrent writers queue."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: A random name for this store, naming its checkpoint file outside the database.
    store_id: Mapped[str] = mapped_column(String(32))
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
