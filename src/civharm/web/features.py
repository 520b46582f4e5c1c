"""Find feature packages that bring web routers, templates or static files, by convention.

A feature package ``civharm.<feature>`` takes part when it has any of:

* ``api.py`` with ``router: APIRouter`` — JSON endpoints, mounted under ``/api/v1``;
* ``pages.py`` with ``router: APIRouter`` — HTML pages, mounted at the root;
* ``templates/`` — added to the template search path (``<feature>/*.html`` inside it);
* ``static/`` — served at ``/static/<feature>/``.

Nothing has to be registered anywhere: merging a feature branch is enough.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter

import civharm

#: Packages that are not features (the web app itself, plumbing, the command line).
NOT_FEATURES = frozenset({"web", "cli", "db", "demo", "ingest"})


@dataclass(frozen=True)
class Feature:
    name: str
    api: APIRouter | None
    pages: APIRouter | None
    templates: Path | None
    static: Path | None


def _router(module_name: str) -> APIRouter | None:
    if importlib.util.find_spec(module_name) is None:
        return None
    module = importlib.import_module(module_name)
    router = getattr(module, "router", None)
    if not isinstance(router, APIRouter):
        raise TypeError(f"{module_name} must define `router: APIRouter`")
    return router


def discover_features() -> list[Feature]:
    """Every ``civharm.<feature>`` package with web parts, in name order."""
    root = Path(civharm.__file__).parent
    features = []
    for info in sorted(pkgutil.iter_modules([str(root)]), key=lambda m: m.name):
        if not info.ispkg or info.name in NOT_FEATURES:
            continue
        folder = root / info.name
        feature = Feature(
            name=info.name,
            api=_router(f"civharm.{info.name}.api"),
            pages=_router(f"civharm.{info.name}.pages"),
            templates=folder / "templates" if (folder / "templates").is_dir() else None,
            static=folder / "static" if (folder / "static").is_dir() else None,
        )
        if feature.api or feature.pages or feature.templates or feature.static:
            features.append(feature)
    return features
