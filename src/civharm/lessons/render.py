"""Render the lessons documents: HTML with Jinja2, PDF with WeasyPrint, never reaching the network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from civharm.errors import ValidationError

_ENV: Environment | None = None


def environment() -> Environment:
    global _ENV  # one template cache per process; templates never change at run time
    if _ENV is None:
        _ENV = Environment(
            loader=PackageLoader("civharm.lessons", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENV


def render_html(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def _offline_fetcher(url: str, *args: Any, **kwargs: Any) -> Any:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"the report may not fetch {url}: documents are rendered offline")


def html_to_pdf(html: str) -> bytes:
    """A PDF of ``html``; images must be inline (SVG or data: URLs)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, url_fetcher=_offline_fetcher).write_pdf()
    return pdf


def write_document(path: Path, html: str, *, also: str = "") -> None:
    """Write ``html`` as .html or .pdf, chosen by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        path.write_text(html, encoding="utf-8")
    elif suffix == ".pdf":
        path.write_bytes(html_to_pdf(html))
    else:
        raise ValidationError(f"cannot write {path.name}: use .html{also} or .pdf")
