"""The ASGI entry point servers load: ``uvicorn --factory civharm.web.asgi:app_factory``.

Settings come from the environment (``CIVHARM_*``), so every server worker builds the same app.
"""

from __future__ import annotations

from fastapi import FastAPI

from civharm.config import load_settings
from civharm.web.app import create_app


def app_factory() -> FastAPI:
    return create_app(load_settings())
