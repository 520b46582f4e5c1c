"""The sign-in page and sign-out for browsers: ``GET/POST /login``, ``POST /logout``.

The page extends the web app's ``base.html``; the app keeps its ``Jinja2Templates`` in
``app.state.templates`` and its ``Settings`` in ``app.state.settings``. A wrong password and
an unknown user get the same answer; repeated failures lock the name and the address.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from civharm.config import Settings
from civharm.errors import AuthenticationError, TooManyAttemptsError
from civharm.security.auth import AuthPolicy, authenticate, end_session, start_session
from civharm.security.web import client_address, cookie_name, expired_session_cookie, session_cookie
from civharm.web.deps import SessionDep

router = APIRouter(include_in_schema=False)


def _settings(request: Request) -> Settings:
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else Settings()


def safe_next(target: str) -> str:
    """Only paths on this site, so the form cannot send people elsewhere after signing in."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


def _page(request: Request, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    values: dict[str, Any] = {"next": "/", "username": "", "error": None, **context}
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, "security/login.html", values, status_code=status_code
    )
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return _page(request, next=safe_next(next))


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=120)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    settings = _settings(request)
    policy = AuthPolicy.from_settings(settings)
    client = client_address(request)
    try:
        principal = authenticate(session, username, password, client=client, policy=policy)
    except TooManyAttemptsError as exc:
        page = _page(request, status_code=429, next=safe_next(next), username=username, error=str(exc))
        page.headers["Retry-After"] = str(exc.retry_after_seconds)
        return page
    except AuthenticationError as exc:
        return _page(request, status_code=401, next=safe_next(next), username=username, error=str(exc))
    token, _ = start_session(session, principal, client=client, policy=policy)
    response = RedirectResponse(safe_next(next), status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(**session_cookie(token, settings))
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> RedirectResponse:
    settings = _settings(request)
    token = request.cookies.get(cookie_name(settings))
    if token:
        end_session(session, token)
    response = RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(**expired_session_cookie(settings))
    return response
