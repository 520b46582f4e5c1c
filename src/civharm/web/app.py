"""The app factory: JSON API under /api/v1, server-rendered pages, feature routers, offline assets.

Example::

    from civharm.config import load_settings
    from civharm.web.app import create_app
    app = create_app(load_settings(database_url="sqlite:///harm.sqlite3"))
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from civharm import __version__
from civharm.config import Settings
from civharm.db.engine import create_db_engine, session_factory
from civharm.security.web import SecurityMiddleware
from civharm.web import api as web_api
from civharm.web import pages as web_pages
from civharm.web.cache import DataVersion, ResponseCache, ResponseCacheMiddleware
from civharm.web.errors import install_error_handlers
from civharm.web.features import Feature, discover_features
from civharm.web.templating import build_templates

API_PREFIX = "/api/v1"
STATIC_DIR = Path(__file__).parent / "static"


def _mount_features(app: FastAPI, features: list[Feature]) -> None:
    for feature in features:
        if feature.api is not None:
            app.include_router(feature.api, prefix=API_PREFIX)
        if feature.pages is not None:
            app.include_router(feature.pages)
        if feature.static is not None:
            app.mount(
                f"/static/{feature.name}",
                StaticFiles(directory=feature.static),
                name=f"static-{feature.name}",
            )


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    """A ready web app on ``settings``' database (or on ``engine`` when one is given, as tests do)."""
    app = FastAPI(
        title="civharm",
        version=__version__,
        summary="Civilian harm tracking, assessment and response: the REST API.",
        openapi_url="/openapi.json",
        docs_url=None,  # the interactive docs pages load their scripts from a CDN; the app stays offline
        redoc_url=None,
    )
    engine = engine or create_db_engine(settings.effective_database_url)
    features = discover_features()
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.templates = build_templates(settings, features)
    app.state.features = [f.name for f in features]
    install_error_handlers(app)
    if settings.web_cache_entries:
        # Added before the security layer, so it runs inside it and knows who is asking.
        cache = ResponseCache(settings.web_cache_entries)
        app.add_middleware(ResponseCacheMiddleware, cache=cache, version=DataVersion(engine))
        app.state.response_cache = cache
    # Who is calling (session cookie or API token), CSRF, security headers: the outermost layer.
    # Sign-in and sign-out are the security feature's own page (/login) and API (/api/v1/auth).
    app.add_middleware(SecurityMiddleware, settings=settings)
    app.include_router(web_api.router, prefix=API_PREFIX)
    app.include_router(web_pages.router)
    _mount_features(app, features)
    app.mount("/static/web", StaticFiles(directory=STATIC_DIR), name="static-web")

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/incidents", status_code=307)

    return app
