"""The two judgements: the recorder's grading, and the force's determination under the two-person rule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.assessments.facts import current_determination
from civharm.assessments.models import DeterminationRecord, DeterminationState, GradingRecord
from civharm.assessments.schemas import DeterminationProposal, GradingCreate
from civharm.db.base import utcnow
from civharm.errors import NotFoundError, ValidationError
from civharm.history.models import EventKind
from civharm.history.service import open_for_change, record_change
from civharm.incidents.service import get_incident
from civharm.vocabulary import IncidentStatus

#: States in which a determination may be proposed and decided.
DETERMINING = (IncidentStatus.UNDER_ASSESSMENT, IncidentStatus.UNDER_INVESTIGATION)


class TwoPersonRuleError(ValidationError):
    """The person who proposed a determination tried to decide it too."""


def record_grading(
    session: Session,
    *,
    code: str,
    data: GradingCreate,
    actor: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> GradingRecord:
    """Record the recorder's grading with its reasons; it supersedes the previous grading."""
    incident = open_for_change(session, code=code, expected_version=expected_version)
    earlier = session.scalars(
        select(GradingRecord).where(
            GradingRecord.incident_id == incident.id, GradingRecord.superseded_by_id.is_(None)
        )
    ).all()
    record = GradingRecord(
        incident_id=incident.id, grading=data.grading, reasons=data.reasons, recorded_by=actor
    )
    if at is not None:
        record.recorded_at = at
    session.add(record)
    session.flush()
    for old in earlier:
        old.superseded_by_id = record.id
    before = incident.grading.value if incident.grading else "none"
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.GRADING_RECORDED,
        summary=f"graded {data.grading.value} (was {before})",
        reason=data.reasons,
        data={"grading_id": record.id, "from": before, "to": data.grading.value},
        changes={"grading": data.grading},
        at=at,
    )
    return record


def _pending(session: Session, incident_id: int) -> DeterminationRecord | None:
    query = select(DeterminationRecord).where(
        DeterminationRecord.incident_id == incident_id,
        DeterminationRecord.state == DeterminationState.PROPOSED,
    )
    return session.scalars(query.order_by(DeterminationRecord.id.desc())).first()


def _conceded(p: DeterminationProposal | DeterminationRecord) -> str:
    if p.deaths_max is None or p.injuries_max is None:
        return ""
    return f"; conceded deaths {p.deaths_min}-{p.deaths_max}, injuries {p.injuries_min}-{p.injuries_max}"


def propose_determination(
    session: Session,
    *,
    code: str,
    data: DeterminationProposal,
    actor: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> DeterminationRecord:
    """Propose the force's determination; a different person must approve it."""
    incident = open_for_change(session, code=code, expected_version=expected_version)
    if incident.status not in DETERMINING:
        raise ValidationError(
            f"cannot propose a determination: {code} is {incident.status.value}; start the assessment first"
        )
    waiting = _pending(session, incident.id)
    if waiting is not None:
        raise ValidationError(
            f"determination #{waiting.id} proposed by {waiting.proposed_by} is awaiting approval; "
            "approve or reject it first"
        )
    if data.duplicate_of is not None and get_incident(session, code=data.duplicate_of).id == incident.id:
        raise ValidationError("an incident cannot duplicate itself")
    record = DeterminationRecord(incident_id=incident.id, proposed_by=actor, **data.model_dump())
    if at is not None:
        record.proposed_at = at
    session.add(record)
    session.flush()
    test = {True: "met", False: "not met", None: "not applicable"}[data.more_likely_than_not]
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.DETERMINATION_PROPOSED,
        summary=f"determination #{record.id} proposed: {data.determination.value} "
        f"(more likely than not: {test}{_conceded(data)})",
        reason=data.reasons,
        data={"determination_id": record.id, "determination": data.determination.value},
        at=at,
    )
    return record


def _decide(
    session: Session, *, code: str, actor: str, expected_version: int | None, verb: str
) -> DeterminationRecord:
    incident = open_for_change(session, code=code, expected_version=expected_version)
    if incident.status not in DETERMINING:
        raise ValidationError(f"cannot {verb} a determination: {code} is {incident.status.value}")
    record = _pending(session, incident.id)
    if record is None:
        raise NotFoundError(f"{code} has no determination awaiting approval")
    if record.proposed_by == actor:
        raise TwoPersonRuleError(
            f"two-person rule: {actor} proposed determination #{record.id}, so someone else must {verb} it"
        )
    return record


def approve_determination(
    session: Session,
    *,
    code: str,
    actor: str,
    note: str | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> DeterminationRecord:
    """Approve the proposed determination (by someone other than its proposer); it becomes current."""
    record = _decide(session, code=code, actor=actor, expected_version=expected_version, verb="approve")
    incident = open_for_change(session, code=code)
    previous = current_determination(session, incident_id=incident.id)
    record.state = DeterminationState.APPROVED
    record.decided_by, record.decided_at, record.decision_note = actor, at or utcnow(), note
    if previous is not None:
        previous.state = DeterminationState.SUPERSEDED
        previous.superseded_by_id = record.id
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.DETERMINATION_APPROVED,
        summary=f"determination #{record.id} approved: {record.determination.value} "
        f"(proposed by {record.proposed_by}{_conceded(record)})",
        reason=note,
        data={
            "determination_id": record.id,
            "determination": record.determination.value,
            "supersedes": previous.id if previous else None,
        },
        changes={"determination": record.determination},
        at=at,
    )
    return record


def reject_determination(
    session: Session,
    *,
    code: str,
    actor: str,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> DeterminationRecord:
    """Send a proposed determination back with a reason; the proposer may propose again."""
    if not reason.strip():
        raise ValidationError("rejecting a determination needs a reason")
    record = _decide(session, code=code, actor=actor, expected_version=expected_version, verb="reject")
    incident = open_for_change(session, code=code)
    record.state = DeterminationState.REJECTED
    record.decided_by, record.decided_at, record.decision_note = actor, at or utcnow(), reason
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.DETERMINATION_REJECTED,
        summary=f"determination #{record.id} ({record.determination.value}) rejected",
        reason=reason,
        data={"determination_id": record.id},
        at=at,
    )
    return record


def determinations_of(session: Session, *, incident_id: int) -> list[DeterminationRecord]:
    query = select(DeterminationRecord).where(DeterminationRecord.incident_id == incident_id)
    return list(session.scalars(query.order_by(DeterminationRecord.id)))
