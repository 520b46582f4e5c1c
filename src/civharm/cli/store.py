"""``civharm init`` and ``civharm stats``."""

from __future__ import annotations

import json

import typer

from civharm.cli.context import app_context
from civharm.db.schema import current_revision, refresh_statistics, upgrade_schema
from civharm.stats import store_stats


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("stats")(stats)


def init(ctx: typer.Context) -> None:
    """Create the schema, or upgrade it to this version of civharm, and refresh the query
    planner's statistics (worth re-running after large imports). Safe to run again.

    Example: civharm --db sqlite:///harm.sqlite3 init
    """
    context = app_context(ctx)
    upgrade_schema(context.engine)
    refresh_statistics(context.engine)
    typer.echo(f"schema at {current_revision(context.engine)} in {context.engine.url.render_as_string()}")


def stats(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Counts of reports, incidents and casualty records, by source and topic.

    Example: civharm stats --json
    """
    with app_context(ctx).session() as session:
        figures = store_stats(session)
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        if isinstance(value, dict):
            typer.echo(f"{key}:")
            for name, n in value.items():
                typer.echo(f"  {name:<32} {n:>10,}")
        else:
            typer.echo(f"{key:<34} {value:>10,}")
