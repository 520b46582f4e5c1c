"""JSON endpoints for logging in and out and for a user's own API tokens (under ``/api/v1``).

- ``POST /auth/login`` ``{"username", "password"}``: sets the session cookie; returns the user
  and the CSRF token (401 wrong credentials, 429 locked with ``Retry-After``).
- ``POST /auth/logout``: ends the session and clears the cookie.
- ``GET /auth/me``: the caller and, for a cookie session, the CSRF token.
- ``GET /auth/tokens``, ``POST /auth/tokens`` ``{"label", "days"}`` (the token is in this
  response only), ``DELETE /auth/tokens/{id}``.

The app must run :class:`civharm.security.web.SecurityMiddleware` and keep its ``Settings`` in
``app.state.settings``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from civharm.config import Settings
from civharm.errors import AuthenticationError, NotFoundError, TooManyAttemptsError, ValidationError
from civharm.security.auth import (
    AuthPolicy,
    authenticate,
    create_token,
    csrf_token,
    end_session,
    list_tokens,
    revoke_token,
    start_session,
)
from civharm.security.canonical import normalise
from civharm.security.principal import Principal
from civharm.security.web import client_address, cookie_name, expired_session_cookie, session_cookie
from civharm.web.deps import PrincipalDep, SessionDep

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=1, max_length=1024)


class TokenRequest(BaseModel):
    label: str = Field(min_length=1, max_length=120)
    days: int | None = Field(default=90, ge=1, le=3650)


def _settings(request: Request) -> Settings:
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else Settings()


def _who(principal: Principal) -> dict[str, Any]:
    return {
        "username": principal.username,
        "role": principal.role.value,
        "organisation": principal.organisation,
        "cleared": principal.sees_all_restricted,
    }


@router.post("/login")
def login(body: LoginRequest, request: Request, response: Response, session: SessionDep) -> dict[str, Any]:
    settings = _settings(request)
    policy = AuthPolicy.from_settings(settings)
    try:
        principal = authenticate(
            session, body.username, body.password, client=client_address(request), policy=policy
        )
    except TooManyAttemptsError as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, str(exc), headers={"Retry-After": str(exc.retry_after_seconds)}
        ) from exc
    except AuthenticationError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc)) from exc
    token, row = start_session(session, principal, client=client_address(request), policy=policy)
    response.set_cookie(**session_cookie(token, settings))
    return {**_who(principal), "csrf_token": csrf_token(token), "expires_at": normalise(row.expires_at)}


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, response: Response, session: SessionDep) -> None:
    settings = _settings(request)
    token = request.cookies.get(cookie_name(settings))
    if token:
        end_session(session, token)
    response.delete_cookie(**expired_session_cookie(settings))


@router.get("/me")
def me(request: Request, principal: PrincipalDep) -> dict[str, Any]:
    return {**_who(principal), "csrf_token": getattr(request.state, "csrf_token", None)}


def _token_view(row: Any) -> dict[str, Any]:
    expires: datetime | None = row.expires_at
    return {
        "id": row.id,
        "label": row.label,
        "prefix": row.prefix,
        "created_at": normalise(row.created_at),
        "expires_at": normalise(expires) if expires else None,
        "revoked": row.revoked_at is not None,
    }


@router.get("/tokens")
def my_tokens(session: SessionDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    return [_token_view(t) for t in list_tokens(session, username=principal.username)]


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def new_token(body: TokenRequest, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    try:
        token, row = create_token(session, username=principal.username, label=body.label, days=body.days)
    except (NotFoundError, ValidationError) as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    return {**_token_view(row), "token": token}


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def drop_token(token_id: int, session: SessionDep, principal: PrincipalDep) -> None:
    try:
        revoke_token(session, token_id=token_id, username=principal.username)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
