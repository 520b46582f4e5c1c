"""``civharm incidents list|show``."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from civharm.casualties.service import casualties_of_incident
from civharm.cli.context import app_context
from civharm.incidents.schemas import IncidentDetail, IncidentSummary
from civharm.incidents.service import IncidentFilter, list_incidents, report_count
from civharm.reports.service import reports_of_incident
from civharm.security.policy import show_incident, visible_incident
from civharm.security.principal import SYSTEM
from civharm.vocabulary import IncidentStatus, Topic

app = typer.Typer(help="List and read incidents.", no_args_is_help=True)


def _range(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "?"
    if low == high:
        return str(low)
    return f"{'' if low is None else low}-{'' if high is None else high}"


@app.command("list")
def list_command(
    ctx: typer.Context,
    topic: list[Topic] = typer.Option([], "--topic", help="Only these topics (repeatable)."),
    status: list[IncidentStatus] = typer.Option([], "--status", help="Only these states (repeatable)."),
    country: str | None = typer.Option(None, "--country", help="ISO 3166-1 alpha-3 code, e.g. SYR."),
    date_from: str | None = typer.Option(None, "--from", help="Incidents on or after YYYY-MM-DD."),
    date_to: str | None = typer.Option(None, "--to", help="Incidents on or before YYYY-MM-DD."),
    text: str | None = typer.Option(None, "--search", help="Words in the title, description or place."),
    sort: str = typer.Option("-date", help="date, code, killed, updated or status; prefix - for descending."),
    limit: int = typer.Option(50, min=1, max=10_000),
    offset: int = typer.Option(0, min=0),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List incidents, newest first, with filters.

    Example: civharm incidents list --topic crsv --status under_assessment --country SYR
    """
    filters = IncidentFilter(
        topics=tuple(topic),
        statuses=tuple(status),
        country_iso3=country,
        date_from=date.fromisoformat(date_from) if date_from else None,
        date_to=date.fromisoformat(date_to) if date_to else None,
        text=text,
    )
    with app_context(ctx).session() as session:
        rows, total = list_incidents(
            session, principal=SYSTEM, filters=filters, sort=sort, limit=limit, offset=offset
        )
        items = [IncidentSummary.model_validate(r).model_dump(mode="json") for r in rows]
    if as_json:
        typer.echo(json.dumps({"total": total, "items": items}, indent=2, ensure_ascii=False))
        return
    table = Table(
        "code", "date", "place", "topics", "status", "killed", "injured", title=f"{total:,} incident(s)"
    )
    for item in items:
        table.add_row(
            item["code"],
            item["date_start"] or "",
            item["place_name"] or "",
            ",".join(item["topics"]),
            item["status"],
            _range(item["killed_min"], item["killed_max"]),
            _range(item["injured_min"], item["injured_max"]),
        )
    Console(width=None if sys.stdout.isatty() else 200).print(table)


@app.command("show")
def show_command(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The incident's code, e.g. CH-2026-000123."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one incident with its reports and (pseudonymised) casualty records.

    Example: civharm incidents show CH-2026-000001
    """
    with app_context(ctx).session() as session:
        incident = visible_incident(session, SYSTEM, code)
        show_incident(session, SYSTEM, incident)  # records the read when the incident is restricted
        detail = IncidentDetail.model_validate(incident).model_copy(
            update={"report_count": report_count(session, incident, principal=SYSTEM)}
        )
        data: dict[str, Any] = detail.model_dump(mode="json")
        data["reports"] = [
            {
                "id": r.id,
                "source": f"{r.source_name} ({r.source_type.value})",
                "date": r.date_start.isoformat() if r.date_start else None,
                "place": r.place_name,
                "killed": _range(r.killed_min, r.killed_max),
                "reliability": r.reliability.value,
            }
            for r in reports_of_incident(session, incident_id=incident.id, principal=SYSTEM)
        ]
        # Names are restricted; the command line shows pseudonyms only.
        data["casualties"] = [
            {
                "pseudonym": c.pseudonym,
                "outcome": c.outcome.value,
                "sex": c.sex.value,
                "age_group": c.age_group.value,
            }
            for c in casualties_of_incident(session, incident_id=incident.id, principal=SYSTEM)
        ]
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    console = Console()
    console.print(f"[bold]{data['code']}[/bold]  {data['title']}")
    for key in (
        "status",
        "topics",
        "date_start",
        "date_end",
        "date_precision",
        "place_name",
        "admin1",
        "country_iso3",
    ):
        console.print(f"  {key:<16} {data[key]}")
    console.print(f"  {'killed':<16} {_range(data['killed_min'], data['killed_max'])}")
    console.print(f"  {'injured':<16} {_range(data['injured_min'], data['injured_max'])}")
    console.print(f"  {'previous codes':<16} {', '.join(data['previous_codes']) or '-'}")
    console.print(f"\n{data['description']}\n")
    console.print(f"{len(data['reports'])} report(s):")
    for r in data["reports"]:
        console.print(f"  #{r['id']} {r['date']} {r['source']} killed {r['killed']} ({r['reliability']})")
    console.print(f"{len(data['casualties'])} casualty record(s) (names restricted):")
    for c in data["casualties"]:
        console.print(f"  {c['pseudonym']} {c['outcome']} {c['sex']} {c['age_group']}")
