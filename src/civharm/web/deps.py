"""FastAPI dependencies every router uses: the database session and the acting principal.

Feature routers declare ``session: SessionDep`` and ``principal: PrincipalDep``. The app
factory stores the session factory in ``app.state.sessions``; the authentication layer sets
``request.state.principal`` for a logged-in user or a valid API token. Nothing else decides
who is acting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session, sessionmaker

from civharm.security.principal import Principal


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, committed when the handler returns without error."""
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions.begin() as session:
        yield session


def get_principal(request: Request) -> Principal:
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "log in or send an API token")
    return principal


#: ``scope="function"``: the session commits before the response is sent. Otherwise a browser
#: following a redirect (sign-in, a submitted form) can arrive before the write is committed.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
