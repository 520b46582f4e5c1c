"""``civharm demo``: load the synthetic scenario."""

from __future__ import annotations

import typer

from civharm.cli.context import app_context
from civharm.db.schema import upgrade_schema
from civharm.demo.scenario import OPERATION
from civharm.security.vault import Vault


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    incidents: int = typer.Option(150, min=10, max=100_000, help="How many events to invent."),
    seed: int = typer.Option(7, help="Random seed; the same seed gives the same scenario."),
) -> None:
    """Create the schema if needed and load a clearly labelled synthetic scenario.

    Real places of the Euphrates valley (offline GeoNames data), invented events told by
    several sources with duplicates, all five human-security topics and every lifecycle
    state. Titles start with [DEMO]. Running it again changes nothing.

    Example: civharm demo --incidents 300
    """
    from civharm.demo.load import load_demo  # pulls in every feature's demo: only when asked

    context = app_context(ctx)
    Vault.ensure(context.settings.effective_key_file)
    upgrade_schema(context.engine)
    with context.session() as session:
        summary = load_demo(session, seed=seed, incidents=incidents)
    if summary.already_loaded:
        typer.echo("demo data is already loaded; nothing changed")
        return
    typer.echo(
        f"{OPERATION}: {summary.incidents} incidents, {summary.reports} reports "
        f"({summary.unlinked_reports} awaiting triage), {summary.casualties} casualty records (restricted)"
    )
    typer.echo(
        "synthetic users demo-admin, demo-analyst, demo-caseworker, demo-approver, demo-intake and "
        "demo-partner have no password yet: set one with `civharm user password NAME`"
    )
