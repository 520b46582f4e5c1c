"""Propose responses and move them to approved, delivered, paid or refused."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.db.base import utcnow
from civharm.errors import NotFoundError, ValidationError
from civharm.history.models import EventKind
from civharm.history.service import open_for_change, record_change
from civharm.incidents.models import Incident
from civharm.responses.models import PAYMENTS, Response, ResponseKind, ResponseStatus
from civharm.responses.rules import IMMEDIATE, RESPONDING, check_response_move
from civharm.responses.schemas import ResponseCreate
from civharm.survivors.models import ConsentScope, Survivor


def money(amount: Decimal | None) -> str:
    """``2,500.00``; three decimals only for currencies that use them (e.g. 1,250.125 IQD)."""
    if amount is None:
        return "?"
    cents = amount.quantize(Decimal("0.01"))
    return f"{cents:,.2f}" if cents == amount else f"{amount:,.3f}"


def describe(response: Response | ResponseCreate) -> str:
    """One line naming the response, e.g. ``condolence_payment of 2500 USD to family of ...-P01``."""
    text = response.kind.value
    if response.kind in PAYMENTS:
        text += f" of {money(response.amount)} {response.currency} to {response.recipient}"
    elif response.kind == ResponseKind.ACKNOWLEDGEMENT:
        text += " (public)" if response.public else " (private)"
    elif response.kind == ResponseKind.REFERRAL and response.service:
        text += f" to {response.service.value} services"
        text += f" ({response.provider})" if response.provider else ""
    if response.survivor_ref:
        text += f" for {response.survivor_ref}"
    return text


def _check_survivor(session: Session, incident: Incident, data: ResponseCreate) -> None:
    if data.survivor_ref is None:
        return
    survivor = session.scalar(
        select(Survivor).where(Survivor.reference == data.survivor_ref, Survivor.incident_id == incident.id)
    )
    if survivor is None:
        raise NotFoundError(f"{incident.code} has no survivor {data.survivor_ref}")
    if data.kind == ResponseKind.REFERRAL and ConsentScope.REFER.value not in survivor.consent_scope:
        raise ValidationError(f"{data.survivor_ref} has not consented to referral to services")


def propose_response(
    session: Session,
    *,
    code: str,
    data: ResponseCreate,
    actor: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Response:
    """Propose a response. Referrals and medical care may come at once; the rest follow a determination."""
    incident = open_for_change(session, code=code, expected_version=expected_version)
    if data.kind not in IMMEDIATE and incident.status not in RESPONDING:
        raise ValidationError(
            f"cannot propose a {data.kind.value}: {code} is {incident.status.value}; only referrals and "
            "medical care come before the assessment (mark it assessed first)"
        )
    _check_survivor(session, incident, data)
    response = Response(incident_id=incident.id, proposed_by=actor, **data.model_dump())
    if at is not None:
        response.proposed_at = at
    session.add(response)
    session.flush()
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.RESPONSE_PROPOSED,
        summary=f"response #{response.id} proposed: {describe(response)}",
        reason=data.description or None,
        data={"response_id": response.id, "kind": data.kind.value},
        at=at,
    )
    return response


def get_response(session: Session, *, response_id: int) -> Response:
    response = session.get(Response, response_id)
    if response is None:
        raise NotFoundError(f"no response #{response_id}")
    return response


def decide_response(
    session: Session,
    *,
    response_id: int,
    target: ResponseStatus,
    actor: str,
    reason: str | None = None,
    payment_date: date | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Response:
    """Approve, deliver, pay or refuse a response. Refusals need a reason; payments two people."""
    target = ResponseStatus(target)
    response = get_response(session, response_id=response_id)
    code = session.scalar(select(Incident.code).where(Incident.id == response.incident_id)) or ""
    incident = open_for_change(session, code=code, expected_version=expected_version)
    check_response_move(
        kind=response.kind,
        status=response.status,
        target=target,
        actor=actor,
        proposed_by=response.proposed_by,
        reason=reason,
    )
    when = at or utcnow()
    before = response.status
    response.status = target
    if target == ResponseStatus.APPROVED:
        response.approved_by, response.approved_at = actor, when
    elif target == ResponseStatus.REFUSED:
        response.refused_by, response.refused_at, response.refusal_reason = actor, when, reason
    else:
        response.delivered_by, response.delivered_at = actor, when
        if target == ResponseStatus.PAID:
            response.payment_date = payment_date or when.date()
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.RESPONSE_UPDATED,
        summary=f"response #{response.id} {target.value}: {describe(response)}",
        reason=reason,
        data={"response_id": response.id, "from": before.value, "to": target.value},
        at=at,
    )
    return response


def responses_of(session: Session, *, incident_id: int) -> list[Response]:
    query = select(Response).where(Response.incident_id == incident_id).order_by(Response.id)
    return list(session.scalars(query))
