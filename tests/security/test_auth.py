"""Passwords, lock-out, login sessions, CSRF and API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from civharm.db.base import utcnow
from civharm.db.engine import create_db_engine, session_factory
from civharm.errors import AuthenticationError, TooManyAttemptsError, ValidationError
from civharm.security import passwords
from civharm.security.auth import (
    AuthPolicy,
    authenticate,
    create_token,
    csrf_token,
    csrf_valid,
    resolve_session,
    resolve_token,
    revoke_token,
    start_session,
    token_hash,
    unlock,
)
from civharm.security.models import ApiToken, AuthSession, User
from civharm.security.passwords import verify_password
from civharm.security.principal import Role
from civharm.security.users import create_user, set_disabled, set_password

PASSWORD = "river-of-seven-bridges"


@pytest.fixture
def amal(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        create_user(session, username="amal", role=Role.ANALYST, password=PASSWORD, actor="admin")


def test_passwords_are_stored_as_argon2id_hashes(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "HASHER", passwords.PRODUCTION_HASHER)
    with sessions.begin() as session:
        create_user(session, username="amal", role=Role.ANALYST, password=PASSWORD, actor="admin")
    with sessions() as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored is not None and stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in stored
    assert verify_password(stored, PASSWORD) and not verify_password(stored, PASSWORD + "x")


def test_weak_passwords_and_bad_profiles_are_refused(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        with pytest.raises(ValidationError, match="at least 12 characters"):
            create_user(session, username="nadia", role=Role.ANALYST, password="short", actor="admin")
        with pytest.raises(ValidationError, match="must not be the user name"):
            create_user(
                session, username="nadia-analyst", role=Role.ANALYST, password="Nadia-Analyst", actor="a"
            )
        with pytest.raises(ValidationError, match="needs --organisation"):
            create_user(session, username="ngo-reader", role=Role.PARTNER, actor="admin")
        with pytest.raises(ValidationError, match="cannot be cleared"):
            create_user(
                session, username="ngo-reader", role=Role.PARTNER, organisation="NRC", cleared=True, actor="a"
            )


def test_login_gives_the_principal_and_a_wrong_password_is_refused(
    sessions: sessionmaker[Session], amal: None
) -> None:
    with sessions.begin() as session:
        principal = authenticate(session, "amal", PASSWORD)
        assert (principal.username, principal.role) == ("amal", Role.ANALYST)
    with sessions() as session, pytest.raises(AuthenticationError, match="wrong user name or password"):
        authenticate(session, "amal", "not-the-password")
    with sessions() as session, pytest.raises(AuthenticationError, match="wrong user name or password"):
        authenticate(session, "nobody", PASSWORD)


def test_lock_out_holds_across_processes_and_expires(
    sessions: sessionmaker[Session], db_url: str, amal: None
) -> None:
    policy = AuthPolicy(max_failures=3, lockout_minutes=15)
    for _ in range(3):
        with sessions() as session, pytest.raises(AuthenticationError):
            authenticate(session, "amal", "guess", client="203.0.113.9", policy=policy)
    # Another process (its own engine and connections) sees the lock, even with the right password.
    other = create_db_engine(db_url)
    try:
        with session_factory(other)() as session, pytest.raises(TooManyAttemptsError) as locked:
            authenticate(session, "amal", PASSWORD, client="198.51.100.1", policy=policy)
        assert 0 < locked.value.retry_after_seconds <= 15 * 60
        # The address that guessed is locked for other user names too.
        with session_factory(other)() as session, pytest.raises(TooManyAttemptsError):
            authenticate(session, "someone-else", "guess", client="203.0.113.9", policy=policy)
    finally:
        other.dispose()
    with sessions.begin() as session:
        unlock(session, username="amal")
    with sessions.begin() as session:
        assert authenticate(session, "amal", PASSWORD, policy=policy).username == "amal"


def test_disabled_users_cannot_log_in(sessions: sessionmaker[Session], amal: None) -> None:
    with sessions.begin() as session:
        set_disabled(session, username="amal", disabled=True)
    with sessions() as session, pytest.raises(AuthenticationError):
        authenticate(session, "amal", PASSWORD)


def test_sessions_expire_absolutely_and_when_idle(sessions: sessionmaker[Session], amal: None) -> None:
    policy = AuthPolicy(session_hours=8, session_idle_minutes=30)
    with sessions.begin() as session:
        token, _ = start_session(session, authenticate(session, "amal", PASSWORD), policy=policy)
    now = utcnow()
    with sessions.begin() as session:
        assert session.scalars(select(AuthSession.token_hash)).one() == token_hash(token) != token
        assert resolve_session(session, token, policy=policy, now=now + timedelta(minutes=20)) is not None
        assert resolve_session(session, token, policy=policy, now=now + timedelta(minutes=45)) is not None
    with sessions.begin() as session:  # 45 minutes after the last request: idle too long
        assert resolve_session(session, token, policy=policy, now=now + timedelta(minutes=100)) is None
        assert resolve_session(session, token, policy=policy, now=now) is None  # and gone for good
    with sessions.begin() as session:
        token, _ = start_session(session, authenticate(session, "amal", PASSWORD), policy=policy)
    with sessions.begin() as session:
        for minutes in range(25, 8 * 60, 25):  # active all day ...
            assert resolve_session(session, token, policy=policy, now=now + timedelta(minutes=minutes))
        assert resolve_session(session, token, policy=policy, now=now + timedelta(hours=8, minutes=1)) is None


def test_a_new_password_or_disabling_ends_sessions(sessions: sessionmaker[Session], amal: None) -> None:
    with sessions.begin() as session:
        token, _ = start_session(session, authenticate(session, "amal", PASSWORD))
    with sessions.begin() as session:
        set_password(session, username="amal", password="a-whole-new-passphrase")
    with sessions.begin() as session:
        assert resolve_session(session, token) is None


def test_csrf_tokens_are_bound_to_the_session() -> None:
    first, second = "chs_first-session-secret", "chs_second-session-secret"
    assert csrf_valid(first, csrf_token(first))
    assert not csrf_valid(first, csrf_token(second))
    assert not csrf_valid(first, None) and not csrf_valid(first, "")


def test_api_tokens_are_shown_once_stored_hashed_and_can_be_revoked(
    sessions: sessionmaker[Session], engine: Engine, amal: None
) -> None:
    with sessions.begin() as session:
        token, row = create_token(session, username="amal", label="nightly import", days=30)
        token_id = row.id
    assert token.startswith("cht_") and len(token) > 40
    with sessions.begin() as session:
        stored = session.get_one(ApiToken, token_id)
        assert stored.token_hash == token_hash(token) and token not in (stored.prefix, stored.token_hash)
        principal = resolve_token(session, token)
        assert principal is not None and principal.username == "amal"
        assert resolve_token(session, token + "x") is None
        assert resolve_token(session, token, now=utcnow() + timedelta(days=31)) is None
    with sessions.begin() as session:
        set_disabled(session, username="amal", disabled=True)
    with sessions.begin() as session:
        assert resolve_token(session, token) is None
        set_disabled(session, username="amal", disabled=False)
        revoke_token(session, token_id=token_id)
    with sessions.begin() as session:
        assert resolve_token(session, token) is None
