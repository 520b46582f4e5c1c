"""Pure rules for responses: how each one moves, and when a case is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from civharm.assessments.lifecycle import AWAITING_ASSESSMENT
from civharm.errors import ValidationError
from civharm.responses.models import PAYMENTS, ResponseKind, ResponseStatus
from civharm.vocabulary import Determination, IncidentStatus

R = ResponseStatus

#: Responses that may be arranged before the assessment ends: a survivor's care cannot wait for it.
IMMEDIATE: frozenset[ResponseKind] = frozenset({ResponseKind.REFERRAL, ResponseKind.MEDICAL_CARE})

#: States in which responses that follow from a determination may be proposed.
RESPONDING: frozenset[IncidentStatus] = frozenset(
    {
        IncidentStatus.ASSESSED,
        IncidentStatus.UNDER_INVESTIGATION,
        IncidentStatus.RESPONSE_DECIDED,
        IncidentStatus.RESPONSE_DELIVERED,
    }
)


def final_status(kind: ResponseKind) -> ResponseStatus:
    return R.PAID if kind in PAYMENTS else R.DELIVERED


def check_response_move(
    *,
    kind: ResponseKind,
    status: ResponseStatus,
    target: ResponseStatus,
    actor: str,
    proposed_by: str,
    reason: str | None,
) -> None:
    """Raise ValidationError unless ``status`` → ``target`` is allowed for this response and actor."""
    done = final_status(kind)
    moves = {R.PROPOSED: (R.APPROVED, R.REFUSED), R.APPROVED: (done, R.REFUSED)}
    allowed = moves.get(status, ())
    if target not in allowed:
        choices = ", ".join(a.value for a in allowed) or "nothing (it is final)"
        raise ValidationError(f"a {kind.value} that is {status.value} can only become {choices}")
    if target == R.REFUSED and not (reason and reason.strip()):
        raise ValidationError(f"refusing this {kind.value} needs a reason")
    if kind in PAYMENTS and target == R.APPROVED and actor == proposed_by:
        raise ValidationError(
            f"two-person rule: {actor} proposed this payment, so someone else must approve it"
        )


@dataclass(frozen=True)
class OverdueFlag:
    """Why an incident is late, and by how many days."""

    kind: str  # "assessment" or "response"
    since: datetime
    days_over: int
    message: str


def assessment_overdue(
    *, status: IncidentStatus, waiting_since: datetime, now: datetime, limit_days: int
) -> OverdueFlag | None:
    """An incident still waiting for its assessment ``limit_days`` after it arrived (or was re-opened)."""
    if status not in AWAITING_ASSESSMENT:
        return None
    due = waiting_since + timedelta(days=limit_days)
    if now <= due:
        return None
    days = (now - due).days
    return OverdueFlag(
        "assessment", waiting_since, days, f"assessment overdue by {days} day(s) (limit {limit_days})"
    )


def response_overdue(
    *,
    determination: Determination | None,
    approved_at: datetime | None,
    responses_decided: int,
    now: datetime,
    limit_days: int,
) -> OverdueFlag | None:
    """A credible determination with no response approved ``limit_days`` after its approval."""
    if determination != Determination.CREDIBLE or approved_at is None or responses_decided:
        return None
    due = approved_at + timedelta(days=limit_days)
    if now <= due:
        return None
    days = (now - due).days
    return OverdueFlag(
        "response",
        approved_at,
        days,
        f"response overdue by {days} day(s): credible since {approved_at:%Y-%m-%d}, "
        f"no response approved (limit {limit_days})",
    )
