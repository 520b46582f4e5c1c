"""Gather what the lifecycle guards need to know about one incident from the store."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civharm.assessments.lifecycle import CaseFacts
from civharm.assessments.models import DeterminationRecord, DeterminationState
from civharm.history.models import EventKind, IncidentEvent
from civharm.history.service import events_of
from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.responses.models import Response, ResponseStatus
from civharm.survivors.models import Survivor
from civharm.topics.rules import topic_gaps
from civharm.topics.service import current_cultural_property, current_grave_violations, current_poc
from civharm.vocabulary import IncidentStatus

DECIDED = (ResponseStatus.APPROVED, ResponseStatus.DELIVERED, ResponseStatus.PAID)
DONE = (ResponseStatus.DELIVERED, ResponseStatus.PAID)


def _last_id(events: list[IncidentEvent], status: IncidentStatus) -> int:
    return max((e.id for e in events if e.to_status == status), default=0)


def current_determination(session: Session, *, incident_id: int) -> DeterminationRecord | None:
    query = select(DeterminationRecord).where(
        DeterminationRecord.incident_id == incident_id,
        DeterminationRecord.state == DeterminationState.APPROVED,
    )
    return session.scalars(query.order_by(DeterminationRecord.id.desc())).first()


def case_facts(session: Session, incident: Incident, *, reason: str | None = None) -> CaseFacts:
    """The facts of ``incident`` as the guards of :mod:`civharm.assessments.lifecycle` see them."""
    events = events_of(session, incident_id=incident.id)
    reopened = _last_id(events, IncidentStatus.REOPENED)
    investigated = _last_id(events, IncidentStatus.UNDER_INVESTIGATION)
    approvals = [e.id for e in events if e.kind == EventKind.DETERMINATION_APPROVED]
    approved = current_determination(session, incident_id=incident.id)
    pending = session.scalars(
        select(DeterminationRecord.id).where(
            DeterminationRecord.incident_id == incident.id,
            DeterminationRecord.state == DeterminationState.PROPOSED,
        )
    ).all()
    responses = list(session.scalars(select(Response).where(Response.incident_id == incident.id)))
    survivors = session.scalar(select(func.count(Survivor.id)).where(Survivor.incident_id == incident.id))
    return CaseFacts(
        status=incident.status,
        linked_reports=int(
            session.scalar(select(func.count(Report.id)).where(Report.incident_id == incident.id)) or 0
        ),
        duplicate_of=incident.details.get("duplicate_of"),
        match_recorded=any(e.kind == EventKind.MATCH_RECORDED for e in events),
        grading=incident.grading,
        determination=approved.determination if approved else None,
        determination_current=bool(approvals) and max(approvals) > reopened if approved else True,
        pending_determinations=tuple(pending),
        findings_recorded=any(e.kind == EventKind.FINDINGS_RECORDED and e.id > investigated for e in events),
        responses_decided=sum(r.status in DECIDED for r in responses),
        responses_delivered=sum(r.status in DONE for r in responses),
        responses_outstanding=tuple(
            f"#{r.id} {r.kind.value}" for r in responses if r.status == ResponseStatus.APPROVED
        ),
        lesson_recorded=any(e.kind == EventKind.LESSON_RECORDED for e in events),
        topic_gaps=tuple(
            topic_gaps(
                incident.topics,
                grave_violations=len(current_grave_violations(session, incident_id=incident.id)),
                cultural_property=len(current_cultural_property(session, incident_id=incident.id)),
                poc_recorded=current_poc(session, incident_id=incident.id) is not None,
                survivor_intakes=int(survivors or 0),
            )
        ),
        reason=reason,
    )
