"""Where other features' data plugs into the web app: the lifecycle, and the linkage adapter.

Pages and API routes call these; each reads the feature's own service (history timeline,
determinations under the two-person rule, responses). Visibility is decided by the callers
through ``civharm.security.policy`` — these functions are only ever called for an incident
the principal may see, and the internal ones (history, assessment, responses, approvals)
only for principals the policy lets read internal workflow.

HOOK(linkage)   proposed_merges; incident_duplicates (the engine, ``civharm.linkage.intake``)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civharm.assessments.determinations import approve_determination as approve_pending
from civharm.assessments.facts import current_determination
from civharm.assessments.models import DeterminationRecord, DeterminationState
from civharm.config import Settings
from civharm.errors import NotFoundError
from civharm.history.service import timeline
from civharm.incidents.models import Incident
from civharm.linkage import intake
from civharm.linkage.schemas import DuplicateCandidate
from civharm.responses.service import describe, responses_of
from civharm.security.policy import incident_scope
from civharm.security.principal import Principal
from civharm.vocabulary import Determination, IncidentStatus
from civharm.web.schemas import (
    AssessmentView,
    HistoryEntry,
    MergeProposal,
    OverdueItem,
    PendingDetermination,
    ResponseView,
)

# --- lifecycle ---------------------------------------------------------------------------


def incident_history(session: Session, *, incident: Incident) -> list[HistoryEntry]:
    """The incident's timeline, oldest first (``civharm.history``), corrections included."""
    return [
        HistoryEntry(
            at=entry.occurred_at,
            kind=entry.kind.value,
            summary=entry.summary + (f" — {entry.reason}" if entry.reason else ""),
            actor=entry.actor,
        )
        for entry in timeline(session, code=incident.code)
    ]


def incident_assessment(session: Session, *, incident: Incident) -> AssessmentView:
    """The grading and the current (approved) determination with its reasons and conceded ranges."""
    current = current_determination(session, incident_id=incident.id)
    waiting = session.scalar(
        select(func.count(DeterminationRecord.id)).where(
            DeterminationRecord.incident_id == incident.id,
            DeterminationRecord.state == DeterminationState.PROPOSED,
        )
    )
    view = AssessmentView(
        status=incident.status,
        grading=incident.grading,
        determination=incident.determination,
        awaiting_approval=bool(waiting),
    )
    if current is None:
        return view
    return view.model_copy(
        update={
            "reasons": current.reasons,
            "approved_by": current.decided_by,
            "conceded_killed": (current.deaths_min, current.deaths_max)
            if current.deaths_min is not None and current.deaths_max is not None
            else None,
            "conceded_injured": (current.injuries_min, current.injuries_max)
            if current.injuries_min is not None and current.injuries_max is not None
            else None,
        }
    )


def incident_responses(session: Session, *, incident: Incident) -> list[ResponseView]:
    """Responses proposed, approved, delivered, paid or refused (``civharm.responses``)."""
    return [
        ResponseView(
            kind=r.kind.value,
            status=r.status.value,
            summary=describe(r) + (f" — refused: {r.refusal_reason}" if r.refusal_reason else ""),
            occurred_on=r.payment_date,
        )
        for r in responses_of(session, incident_id=incident.id)
    ]


def determinations_awaiting_approval(session: Session, *, principal: Principal) -> list[PendingDetermination]:
    """Determinations proposed by one person, awaiting a second person's approval, oldest first."""
    query = (
        select(DeterminationRecord, Incident.code, Incident.title)
        .join(Incident, Incident.id == DeterminationRecord.incident_id)
        .where(DeterminationRecord.state == DeterminationState.PROPOSED, incident_scope(principal))
        .order_by(DeterminationRecord.proposed_at, DeterminationRecord.id)
        .limit(200)
    )
    return [
        PendingDetermination(
            id=str(record.id),
            incident_code=code,
            incident_title=title,
            determination=record.determination,
            proposed_by=record.proposed_by,
            proposed_at=record.proposed_at,
            reasons=record.reasons,
        )
        for record, code, title in session.execute(query)
    ]


def approve_determination(session: Session, *, determination_id: str, principal: Principal) -> None:
    """Approve a pending determination as ``principal``; the two-person rule is the lifecycle's."""
    record = session.get(DeterminationRecord, int(determination_id)) if determination_id.isdigit() else None
    if record is None or record.state is not DeterminationState.PROPOSED:
        raise NotFoundError(f"no determination {determination_id} is awaiting approval")
    incident = session.get(Incident, record.incident_id)
    assert incident is not None
    approve_pending(session, code=incident.code, actor=principal.username)


def overdue_work(
    session: Session, *, settings: Settings, principal: Principal, today: date, limit: int = 20
) -> list[OverdueItem]:
    """Assessments and responses past their due dates, longest waiting first.

    Awaiting assessment: not yet assessed and the incident date older than
    ``assessment_overdue_days``; awaiting response: determined credible, assessed or under
    investigation, last change older than ``response_overdue_days``.
    """
    scope = incident_scope(principal)
    waiting = (
        IncidentStatus.RECEIVED,
        IncidentStatus.TRIAGED,
        IncidentStatus.MATCHED,
        IncidentStatus.UNDER_ASSESSMENT,
    )
    assess_before = today - timedelta(days=settings.assessment_overdue_days)
    respond_before = today - timedelta(days=settings.response_overdue_days)
    items: list[OverdueItem] = []
    query = select(Incident.code, Incident.title, Incident.date_start).where(
        scope, Incident.status.in_(waiting), Incident.date_start < assess_before
    )
    for code, title, since in session.execute(query.order_by(Incident.date_start).limit(limit)):
        items.append(
            OverdueItem(
                code=code, title=title, kind="assessment", since=since, days_waiting=(today - since).days
            )
        )
    query2 = select(Incident.code, Incident.title, func.date(Incident.updated_at)).where(
        scope,
        Incident.determination == Determination.CREDIBLE,
        Incident.status.in_((IncidentStatus.ASSESSED, IncidentStatus.UNDER_INVESTIGATION)),
        Incident.updated_at < datetime.combine(respond_before, time(), tzinfo=UTC),
    )
    for code, title, changed in session.execute(query2.order_by(Incident.updated_at).limit(limit)):
        since = changed if isinstance(changed, date) else date.fromisoformat(str(changed))
        items.append(
            OverdueItem(
                code=code, title=title, kind="response", since=since, days_waiting=(today - since).days
            )
        )
    return items


# --- linkage -----------------------------------------------------------------------------


def proposed_merges(session: Session, *, principal: Principal) -> list[MergeProposal]:
    """HOOK(linkage): merges the linkage engine proposes, awaiting review. Today: none."""
    return []


def incident_duplicates(
    session: Session, *, incident: Incident, principal: Principal
) -> list[DuplicateCandidate]:
    """Other incidents ``principal`` may see that may be the same event
    (:func:`civharm.linkage.intake.incident_duplicates`)."""
    return intake.incident_duplicates(session, incident, principal=principal)
