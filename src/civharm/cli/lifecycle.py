"""``civharm incident ...``: move an incident through its lifecycle and read its history."""

from __future__ import annotations

import json

import typer

from civharm.assessments import service
from civharm.assessments.schemas import MatchOutcome
from civharm.cli.acting import ACTOR, AT, EXPECT_VERSION, actor_name, parse_at
from civharm.cli.context import app_context
from civharm.history.service import timeline
from civharm.incidents.models import Incident
from civharm.vocabulary import IncidentStatus

app = typer.Typer(
    help="Assess and respond to one incident: triage, match, grade, determine, approve, respond, close, "
    "re-open, and its history.",
    no_args_is_help=True,
)
CODE = typer.Argument(..., help="The incident's code, e.g. CH-2026-000123.")
REPORTS = typer.Option([], "--report", help="Id of a report to link (repeatable).")


def _done(incident: Incident) -> None:
    typer.echo(f"{incident.code} is {incident.status.value} (version {incident.version})")


@app.command("triage")
def triage_command(
    ctx: typer.Context,
    code: str = CODE,
    report: list[int] = REPORTS,
    note: str | None = typer.Option(None, "--note", help="Why it was triaged this way."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
    at: str | None = AT,
) -> None:
    """Link the reports an incident was triaged from and mark it triaged.

    Example: civharm incident triage CH-2026-000001 --report 12 --report 15 --as ana
    """
    with app_context(ctx).session() as session:
        incident = service.triage(
            session,
            code=code,
            report_ids=report,
            note=note,
            actor=actor_name(actor),
            expected_version=expect_version,
            at=parse_at(at),
        )
    _done(incident)


@app.command("duplicate")
def duplicate_command(
    ctx: typer.Context,
    code: str = CODE,
    of: str = typer.Option(..., "--of", help="The incident it duplicates."),
    reason: str = typer.Option(..., "--reason", help="Why they are the same event."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Close an incident found at triage to be the same event as another.

    Example: civharm incident duplicate CH-2026-000007 --of CH-2026-000003 --reason "same strike, same street"
    """
    with app_context(ctx).session() as session:
        incident = service.mark_duplicate(
            session,
            code=code,
            duplicate_of=of,
            reason=reason,
            actor=actor_name(actor),
            expected_version=expect_version,
        )
    _done(incident)


@app.command("match")
def match_command(
    ctx: typer.Context,
    code: str = CODE,
    outcome: MatchOutcome = typer.Option(
        ..., "--outcome", help="Own-force activity found, not found, inconclusive."
    ),
    reference: str | None = typer.Option(None, "--reference", help="The activity's log reference."),
    note: str | None = typer.Option(None, "--note"),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
    at: str | None = AT,
) -> None:
    """Record the match against own-force activity; a triaged incident becomes matched.

    Example: civharm incident match CH-2026-000001 --outcome found --reference "strike log 0314-2"
    """
    with app_context(ctx).session() as session:
        incident = service.record_match(
            session,
            code=code,
            outcome=outcome,
            reference=reference,
            note=note,
            actor=actor_name(actor),
            expected_version=expect_version,
            at=parse_at(at),
        )
    _done(incident)


def _move(
    ctx: typer.Context,
    code: str,
    target: IncidentStatus,
    reason: str | None,
    actor: str | None,
    expect_version: int | None,
    at: str | None = None,
) -> None:
    with app_context(ctx).session() as session:
        incident = service.transition(
            session,
            code=code,
            target=target,
            reason=reason,
            actor=actor_name(actor),
            expected_version=expect_version,
            at=parse_at(at),
        )
    _done(incident)


@app.command("start-assessment")
def start_command(
    ctx: typer.Context,
    code: str = CODE,
    note: str | None = typer.Option(None, "--note"),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Start assessing a matched (or re-opened) incident.

    Example: civharm incident start-assessment CH-2026-000001 --as ana
    """
    _move(ctx, code, IncidentStatus.UNDER_ASSESSMENT, note, actor, expect_version)


@app.command("assess")
def assess_command(
    ctx: typer.Context,
    code: str = CODE,
    note: str | None = typer.Option(None, "--note"),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Mark an incident assessed: needs a grading, an approved determination and the topic's details.

    Example: civharm incident assess CH-2026-000001
    """
    _move(ctx, code, IncidentStatus.ASSESSED, note, actor, expect_version)


@app.command("investigate")
def investigate_command(
    ctx: typer.Context,
    code: str = CODE,
    reason: str = typer.Option(..., "--reason", help="Why an investigation is opened."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Open an investigation of an assessed incident.

    Example: civharm incident investigate CH-2026-000001 --reason "possible breach of the rules of engagement"
    """
    _move(ctx, code, IncidentStatus.UNDER_INVESTIGATION, reason, actor, expect_version)


@app.command("findings")
def findings_command(
    ctx: typer.Context,
    code: str = CODE,
    findings: str = typer.Argument(..., help="What the investigation found."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Record the findings of an investigation.

    Example: civharm incident findings CH-2026-000001 "Target misidentified; civilians present"
    """
    with app_context(ctx).session() as session:
        incident = service.record_findings(
            session, code=code, findings=findings, actor=actor_name(actor), expected_version=expect_version
        )
    _done(incident)


@app.command("decided")
def decided_command(
    ctx: typer.Context,
    code: str = CODE,
    note: str | None = typer.Option(None, "--note"),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Mark the response decided: at least one response must be approved.

    Example: civharm incident decided CH-2026-000001
    """
    _move(ctx, code, IncidentStatus.RESPONSE_DECIDED, note, actor, expect_version)


@app.command("delivered")
def delivered_command(
    ctx: typer.Context,
    code: str = CODE,
    note: str | None = typer.Option(None, "--note"),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Mark the response delivered: every approved response delivered, paid or refused.

    Example: civharm incident delivered CH-2026-000001
    """
    _move(ctx, code, IncidentStatus.RESPONSE_DELIVERED, note, actor, expect_version)


@app.command("lessons")
def lessons_command(
    ctx: typer.Context,
    code: str = CODE,
    ref: str | None = typer.Option(
        None, "--ref", help="Reference in the lessons register, e.g. LL-2026-004."
    ),
    note: str | None = typer.Option(None, "--note", help="The lesson, when it is not in the register."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Record a lesson; a delivered case moves on to lessons captured.

    Example: civharm incident lessons CH-2026-000001 --ref LL-2026-004
    """
    name = actor_name(actor)
    with app_context(ctx).session() as session:
        incident = service.record_lesson(
            session, code=code, lesson_ref=ref, note=note, actor=name, expected_version=expect_version
        )
        if incident.status == IncidentStatus.RESPONSE_DELIVERED:
            incident = service.transition(
                session, code=code, target=IncidentStatus.LESSONS_CAPTURED, actor=name
            )
    _done(incident)


@app.command("close")
def close_command(
    ctx: typer.Context,
    code: str = CODE,
    reason: str | None = typer.Option(None, "--reason", help="Needed when closing without a response."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Close a case (a credible one only after its response and lessons).

    Example: civharm incident close CH-2026-000001 --reason "not credible: no own-force activity that day"
    """
    _move(ctx, code, IncidentStatus.CLOSED, reason, actor, expect_version)


@app.command("reopen")
def reopen_command(
    ctx: typer.Context,
    code: str = CODE,
    reason: str = typer.Option(..., "--reason", help="What new information arrived."),
    report: list[int] = REPORTS,
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Re-open a closed or assessed case because new information arrived.

    Example: civharm incident reopen CH-2026-000001 --reason "hospital records list two more dead" --report 88
    """
    with app_context(ctx).session() as session:
        incident = service.reopen(
            session,
            code=code,
            reason=reason,
            report_ids=report,
            actor=actor_name(actor),
            expected_version=expect_version,
        )
    _done(incident)


@app.command("transition")
def transition_command(
    ctx: typer.Context,
    code: str = CODE,
    target: IncidentStatus = typer.Argument(..., help="The state to move to."),
    reason: str | None = typer.Option(None, "--reason"),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
    at: str | None = AT,
) -> None:
    """Move an incident to any state the lifecycle allows from where it is.

    Example: civharm incident transition CH-2026-000001 under_assessment --as ana
    """
    _move(ctx, code, target, reason, actor, expect_version, at)


@app.command("next")
def next_command(ctx: typer.Context, code: str = CODE) -> None:
    """Show where an incident can go next and what each step still needs.

    Example: civharm incident next CH-2026-000001
    """
    with app_context(ctx).session() as session:
        steps = service.what_next(session, code=code)
    if not steps:
        typer.echo("no further state")
    for target, missing in steps:
        typer.echo(f"{target.value:<20} {'ready' if not missing else 'needs: ' + '; '.join(missing)}")


@app.command("history")
def history_command(
    ctx: typer.Context, code: str = CODE, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """The incident's timeline: every change with who, when, what and why; corrected entries stay.

    Example: civharm incident history CH-2026-000001
    """
    with app_context(ctx).session() as session:
        entries = timeline(session, code=code)
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in entries], indent=2, ensure_ascii=False))
        return
    for e in entries:
        struck = f" [superseded by #{e.superseded_by}]" if e.superseded_by else ""
        number = f"#{e.event_id}" if e.event_id else "-"
        typer.echo(f"{e.occurred_at:%Y-%m-%d %H:%M}  {number:>6}  {e.actor:<15} {e.summary}{struck}")
        if e.reason:
            typer.echo(f"{'':<35}why: {e.reason}")
