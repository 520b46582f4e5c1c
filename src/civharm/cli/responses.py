"""``civharm incident respond|response|responses``: decide and deliver responses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import typer

from civharm.cli.acting import ACTOR, AT, EXPECT_VERSION, actor_name, build, parse_at
from civharm.cli.context import app_context
from civharm.errors import ValidationError
from civharm.incidents.service import get_incident
from civharm.responses.models import ReferralService, ResponseKind, ResponseStatus
from civharm.responses.schemas import ResponseCreate
from civharm.responses.service import decide_response, describe, propose_response, responses_of

CODE = typer.Argument(..., help="The incident's code, e.g. CH-2026-000123.")


def register(app: typer.Typer) -> None:
    app.command("respond")(respond)
    app.command("response")(response)
    app.command("responses")(responses)


def _amount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValidationError(f"--amount {text!r} is not a number") from None


def respond(
    ctx: typer.Context,
    code: str = CODE,
    kind: ResponseKind = typer.Option(..., "--kind"),
    description: str = typer.Option("", "--description"),
    public: bool | None = typer.Option(
        None, "--public/--private", help="Acknowledgements: public or private."
    ),
    amount: str | None = typer.Option(None, "--amount", help="Payments: the amount, e.g. 2500."),
    currency: str | None = typer.Option(None, "--currency", help="Payments: ISO 4217 code, e.g. USD."),
    recipient: str | None = typer.Option(
        None, "--recipient", help="Payments: a pseudonym, family or community."
    ),
    service: ReferralService | None = typer.Option(None, "--service", help="Referrals: the service."),
    provider: str | None = typer.Option(None, "--provider", help="Referrals: who provides it."),
    survivor: str | None = typer.Option(None, "--survivor", help="The survivor reference it is for."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
    at: str | None = AT,
) -> None:
    """Propose a response: acknowledgement, payment, care, repair, clearance, commemoration, referral.

    Example: civharm incident respond CH-2026-000001 --kind condolence_payment --amount 2500 --currency USD --recipient "family of CH-2026-000001-P01"
    """  # noqa: E501
    data = build(
        ResponseCreate,
        kind=kind,
        description=description,
        public=public,
        amount=_amount(amount),
        currency=currency,
        recipient=recipient,
        service=service,
        provider=provider,
        survivor_ref=survivor,
    )
    with app_context(ctx).session() as session:
        created = propose_response(
            session,
            code=code,
            data=data,
            actor=actor_name(actor),
            expected_version=expect_version,
            at=parse_at(at),
        )
        text = f"response #{created.id} proposed: {describe(created)}"
    typer.echo(text)


def response(
    ctx: typer.Context,
    response_id: int = typer.Argument(..., help="The response's number."),
    status: ResponseStatus = typer.Argument(..., help="approved, delivered, paid or refused."),
    reason: str | None = typer.Option(None, "--reason", help="Mandatory when refusing."),
    paid_on: str | None = typer.Option(None, "--paid-on", help="Payments: the date paid (YYYY-MM-DD)."),
    actor: str | None = ACTOR,
    expect_version: int | None = EXPECT_VERSION,
    at: str | None = AT,
) -> None:
    """Approve, deliver, pay or refuse (with a reason) a response.

    Example: civharm incident response 4 refused --reason "recipient could not be identified" --as ben
    """
    with app_context(ctx).session() as session:
        updated = decide_response(
            session,
            response_id=response_id,
            target=status,
            reason=reason,
            actor=actor_name(actor),
            payment_date=date.fromisoformat(paid_on) if paid_on else None,
            expected_version=expect_version,
            at=parse_at(at),
        )
        text = f"response #{updated.id} is {updated.status.value}: {describe(updated)}"
    typer.echo(text)


def responses(ctx: typer.Context, code: str = CODE) -> None:
    """List an incident's responses and where each stands.

    Example: civharm incident responses CH-2026-000001
    """
    with app_context(ctx).session() as session:
        incident = get_incident(session, code=code)
        lines = [
            f"#{r.id} {r.status.value:<9} {describe(r)}"
            + (f"\n    refused by {r.refused_by}: {r.refusal_reason}" if r.refusal_reason else "")
            for r in responses_of(session, incident_id=incident.id)
        ]
    typer.echo("\n".join(lines) if lines else f"{code} has no response yet")
