"""Where every incident stands: state, age and overdue flags, for ``civharm report status``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civharm.assessments.facts import DECIDED
from civharm.assessments.lifecycle import STATE_ORDER
from civharm.assessments.models import DeterminationRecord, DeterminationState
from civharm.config import Settings
from civharm.db.base import as_utc, utcnow
from civharm.history.models import IncidentEvent
from civharm.incidents.models import Incident, IncidentTopic
from civharm.responses.models import Response
from civharm.responses.rules import OverdueFlag, assessment_overdue, response_overdue
from civharm.vocabulary import Determination, Grading, IncidentStatus, Topic


@dataclass(frozen=True)
class StatusRow:
    code: str
    title: str
    status: IncidentStatus
    topics: tuple[Topic, ...]
    grading: Grading | None
    determination: Determination
    #: Days since the incident entered its current state.
    days_in_state: int
    #: Days since it was received.
    days_open: int
    overdue: tuple[OverdueFlag, ...]

    @property
    def days_overdue(self) -> int:
        return max((f.days_over for f in self.overdue), default=-1)


def _latest(session: Session, column: Any, key: Any, *where: Any) -> dict[int, datetime]:
    query = select(key, func.max(column)).where(*where).group_by(key)
    return {int(k): as_utc(v) for k, v in session.execute(query) if v is not None}


def status_report(
    session: Session,
    *,
    settings: Settings,
    now: datetime | None = None,
    states: Sequence[IncidentStatus] = (),
    include_closed: bool = False,
) -> list[StatusRow]:
    """Incidents by state with their ages, the overdue ones first (most overdue at the top).

    A handful of grouped queries serve any number of incidents; nothing is read per incident.
    """
    now = now or utcnow()
    query = select(
        Incident.id,
        Incident.code,
        Incident.title,
        Incident.status,
        Incident.created_at,
        Incident.grading,
        Incident.determination,
    )
    if states:
        query = query.where(Incident.status.in_(states))
    elif not include_closed:
        query = query.where(Incident.status != IncidentStatus.CLOSED)
    incidents = session.execute(query).all()
    topics: dict[int, list[Topic]] = defaultdict(list)
    for incident_id, topic in session.execute(select(IncidentTopic.incident_id, IncidentTopic.topic)):
        topics[incident_id].append(topic)
    entered = _latest(
        session, IncidentEvent.occurred_at, IncidentEvent.incident_id, IncidentEvent.to_status.is_not(None)
    )
    reopened = _latest(
        session,
        IncidentEvent.occurred_at,
        IncidentEvent.incident_id,
        IncidentEvent.to_status == IncidentStatus.REOPENED,
    )
    credible = _latest(
        session,
        DeterminationRecord.decided_at,
        DeterminationRecord.incident_id,
        DeterminationRecord.state == DeterminationState.APPROVED,
        DeterminationRecord.determination == Determination.CREDIBLE,
    )
    responded = {
        int(i)
        for (i,) in session.execute(
            select(Response.incident_id).where(Response.status.in_(DECIDED)).distinct()
        )
    }
    rows = []
    for incident_id, code, title, status, created_at, grading, determination in incidents:
        received = as_utc(created_at)
        flags = [
            assessment_overdue(
                status=status,
                waiting_since=reopened.get(incident_id, received),
                now=now,
                limit_days=settings.assessment_overdue_days,
            ),
            response_overdue(
                determination=determination if status != IncidentStatus.CLOSED else None,
                approved_at=credible.get(incident_id),
                responses_decided=int(incident_id in responded),
                now=now,
                limit_days=settings.response_overdue_days,
            ),
        ]
        rows.append(
            StatusRow(
                code=code,
                title=title,
                status=status,
                topics=tuple(sorted(topics[incident_id], key=list(Topic).index)),
                grading=grading,
                determination=determination,
                days_in_state=max(0, (now - entered.get(incident_id, received)).days),
                days_open=max(0, (now - received).days),
                overdue=tuple(f for f in flags if f is not None),
            )
        )
    rows.sort(key=lambda r: (-r.days_overdue, STATE_ORDER.index(r.status), -r.days_in_state, r.code))
    return rows
