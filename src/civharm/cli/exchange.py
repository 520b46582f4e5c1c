"""``civharm import hxl|geojson|csv|xlsx|kobo|package``, ``civharm export``, ``civharm release``,
``civharm rfi`` and ``civharm exchange``: sharing with partners, thin over civharm.exchange."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.cli.acting import ACTOR, actor_name
from civharm.cli.context import app_context
from civharm.cli.imports import app as import_app
from civharm.errors import ValidationError
from civharm.exchange.forms import write_xlsform
from civharm.exchange.imports import import_file
from civharm.exchange.mapping import list_mappings, save_mapping
from civharm.exchange.release import approve, export, list_releases, refuse
from civharm.exchange.requests import (
    answer_request,
    create_request,
    list_requests,
    request_state,
    withdraw_request,
)
from civharm.exchange.writers import FORMATS
from civharm.incidents.service import IncidentFilter
from civharm.security.models import User
from civharm.security.principal import Principal, Role
from civharm.security.users import principal_of
from civharm.vocabulary import IncidentStatus, Topic

release_app = typer.Typer(
    help="The release log: approve or refuse exports waiting for a second person.", no_args_is_help=True
)
rfi_app = typer.Typer(
    help="Requests for information sent to partners and outside experts.", no_args_is_help=True
)
exchange_app = typer.Typer(help="Column mappings and the intake form for partners.", no_args_is_help=True)
mapping_app = typer.Typer(help="Saved column mappings for spreadsheets.", no_args_is_help=True)
exchange_app.add_typer(mapping_app, name="mapping")

MAPPING = typer.Option(
    None, "--mapping", help="A saved column mapping (see `civharm exchange mapping save`)."
)
SHEET = typer.Option(None, "--sheet", help="The XLSX sheet to read (default: the first).")
JSON_OUT = typer.Option(False, "--json", help="Print the import report as JSON.")


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
    app.add_typer(release_app, name="release")
    app.add_typer(rfi_app, name="rfi")
    app.add_typer(exchange_app, name="exchange")


def _acting(session: Session, name: str | None) -> Principal:
    """The user named by ``--as`` (the login name by default); a name without an account acts as admin
    of this local store, as every command line does."""
    username = actor_name(name)
    user = session.scalar(select(User).where(User.username == username))
    return principal_of(user) if user is not None else Principal(username=username, role=Role.ADMIN)


def _run(
    ctx: typer.Context, kind: str, file: Path, mapping: str | None, sheet: str | None, as_json: bool
) -> None:
    engine = app_context(ctx).ready_engine()
    result = import_file(engine, kind, file, mapping=mapping, sheet=sheet, actor=f"cli:{actor_name(None)}")
    summary = result.as_dict()
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    elif "inserted" in summary and isinstance(summary["inserted"], dict):
        typer.echo(f"{file}: new {summary['inserted']}, already here {summary['unchanged']}")
    else:
        typer.echo(
            f"{file}: {summary['rows_read']:,} rows read, {summary['inserted']:,} new reports, "
            f"{summary['unchanged']:,} already in the store"
        )


@import_app.command("hxl")
def import_hxl(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="An HXL-tagged CSV file."),
    as_json: bool = JSON_OUT,
) -> None:
    """Import HXL: civharm's own layout (incidents, reports, casualties, links) or any HXL with #event+id.

    Example: civharm import hxl partner-incidents.hxl.csv
    """
    _run(ctx, "hxl", file, None, None, as_json)


@import_app.command("geojson")
def import_geojson(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A GeoJSON file (RFC 7946)."),
    mapping: str | None = MAPPING,
    as_json: bool = JSON_OUT,
) -> None:
    """Import GeoJSON point features as reports (properties named like report fields, or --mapping).

    Example: civharm import geojson events.geojson --mapping ngo-events
    """
    _run(ctx, "geojson", file, mapping, None, as_json)


@import_app.command("csv")
def import_mapped_csv(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A CSV file (any delimiter, BOM or not)."),
    mapping: str | None = MAPPING,
    as_json: bool = JSON_OUT,
) -> None:
    """Import any CSV as reports, through a saved column mapping.

    Example: civharm import csv sitrep.csv --mapping ocha-sitrep
    """
    _run(ctx, "csv", file, mapping, None, as_json)


@import_app.command("xlsx")
def import_xlsx(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="An XLSX workbook."),
    mapping: str | None = MAPPING,
    sheet: str | None = SHEET,
    as_json: bool = JSON_OUT,
) -> None:
    """Import a spreadsheet as reports, through a saved column mapping.

    Example: civharm import xlsx casualty-list.xlsx --mapping ngo-list --sheet 2026
    """
    _run(ctx, "xlsx", file, mapping, sheet, as_json)


@import_app.command("kobo")
def import_kobo(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Submissions exported from KoboToolbox or ODK (CSV or XLSX)."),
    sheet: str | None = SHEET,
    as_json: bool = JSON_OUT,
) -> None:
    """Import submissions of civharm's intake form (see `civharm exchange form`).

    Example: civharm import kobo civharm_intake_2026-11-23.csv
    """
    _run(ctx, "kobo", file, None, sheet, as_json)


@import_app.command("package")
def import_package(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A JSON package from another civharm."),
    as_json: bool = JSON_OUT,
) -> None:
    """Import a civharm package: incidents, reports, casualties and links; a repeat adds nothing.

    Example: civharm import package release-12.json
    """
    _run(ctx, "package", file, None, None, as_json)


def export_command(
    ctx: typer.Context,
    fmt: str = typer.Argument(..., metavar="FORMAT", help=f"One of: {', '.join(FORMATS)}."),
    to: str = typer.Option(
        ..., "--to", help="The organisation receiving it: it gets what a partner user of it may see."
    ),
    output: Path = typer.Option(..., "--output", "-o", help="The file to write."),
    topic: list[Topic] = typer.Option([], "--topic", help="Only these topics (repeatable)."),
    status: list[IncidentStatus] = typer.Option([], "--status", help="Only these states (repeatable)."),
    country: str | None = typer.Option(None, "--country", help="ISO 3166 alpha-3 code."),
    since: str | None = typer.Option(None, "--from", help="Incidents on or after YYYY-MM-DD."),
    until: str | None = typer.Option(None, "--until", help="Incidents on or before YYYY-MM-DD."),
    search: str | None = typer.Option(None, "--search", help="Words in the title, place or description."),
    needs_approval: bool = typer.Option(
        False, "--needs-approval", help="Write nothing until a second person approves."
    ),
    actor: str | None = ACTOR,
) -> None:
    """Export to an organisation what it may see, through the visibility policy; logged as a release.

    Example: civharm export geojson --to "Protection Cluster" --topic poc --from 2026-01-01 -o pc.geojson
    """
    filters = IncidentFilter(
        topics=tuple(topic),
        statuses=tuple(status),
        country_iso3=country,
        date_from=_date("--from", since),
        date_to=_date("--until", until),
        text=search,
    )
    with app_context(ctx).session() as session:
        release = export(
            session,
            fmt=fmt,
            organisation=to,
            output=output,
            actor=_acting(session, actor),
            filters=filters,
            needs_approval=needs_approval,
        )
        if needs_approval:
            typer.echo(
                f"release {release.id} waits for approval: civharm release approve {release.id} --as OTHER"
            )
        else:
            typer.echo(f"release {release.id}: {release.record_counts} to {release.organisation} in {output}")


def _date(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


@release_app.command("list")
def release_list(
    ctx: typer.Context,
    to: str | None = typer.Option(None, "--to", help="Only releases to this organisation."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The release log: what went to whom, when, asked for and approved by whom.

    Example: civharm release list --to "Protection Cluster"
    """
    with app_context(ctx).session() as session:
        rows: list[dict[str, Any]] = [
            {
                "id": r.id, "to": r.organisation, "format": r.format, "status": r.status.value,
                "requested_by": r.requested_by, "approved_by": r.approved_by,
                "released_at": r.released_at.isoformat() if r.released_at else None,
                "counts": r.record_counts, "sha256": r.file_sha256, "filters": r.filters,
            }
            for r in list_releases(session, organisation=to)
        ]  # fmt: skip
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        typer.echo(
            f"{row['id']:>4} {row['status']:<8} {row['format']:<8} to {row['to']} by {row['requested_by']}"
            f"{' approved by ' + row['approved_by'] if row['approved_by'] else ''}"
            f" {row['released_at'] or ''} {row['counts'] or ''}"
        )


@release_app.command("approve")
def release_approve(
    ctx: typer.Context,
    release_id: int = typer.Argument(..., help="The release's number."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Where to write it (default: the file asked for)."
    ),
    note: str = typer.Option("", "--note", help="The approver's note."),
    actor: str | None = ACTOR,
) -> None:
    """Approve a pending release (someone other than who asked for it); the file is written now.

    Example: civharm release approve 12 --as lina
    """
    with app_context(ctx).session() as session:
        release = approve(
            session, release_id=release_id, approver=_acting(session, actor), output=output, note=note
        )
        typer.echo(f"release {release.id} approved by {release.approved_by}: {release.file_name}")


@release_app.command("refuse")
def release_refuse(
    ctx: typer.Context,
    release_id: int = typer.Argument(..., help="The release's number."),
    note: str = typer.Option(..., "--note", help="Why it is refused."),
    actor: str | None = ACTOR,
) -> None:
    """Refuse a pending release; nothing is written.

    Example: civharm release refuse 12 --note "names a detention site" --as lina
    """
    with app_context(ctx).session() as session:
        refuse(session, release_id=release_id, approver=_acting(session, actor), note=note)
        typer.echo(f"release {release_id} refused")


@rfi_app.command("create")
def rfi_create(
    ctx: typer.Context,
    to: str = typer.Option(..., "--to", help="The organisation or expert asked."),
    question: list[str] = typer.Option(..., "--question", "-q", help="A question (repeatable)."),
    incident: list[str] = typer.Option(
        [], "--incident", help="An incident code the request is about (repeatable)."
    ),
    deadline: str | None = typer.Option(None, "--deadline", help="Answer expected by YYYY-MM-DD."),
    actor: str | None = ACTOR,
) -> None:
    """Send a request for information; prints the answer link's token once.

    Example: civharm rfi create --to UNMAS -q "Was UXO found?" --incident CH-2026-000012 --deadline 2026-12-01
    """
    with app_context(ctx).session() as session:
        request, token = create_request(
            session,
            recipient=to,
            questions=question,
            incident_codes=incident,
            deadline=_date("--deadline", deadline),
            actor=actor_name(actor),
        )
        typer.echo(f"request {request.id} to {request.recipient}; answer link token (shown once): {token}")


@rfi_app.command("list")
def rfi_list(
    ctx: typer.Context,
    state: str | None = typer.Option(None, "--state", help="open, overdue, answered or withdrawn."),
) -> None:
    """Requests for information and where they stand (open, overdue, answered, withdrawn).

    Example: civharm rfi list --state overdue
    """
    with app_context(ctx).session() as session:
        for request in list_requests(session, state=state):
            due = request.deadline.isoformat() if request.deadline else "-"
            typer.echo(
                f"{request.id:>4} {request_state(request):<9} due {due} to {request.recipient}"
                f" on {', '.join(request.incident_codes) or '-'}: {request.questions[0]}"
            )


@rfi_app.command("answer")
def rfi_answer(
    ctx: typer.Context,
    request_id: int = typer.Argument(..., help="The request's number."),
    text: str | None = typer.Option(None, "--text", help="The answer ..."),
    file: Path | None = typer.Option(None, "--file", help="... or a text file holding it."),
    by: str = typer.Option(..., "--by", help="Who answered (name and organisation)."),
) -> None:
    """Record an answer received another way; it becomes a report on each incident asked about.

    Example: civharm rfi answer 3 --file unmas-reply.txt --by "UNMAS field office"
    """
    answer = file.read_text(encoding="utf-8") if file is not None else text or ""
    from civharm.exchange.models import InformationRequest

    with app_context(ctx).session() as session:
        request = session.get(InformationRequest, request_id)
        if request is None:
            raise ValidationError(f"no request {request_id}")
        ids = answer_request(session, request=request, answer=answer, answered_by=by)
        typer.echo(f"request {request_id} answered: report(s) {', '.join(map(str, ids))}")


@rfi_app.command("withdraw")
def rfi_withdraw(
    ctx: typer.Context, request_id: int = typer.Argument(..., help="The request's number.")
) -> None:
    """Withdraw an open request.

    Example: civharm rfi withdraw 3
    """
    with app_context(ctx).session() as session:
        withdraw_request(session, request_id=request_id)
        typer.echo(f"request {request_id} withdrawn")


@mapping_app.command("save")
def mapping_save(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The mapping's name."),
    column: list[str] = typer.Option(
        ..., "--column", "-c", help="FIELD=COLUMN, e.g. date='Event date' (repeatable)."
    ),
    default: list[str] = typer.Option(
        [], "--default", "-d", help="FIELD=VALUE for every row, e.g. source_type=un (repeatable)."
    ),
) -> None:
    """Save how a spreadsheet's columns map to report fields, for every later file of that layout.

    Example: civharm exchange mapping save ocha -c source_key=ID -c date="Event date" -d source_type=un
    """
    with app_context(ctx).session() as session:
        saved = save_mapping(
            session, name=name, columns=_pairs(column), defaults=_pairs(default), actor=actor_name(None)
        )
        typer.echo(f"mapping {saved.name}: {saved.columns}, defaults {saved.defaults}")


def _pairs(values: list[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"{value!r} is not FIELD=VALUE")
        pairs[key.strip()] = rest.strip()
    return pairs


@mapping_app.command("list")
def mapping_list(ctx: typer.Context) -> None:
    """The saved column mappings.

    Example: civharm exchange mapping list
    """
    with app_context(ctx).session() as session:
        for mapping in list_mappings(session):
            typer.echo(f"{mapping.name}: {mapping.columns} defaults {mapping.defaults}")


@exchange_app.command("form")
def exchange_form(
    output: Path = typer.Option(
        Path("civharm_intake.xlsx"), "--output", "-o", help="Where to write the XLSForm."
    ),
) -> None:
    """Write civharm's intake form as an XLSForm, to publish on KoboToolbox or ODK Central.

    Example: civharm exchange form --output civharm_intake.xlsx
    """
    write_xlsform(output)
    typer.echo(f"intake form written to {output}; import its submissions with `civharm import kobo FILE`")
