"""DEVELOPMENT SIGN-IN ONLY — a stand-in until the security feature's users and sessions land.

Anyone can sign in as any username with any role; there are no passwords. It exists so the
pages can be built and tested end to end, and every page says so in a banner. All of it is
in this one file: replacing it means deleting this module and the one call to
:func:`install` in ``civharm.web.app``, and letting the security feature's middleware set
``request.state.principal`` instead.

The session is a cookie holding the username, role and organisation, signed with HMAC-SHA256
under a key kept in ``<data_dir>/devauth.key`` (created on first use), so it survives
restarts and is shared by several server workers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from civharm.config import Settings
from civharm.security.principal import Principal, Role

COOKIE = "civharm_dev_session"
MAX_AGE_SECONDS = 12 * 3600
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")

LOGIN_PAGE = """{% extends "base.html" %}
{% block title %}Sign in (development){% endblock %}
{% block content %}
<h1>Sign in</h1>
<p class="notice warning" role="note"><strong>Development sign-in.</strong> There are no passwords:
choose a name and a role to see the system as that user sees it. This stands in for real accounts
until the security feature is installed.</p>
{% if error %}<p class="notice error" role="alert">{{ error }}</p>{% endif %}
<form method="post" action="/login" class="stack narrow">
  <input type="hidden" name="next" value="{{ next }}">
  <label for="username">Username</label>
  <input id="username" name="username" required pattern="[A-Za-z0-9_.@\\-]{1,64}" autocomplete="username"
         value="{{ username }}">
  <label for="role">Role</label>
  <select id="role" name="role">
  {% for role in roles %}<option value="{{ role.value }}" {% if role.value == chosen %}selected{% endif %}>
    {{ role.value | label }}</option>{% endfor %}
  </select>
  <label for="organisation">Organisation <span class="hint">(partners and intake users)</span></label>
  <input id="organisation" name="organisation" maxlength="120" value="{{ organisation }}">
  <button type="submit">Sign in</button>
</form>
{% endblock %}
"""


def _key(settings: Settings) -> bytes:
    path = Path(settings.data_dir) / "devauth.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(os.urandom(32))
    return path.read_bytes()


def sign(principal: Principal, key: bytes, *, now: float | None = None) -> str:
    """The cookie value for ``principal``: base64 JSON, a dot, and its HMAC."""
    payload = {
        "u": principal.username,
        "r": principal.role.value,
        "o": principal.organisation,
        "exp": int((now or time.time()) + MAX_AGE_SECONDS),
    }
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    mac = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def verify(value: str, key: bytes, *, now: float | None = None) -> Principal | None:
    """The principal a cookie names, or ``None`` when it is forged, damaged or expired."""
    body, _, mac = value.partition(".")
    expected = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        if payload["exp"] < (now or time.time()):
            return None
        return Principal(username=payload["u"], role=Role(payload["r"]), organisation=payload["o"])
    except (ValueError, KeyError, TypeError):
        return None


class DevSessionMiddleware:
    """Sets ``request.state.principal`` from the signed development cookie (pure ASGI, cheap)."""

    def __init__(self, app: ASGIApp, key: bytes) -> None:
        self.app, self.key = app, key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"cookie":
                    cookies: SimpleCookie = SimpleCookie()
                    cookies.load(value.decode("latin-1"))
                    if COOKIE in cookies:
                        principal = verify(cookies[COOKIE].value, self.key)
                        if principal is not None:
                            scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


def _safe_next(target: str) -> str:
    """Only same-site paths, so the login form cannot be used to send people elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _router(key: bytes) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def render(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        templates = request.app.state.templates
        values = {"next": "/", "username": "", "organisation": "", "chosen": "analyst", "error": None}
        values.update(context)
        html = templates.env.from_string(LOGIN_PAGE).render(request=request, roles=list(Role), **values)
        return HTMLResponse(html, status_code=status)

    @router.get("/login")
    def login_form(request: Request, next: str = "/") -> HTMLResponse:
        return render(request, next=_safe_next(next))

    @router.post("/login", response_model=None)
    def login(
        request: Request,
        username: Annotated[str, Form()],
        role: Annotated[str, Form()],
        organisation: Annotated[str, Form()] = "",
        next: Annotated[str, Form()] = "/",
    ) -> Response:
        if not USERNAME.match(username) or role not in {r.value for r in Role}:
            error = "Choose a username of letters, digits, dots or dashes, and one of the roles."
            return render(request, 422, error=error, username=username, next=_safe_next(next))
        principal = Principal(username=username, role=Role(role), organisation=organisation.strip() or None)
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(
            COOKIE, sign(principal, key), max_age=MAX_AGE_SECONDS, httponly=True, samesite="lax"
        )
        return response

    @router.post("/logout")
    def logout() -> RedirectResponse:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    return router


def install(app: FastAPI, settings: Settings) -> None:
    """Add the development sign-in pages and cookie middleware to ``app``."""
    key = _key(settings)
    app.add_middleware(DevSessionMiddleware, key=key)
    app.include_router(_router(key))
    app.state.dev_login = True
