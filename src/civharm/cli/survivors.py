"""``civharm survivor ...``: survivor-centred intake for CRSV and THB cases.

Identities are never typed on the command line (shell history keeps it) nor printed.
"""

from __future__ import annotations

import typer

from civharm.cli.acting import ACTOR, EXPECT_VERSION, actor_name, build
from civharm.cli.context import app_context
from civharm.survivors.models import ConsentScope, InformationItem
from civharm.survivors.pathway import FIRST_RESPONDER_CHECKLIST, REFERRAL_PATHWAY, PathwayStep
from civharm.survivors.schemas import SurvivorIntakeCreate, SurvivorView
from civharm.survivors.service import (
    get_survivor,
    record_intake,
    record_interview,
    survivor_view,
    withdraw_consent,
)
from civharm.vocabulary import AgeGroup, Sex, Topic

app = typer.Typer(
    help="Survivor-centred intake for CRSV and THB: consent, referrals, no repeated interviews."
)
REF = typer.Argument(..., help="The survivor's reference, e.g. CH-2026-000007-S01.")


def _print_guidance(topic: Topic) -> None:
    typer.echo("First-responder checklist:")
    for number, step in enumerate(FIRST_RESPONDER_CHECKLIST, 1):
        typer.echo(f"  {number:>2}. {step}")
    typer.echo(f"Referral pathway ({topic.value}):")
    for pathway_step in REFERRAL_PATHWAY[topic]:
        typer.echo(_pathway_line(pathway_step))


def _pathway_line(step: PathwayStep) -> str:
    return f"  - {step.service}: {step.offer} ({step.urgency})"


def _print_case(view: SurvivorView) -> None:
    consent = ", ".join(s.value for s in view.consent_scope) if view.consent_given else "refused"
    typer.echo(f"{view.reference} ({view.topic.value}, {view.incident_code}); consent: {consent}")
    typer.echo(f"  already collected: {', '.join(c.value for c in view.collected) or 'nothing'}")
    for i in view.interviews:
        gathered = ", ".join(c.value for c in i.collected)
        typer.echo(f"  interview {i.interviewed_at:%Y-%m-%d} by {i.interviewer}: {gathered}")
    typer.echo(f"  referrals: {', '.join(view.referrals) or 'none yet'}")
    typer.echo(f"  identity: {'recorded, restricted' if view.identity_recorded else 'not recorded'}")


@app.command("checklist")
def checklist_command(topic: Topic = typer.Option(Topic.CRSV, "--topic", help="crsv or thb")) -> None:
    """Show the first-responder checklist and the referral pathway.

    Example: civharm survivor checklist --topic thb
    """
    _print_guidance(topic if topic in REFERRAL_PATHWAY else Topic.CRSV)


@app.command("intake")
def intake_command(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="The incident's code."),
    topic: Topic = typer.Option(..., "--topic", help="crsv or thb"),
    consent: bool = typer.Option(
        ..., "--consent/--no-consent", help="Did the survivor give informed consent?"
    ),
    scope: list[ConsentScope] = typer.Option([], "--scope", help="What they agreed to (repeatable)."),
    collected: list[InformationItem] = typer.Option(
        [], "--collected", help="What was gathered (repeatable)."
    ),
    sex: Sex = typer.Option(Sex.UNKNOWN, "--sex"),
    age_group: AgeGroup = typer.Option(AgeGroup.UNKNOWN, "--age-group"),
    casualty: str | None = typer.Option(None, "--casualty", help="Casualty pseudonym, if one exists."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
) -> None:
    """Log a survivor's case: consent and its scope first; prints the checklist and referral pathway.

    Example: civharm survivor intake CH-2026-000007 --topic crsv --consent --scope record --scope refer_to_services --collected medical_needs
    """  # noqa: E501
    data = build(
        SurvivorIntakeCreate,
        topic=topic,
        consent_given=consent,
        consent_scope=scope,
        collected=collected,
        sex=sex,
        age_group=age_group,
        casualty_pseudonym=casualty,
    )
    with app_context(ctx).session() as session:
        result = record_intake(
            session, code=code, data=data, actor=actor_name(actor), expected_version=expect_version
        )
    _print_guidance(topic)
    typer.echo("")
    _print_case(result.survivor)
    for other in result.others_in_incident:
        typer.echo("Already recorded for this incident (check it is not the same person):")
        _print_case(other)


@app.command("interview")
def interview_command(
    ctx: typer.Context,
    reference: str = REF,
    collected: list[InformationItem] = typer.Option(..., "--collected", help="What this interview gathers."),
    justification: str | None = typer.Option(
        None, "--justification", help="Why a further interview is needed."
    ),
    actor: str | None = ACTOR,
) -> None:
    """Record an interview; refused when it would ask again for what was already collected.

    Example: civharm survivor interview CH-2026-000007-S01 --collected legal_wishes --justification "survivor asked about legal aid"
    """  # noqa: E501
    with app_context(ctx).session() as session:
        record_interview(
            session,
            reference=reference,
            collected=collected,
            justification=justification,
            actor=actor_name(actor),
        )
        view = survivor_view(session, get_survivor(session, reference=reference))
    _print_case(view)


@app.command("show")
def show_command(ctx: typer.Context, reference: str = REF) -> None:
    """Show what has already been collected from a survivor, so nobody asks again (never the identity).

    Example: civharm survivor show CH-2026-000007-S01
    """
    with app_context(ctx).session() as session:
        view = survivor_view(session, get_survivor(session, reference=reference))
    _print_case(view)


@app.command("withdraw")
def withdraw_command(
    ctx: typer.Context,
    reference: str = REF,
    scope: list[ConsentScope] = typer.Option(..., "--scope", help="Consent withdrawn (repeatable)."),
    reason: str = typer.Option(..., "--reason"),
    actor: str | None = ACTOR,
) -> None:
    """Record that a survivor withdrew consent; withdrawing 'record' removes the identity kept.

    Example: civharm survivor withdraw CH-2026-000007-S01 --scope record --reason "survivor's request by phone"
    """  # noqa: E501
    with app_context(ctx).session() as session:
        withdraw_consent(session, reference=reference, scopes=scope, reason=reason, actor=actor_name(actor))
        view = survivor_view(session, get_survivor(session, reference=reference))
    _print_case(view)
