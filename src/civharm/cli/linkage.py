"""``civharm link`` and ``civharm linkage|activity ...``.

Group reports into incidents; match incidents to own-force activity.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from civharm.cli.context import app_context
from civharm.errors import CivharmError
from civharm.security.principal import SYSTEM

linkage_app = typer.Typer(
    help="Merge, split and undo; duplicate candidates; generated test data.", no_args_is_help=True
)
activity_app = typer.Typer(
    help="Own-force activity log (restricted) and its matches to incidents.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command("link")(link)
    app.add_typer(linkage_app, name="linkage")
    app.add_typer(activity_app, name="activity")


def link(
    ctx: typer.Context,
    input_path: Path | None = typer.Option(None, "--input", help="A reports CSV to link without a store."),
    output_path: Path | None = typer.Option(
        None, "--output", help="Where to write report_id,incident_id,..."
    ),
    explain_path: Path | None = typer.Option(
        None, "--explain", help="Also write each merge's evidence (JSON lines)."
    ),
    threshold: float | None = typer.Option(None, help="Decision threshold in bits (default -1)."),
    retrain: bool = typer.Option(True, help="Re-estimate the model's parameters by EM first."),
) -> None:
    """Group reports into incidents: a CSV file to a CSV file, or every unlinked report in the store.

    Example: civharm link --input reports.csv --output clusters.csv
    """
    from civharm.linkage.files import link_file
    from civharm.linkage.service import link_store

    if input_path is not None:
        if output_path is None:
            raise CivharmError("--input needs --output (where to write the clusters)")
        s = link_file(input_path, output_path, explain_path=explain_path, threshold=threshold)
        typer.echo(
            f"{s.reports:,} reports → {s.incidents:,} incidents "
            f"({s.multi_report_incidents:,} with several reports); written to {output_path}"
        )
        if s.without_coordinates:
            shown = ", ".join(s.without_coordinates[:20]) + ("…" if len(s.without_coordinates) > 20 else "")
            typer.echo(
                f"{len(s.without_coordinates):,} report(s) had no coordinates and were linked by place name, "
                f"date, counts and text: {shown}",
                err=True,
            )
        return
    with app_context(ctx).session() as session:
        summary = link_store(session, actor=SYSTEM.username, retrain=retrain)
    if not summary.unlinked:
        typer.echo("no unlinked reports; nothing to do")
        return
    attached = sum(summary.attached.values())
    typer.echo(
        f"{summary.unlinked} unlinked report(s): {len(summary.incidents_created)} new incident(s) "
        f"({', '.join(summary.incidents_created[:10])}{'…' if len(summary.incidents_created) > 10 else ''}), "
        f"{attached} report(s) added to {len(summary.attached)} existing incident(s)"
        + ("; model re-estimated and saved" if summary.retrained else "")
    )


@linkage_app.command("merge")
def merge_command(
    ctx: typer.Context,
    keep: str = typer.Argument(..., help="The incident that stays."),
    others: list[str] = typer.Argument(..., help="Incidents folded into it."),
    reason: str = typer.Option("", help="Why (kept in the log)."),
) -> None:
    """Merge incidents; their codes stay findable and the merge can be undone.

    Example: civharm linkage merge CH-2026-000001 CH-2026-000007 --reason "same strike"
    """
    from civharm.linkage.service import merge_incidents

    with app_context(ctx).session() as session:
        decision = merge_incidents(session, keep=keep, merge=others, actor=SYSTEM.username, reason=reason)
        typer.echo(
            f"merged {', '.join(others)} into {keep} "
            f"(decision {decision.id}; undo with civharm linkage undo {decision.id})"
        )


@linkage_app.command("split")
def split_command(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The incident to split."),
    report: list[int] = typer.Option(
        ..., "--report", help="Report ids to move to a new incident (repeatable)."
    ),
    reason: str = typer.Option("", help="Why (kept in the log)."),
) -> None:
    """Move some reports of an incident into a new incident.

    Example: civharm linkage split CH-2026-000001 --report 12 --report 13 --reason "two strikes"
    """
    from civharm.linkage.service import split_incident

    with app_context(ctx).session() as session:
        decision = split_incident(session, code=code, report_ids=report, actor=SYSTEM.username, reason=reason)
        typer.echo(f"split into {decision.incident_code} (decision {decision.id})")


@linkage_app.command("undo")
def undo_command(
    ctx: typer.Context, decision: int = typer.Argument(..., help="The decision's number.")
) -> None:
    """Undo a link, merge or split.

    Example: civharm linkage undo 4
    """
    from civharm.linkage.service import undo

    with app_context(ctx).session() as session:
        log = undo(session, decision_id=decision, actor=SYSTEM.username)
        typer.echo(f"decision {decision} undone ({log.reason})")


@linkage_app.command("candidates")
def candidates_command(
    ctx: typer.Context,
    day: str = typer.Option(..., "--date", help="YYYY-MM-DD"),
    latitude: float | None = typer.Option(None, "--lat"),
    longitude: float | None = typer.Option(None, "--lon"),
    place: str | None = typer.Option(None, "--place"),
    killed: int | None = typer.Option(None),
    text: str = typer.Option("", help="The report's description."),
) -> None:
    """Existing incidents a new report probably duplicates.

    Example: civharm linkage candidates --date 2026-03-14 --lat 35.02 --lon 40.45 --place "Al Mayadin"
    """
    from civharm.linkage.candidates import candidates_for
    from civharm.linkage.records import LinkRecord
    from civharm.security.principal import SYSTEM

    record = LinkRecord(
        report_id="new",
        date=date.fromisoformat(day),
        latitude=latitude,
        longitude=longitude,
        place_name=place,
        killed=(killed, killed) if killed is not None else None,
        description=text,
    )
    with app_context(ctx).session() as session:
        found = candidates_for(session, record=record, principal=SYSTEM)  # one's own store
    for c in found:
        typer.echo(f"{c.code}  p={c.probability:.3f}  {c.title}")
    if not found:
        typer.echo("no likely duplicates")


@linkage_app.command("generate")
def generate_command(
    ucdp: Path = typer.Argument(..., help="A UCDP GED CSV (e.g. ucdp_ged_syria_2016_2017.csv)."),
    output: Path = typer.Option(..., help="Reports CSV to write; the truth goes beside it (.truth.csv)."),
    year: list[int] = typer.Option([], help="Only events of these years (repeatable)."),
    seed: int = typer.Option(1),
    copies: int = typer.Option(1, min=1, help="Replicate events across shifted dates and places."),
    limit: int | None = typer.Option(None, help="Stop at this many reports."),
) -> None:
    """Write a realistic multi-source reports file made from real UCDP events, with the truth aside.

    Example: civharm linkage generate ucdp_ged_syria_2016_2017.csv --year 2017 --seed 2 --output reports.csv
    """
    from civharm.linkage.generator import generate as generate_reports
    from civharm.linkage.generator import read_events, truth_path, write_reports

    events = read_events(ucdp, years=tuple(year) or None)
    records, truth = generate_reports(events, seed=seed, copies=copies, limit=limit)
    write_reports(output, records, truth)
    typer.echo(
        f"{len(records):,} reports of {len(set(truth)):,} events → {output} (truth: {truth_path(output)})"
    )


@activity_app.command("import")
def activity_import(
    ctx: typer.Context, path: Path = typer.Argument(..., help="The activity log CSV.")
) -> None:
    """Import an own-force activity log (stored as restricted).

    Example: civharm activity import activity_log.csv
    """
    from civharm.linkage.activity import import_activities

    with app_context(ctx).session() as session:
        added, updated = import_activities(session, path=path, actor=SYSTEM.username)
    typer.echo(f"{added} activit(ies) added, {updated} updated (restricted)")


@activity_app.command("for-incident")
def activity_for_incident(
    ctx: typer.Context, code: str = typer.Argument(...), as_json: bool = typer.Option(False, "--json")
) -> None:
    """Own-force activities that could have caused an incident, with probability and reasons.

    Example: civharm activity for-incident CH-2026-000001
    """
    from civharm.linkage.activity import activities_for_incident

    with app_context(ctx).session() as session:
        matches = activities_for_incident(session, code=code, principal=SYSTEM)
    _print_matches(matches, as_json, key="activity_id")


@activity_app.command("near")
def activity_near(
    ctx: typer.Context, activity_id: str = typer.Argument(...), as_json: bool = typer.Option(False, "--json")
) -> None:
    """Incidents near an activity in space and time.

    Example: civharm activity near DEMO-ACT-0001
    """
    from civharm.linkage.activity import incidents_near_activity

    with app_context(ctx).session() as session:
        matches = incidents_near_activity(session, activity_id=activity_id, principal=SYSTEM)
    _print_matches(matches, as_json, key="incident_code")


def _print_matches(matches: list, as_json: bool, *, key: str) -> None:  # type: ignore[type-arg]
    if as_json:
        typer.echo(
            json.dumps(
                [{**m.__dict__, "start": m.start.isoformat(), "end": m.end.isoformat()} for m in matches],
                indent=2,
            )
        )
        return
    for m in matches:
        typer.echo(f"{getattr(m, key)}  p={m.probability:.3f}  {m.activity_type} by {m.unit}")
        for reason in m.reasons:
            typer.echo(f"    - {reason}")
    if not matches:
        typer.echo("no matches")
