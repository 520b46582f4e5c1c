"""``civharm report ...``: reports across incidents. Other features add their reports to this group."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from civharm.assessments.status import status_report
from civharm.cli.context import app_context
from civharm.vocabulary import IncidentStatus

app = typer.Typer(help="Reports across incidents.", no_args_is_help=True)


@app.command("status")
def status_command(
    ctx: typer.Context,
    state: list[IncidentStatus] = typer.Option([], "--state", help="Only these states (repeatable)."),
    include_closed: bool = typer.Option(False, "--closed", help="Include closed incidents."),
    overdue_only: bool = typer.Option(False, "--overdue", help="Only overdue incidents."),
    limit: int = typer.Option(200, min=1, help="At most this many rows."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Incidents by state with their ages, overdue ones first.

    Example: civharm report status --overdue
    """
    context = app_context(ctx)
    with context.session() as session:
        rows = status_report(session, settings=context.settings, states=state, include_closed=include_closed)
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    shown = rows[:limit]
    if as_json:
        items = [
            {
                "code": r.code,
                "title": r.title,
                "status": r.status.value,
                "topics": [t.value for t in r.topics],
                "days_in_state": r.days_in_state,
                "days_open": r.days_open,
                "overdue": [
                    {"kind": f.kind, "days_over": f.days_over, "message": f.message} for f in r.overdue
                ],
            }
            for r in shown
        ]
        typer.echo(json.dumps({"total": len(rows), "items": items}, indent=2, ensure_ascii=False))
        return
    overdue = sum(1 for r in rows if r.overdue)
    table = Table(
        "code",
        "state",
        "days in state",
        "days open",
        "topics",
        "overdue",
        "title",
        title=f"{len(rows):,} incident(s), {overdue:,} overdue",
    )
    for r in shown:
        topics = ",".join(t.value for t in r.topics)
        flags = "; ".join(f.message for f in r.overdue)
        table.add_row(r.code, r.status.value, str(r.days_in_state), str(r.days_open), topics, flags, r.title)
    Console(width=200, highlight=False).print(table)
