"""Entry point of the ``civharm`` command."""

from __future__ import annotations

import sys

import typer

from civharm import __version__
from civharm.cli import (
    areas,
    assessments,
    demo,
    exchange,
    imports,
    incidents,
    lessons,
    lifecycle,
    linkage,
    qual,
    report,
    responses,
    security,
    serve,
    sites,
    store,
    survivors,
)
from civharm.cli.context import AppContext
from civharm.config import load_settings
from civharm.errors import CivharmError, InputFileError
from civharm.security.audit import current_actor

app = typer.Typer(
    name="civharm",
    help="Civilian harm tracking, assessment and response.\n\nExample: civharm init && civharm demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(imports.app, name="import")
app.add_typer(incidents.app, name="incidents")
app.add_typer(lifecycle.app, name="incident")
assessments.register(lifecycle.app)
responses.register(lifecycle.app)
app.add_typer(survivors.app, name="survivor")
app.add_typer(report.app, name="report")
app.add_typer(areas.app, name="areas")
app.add_typer(qual.app, name="qual")
app.add_typer(lessons.app, name="lessons")
store.register(app)
demo.register(app)
serve.register(app)
linkage.register(app)
sites.register(app)
security.register(app)
exchange.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"civharm {__version__}")
        raise typer.Exit


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        help="Database URL (sqlite:///path or postgresql://...); default: $CIVHARM_DATABASE_URL.",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Civilian harm tracking, assessment and response.

    Example: civharm --db sqlite:///harm.sqlite3 init
    """
    ctx.obj = AppContext(settings=load_settings(database_url=db))
    current_actor.set(security.cli_actor())  # names the actor of every write in the audit chain


def main() -> None:
    """Run the CLI; domain errors become one clear message and exit code 1."""
    try:
        app()
    except InputFileError as exc:
        typer.echo(str(exc), err=True)
        sys.exit(1)
    except CivharmError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
