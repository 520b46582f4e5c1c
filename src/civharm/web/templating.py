"""The Jinja2 environment every page uses: one search path, shared filters and globals."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from civharm.config import Settings
from civharm.security.web import csrf_for, csrf_input
from civharm.web.features import Feature

WEB_TEMPLATES = Path(__file__).parent / "templates"
EN_DASH = "\u2013"

#: Words that read better with their own capitals or spelling than a plain capitalised value.
SPECIAL_LABELS = {
    "poc": "PoC",
    "caac": "CAAC",
    "crsv": "CRSV",
    "thb": "THB",
    "cpp": "CPP",
    "un": "UN",
    "ngo": "NGO",
    "cbrn_weapons": "CBRN weapons",
    "uxo": "UXO",
}


def label(value: Any) -> str:
    """A vocabulary value as words: ``under_assessment`` → ``Under assessment``, ``crsv`` → ``CRSV``."""
    if value is None:
        return "—"
    text = value.value if isinstance(value, Enum) else str(value)
    if text in SPECIAL_LABELS:
        return SPECIAL_LABELS[text]
    words = [SPECIAL_LABELS.get(w, w) for w in text.split("_")]
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])


def count_range(low: int | None, high: int | None) -> str:
    """A casualty range for reading: ``3``, ``2\u20135`` (en dash), ``at least 2``, ``unknown``."""
    if low is None and high is None:
        return "unknown"
    if high is None:
        return f"at least {low}"
    if low is None:
        return f"up to {high}"
    return str(low) if low == high else f"{low}{EN_DASH}{high}"


def when(value: date | datetime | str | None) -> str:
    """A date or moment for reading; ISO text (as the policy's projections carry) is read first."""
    if value is None:
        return "—"
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def query_string(params: Mapping[str, Any], **changes: Any) -> str:
    """``params`` with ``changes`` applied (``None`` removes a key), as ``?a=1&b=2``."""
    merged: dict[str, Any] = {}
    for key in params:
        values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
        merged[key] = [v for v in values if v not in ("", None)]
    for key, value in changes.items():
        merged[key] = [] if value is None else [value]
    pairs = [(k, v) for k, values in merged.items() for v in values]
    return "?" + urlencode(pairs) if pairs else "?"


def build_templates(settings: Settings, features: list[Feature]) -> Jinja2Templates:
    """Templates from the web app and every feature's ``templates/`` folder."""
    folders = [WEB_TEMPLATES, *(f.templates for f in features if f.templates)]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in folders]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(label=label, count_range=count_range, when=when)
    env.globals.update(
        settings=settings,
        query_string=query_string,
        csrf_field=csrf_input,
        csrf_token=csrf_for,
        principal_of=principal_of,
    )
    return Jinja2Templates(env=env)


def principal_of(request: Request) -> Any:
    """The acting principal for a template (``None`` when nobody is logged in)."""
    return getattr(request.state, "principal", None)


def render(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> Response:
    """Render template ``name`` with ``context`` (the request is always available to it)."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status_code)
