"""The web app's security layer: who is calling, CSRF, headers, cookies.

Mount :class:`SecurityMiddleware` on the app (outermost). For every HTTP request it

1. resolves the session cookie or ``Authorization: Bearer`` token into
   ``request.state.principal`` (``None`` when nobody valid is calling), which
   ``civharm.web.deps.get_principal`` reads, and names the actor for the audit chain;
2. refuses (403) state-changing requests made with the session cookie unless they carry the
   session's CSRF token in the ``X-CSRF-Token`` header or a ``csrf_token`` form field (the
   first field of a multipart form), and any state-changing request whose ``Origin`` is
   another site;
3. adds :func:`civharm.security.headers.security_headers` to every response, and
   ``Cache-Control: no-store`` to responses for a logged-in caller.

Pages put ``request.state.csrf_token`` into their forms; scripts send it as a header.

Example::

    app.add_middleware(SecurityMiddleware, settings=settings)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

import anyio.to_thread
from fastapi import Depends, HTTPException, Request, status
from markupsafe import Markup
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civharm.config import Settings
from civharm.security.audit import current_actor
from civharm.security.auth import AuthPolicy, csrf_token, csrf_valid, resolve_session, resolve_token
from civharm.security.headers import NO_STORE, security_headers
from civharm.security.policy import Access, Action, access_for, permits
from civharm.security.principal import Principal
from civharm.web.deps import PrincipalDep, SessionDep

SESSION_COOKIE = "civharm_session"
#: Over HTTPS the cookie takes the ``__Host-`` prefix: the browser then refuses it unless it is
#: Secure, for this host only and for the whole site.
SECURE_SESSION_COOKIE = "__Host-civharm_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Where the login form's CSRF field may be looked for; larger bodies must send the header.
_FORM_SCAN_BYTES = 64 * 1024


def cookie_name(settings: Settings) -> str:
    return SECURE_SESSION_COOKIE if settings.cookie_secure else SESSION_COOKIE


def session_cookie(token: str, settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``response.set_cookie`` that carry a login session.

    HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure unless
    ``CIVHARM_COOKIE_SECURE=false`` (plain http on localhost), whole site, lives as long as
    the session may.
    """
    return {
        "key": cookie_name(settings),
        "value": token,
        "max_age": int(settings.session_hours * 3600),
        "path": "/",
        "httponly": True,
        "secure": settings.cookie_secure,
        "samesite": "strict",
    }


def expired_session_cookie(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``response.delete_cookie`` matching :func:`session_cookie`."""
    return {
        "key": cookie_name(settings),
        "path": "/",
        "httponly": True,
        "secure": settings.cookie_secure,
        "samesite": "strict",
    }


def _bearer(headers: Headers) -> str | None:
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


def _session_token(headers: Headers, name: str) -> str | None:
    for chunk in headers.get("cookie", "").split(";"):
        key, _, value = chunk.strip().partition("=")
        if key == name and value:
            return value
    return None


def _same_origin(headers: Headers) -> bool:
    """Browsers name the page's site in ``Origin`` on unsafe requests; it must be this one."""
    origin = headers.get("origin")
    if origin is None:
        return True  # not a browser, or an old one; SameSite=Strict still keeps the cookie home
    return origin != "null" and urlsplit(origin).netloc == headers.get("host", "")


def _multipart_field(body: bytes, boundary: bytes, name: str) -> str | None:
    marker = f'name="{name}"'.encode()
    for part in body.split(b"--" + boundary):
        head, separator, value = part.partition(b"\r\n\r\n")
        if separator and marker in head and value.endswith(b"\r\n"):
            return value[:-2].decode(errors="replace")
    return None


def _form_field(content_type: str, body: bytes, name: str) -> str | None:
    kind, _, parameters = content_type.partition(";")
    kind = kind.strip().lower()
    if kind == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(name)
        return values[0] if values else None
    if kind == "multipart/form-data":
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key.lower() == "boundary" and value:
                return _multipart_field(body, value.strip('"').encode(), name)
    return None


class SecurityMiddleware:
    """See the module docstring. ``sessions`` defaults to ``app.state.sessions`` at request time."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        sessions: sessionmaker[Session] | None = None,
        csrf_exempt: Iterable[str] = ("/api/v1/auth/login", "/login"),
    ) -> None:
        self.app = app
        self.settings = settings
        self.sessions = sessions
        self.policy = AuthPolicy.from_settings(settings)
        self.csrf_exempt = frozenset(csrf_exempt)
        self.headers = security_headers(secure=settings.cookie_secure)

    def _resolve(self, scope: Scope, bearer: str | None, cookie: str | None) -> Principal | None:
        sessions = self.sessions or scope["app"].state.sessions
        with sessions.begin() as session:
            if bearer is not None:
                return resolve_token(session, bearer)
            if cookie is not None:
                return resolve_session(session, cookie, policy=self.policy)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        bearer = _bearer(headers)
        cookie = None if bearer else _session_token(headers, cookie_name(self.settings))
        principal = None
        if bearer or cookie:
            principal = await anyio.to_thread.run_sync(self._resolve, scope, bearer, cookie)
        state = scope.setdefault("state", {})
        state["principal"] = principal
        state["csrf_token"] = csrf_token(cookie) if principal is not None and cookie else None
        send = self._with_headers(send, logged_in=principal is not None)
        if scope["method"] in UNSAFE_METHODS:
            refusal, receive = await self._check_unsafe(scope, headers, receive, cookie, principal)
            if refusal is not None:
                await JSONResponse({"detail": refusal}, status_code=status.HTTP_403_FORBIDDEN)(
                    scope, receive, send
                )
                return
        actor = current_actor.set(principal.username if principal else None)
        try:
            await self.app(scope, receive, send)
        finally:
            current_actor.reset(actor)

    async def _check_unsafe(
        self,
        scope: Scope,
        headers: Headers,
        receive: Receive,
        cookie: str | None,
        principal: Principal | None,
    ) -> tuple[str | None, Receive]:
        if not _same_origin(headers):
            return "cross-site request refused", receive
        if cookie is None or principal is None or scope["path"] in self.csrf_exempt:
            return None, receive
        presented = headers.get(CSRF_HEADER)
        if presented is None:
            body, receive = await _peek_body(receive)
            presented = _form_field(headers.get("content-type", ""), body, CSRF_FIELD)
        if not csrf_valid(cookie, presented):
            return "missing or wrong CSRF token; reload the page and try again", receive
        return None, receive

    def _with_headers(self, send: Send, *, logged_in: bool) -> Send:
        extra = {**self.headers, **(NO_STORE if logged_in else {})}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name not in response_headers:
                        response_headers[name] = value
            await send(message)

        return send_with_headers


async def _peek_body(receive: Receive) -> tuple[bytes, Receive]:
    """Read up to the first 64 KiB of the body, and a ``receive`` that replays it."""
    messages: list[Message] = []
    body = b""
    while len(body) < _FORM_SCAN_BYTES:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break

    async def replay() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return body, replay


# --- FastAPI dependencies --------------------------------------------------------------------


def get_access(session: SessionDep, principal: PrincipalDep) -> Access:
    """The acting principal with their per-record grants, for the policy functions."""
    return access_for(session, principal)


AccessDep = Annotated[Access, Depends(get_access)]


def requires(action: Action) -> Callable[[Principal], Principal]:
    """A dependency refusing (403) callers whose role does not allow ``action``.

    Example: ``@router.post("/exports", dependencies=[Depends(requires(Action.EXPORT))])``
    """

    def check(principal: PrincipalDep) -> Principal:
        if not permits(principal, action):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"{principal.role.value} users may not do this")
        return principal

    return check


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def csrf_for(request: Request) -> str:
    """The CSRF token of the caller's login session ('' without one), for pages and scripts."""
    token = getattr(request.state, "csrf_token", None)
    return token if isinstance(token, str) else ""


def csrf_input(request: Request) -> Markup:
    """The hidden form field carrying the CSRF token; put it first in every form that posts."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(csrf_for(request))
