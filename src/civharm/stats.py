"""Counts of what the store holds, for ``civharm stats`` and the dashboard."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from civharm.casualties.models import Casualty
from civharm.incidents.models import Incident, IncidentTopic
from civharm.reports.models import Report
from civharm.security.policy import access_for, casualty_scope, incident_scope, report_scope
from civharm.security.principal import Principal
from civharm.vocabulary import Topic


def store_stats(session: Session, *, principal: Principal) -> dict[str, Any]:
    """Reports, incidents and casualty records ``principal`` may see, by source and by topic."""
    access = access_for(session, principal)
    reports, incidents = report_scope(access), incident_scope(access)
    by_source = {
        system: int(n)
        for system, n in session.execute(
            select(Report.source_system, func.count(Report.id)).where(reports).group_by(Report.source_system)
        )
    }
    incidents_by_topic = {
        str(topic): int(n)
        for topic, n in session.execute(
            select(IncidentTopic.topic, func.count(IncidentTopic.incident_id))
            .join(Incident, Incident.id == IncidentTopic.incident_id)
            .where(incidents)
            .group_by(IncidentTopic.topic)
        )
    }
    incidents_by_status = {
        str(status): int(n)
        for status, n in session.execute(
            select(Incident.status, func.count(Incident.id)).where(incidents).group_by(Incident.status)
        )
    }
    topics_text = cast(Report.topics, String)
    reports_by_topic = {
        topic.value: int(
            session.scalar(
                select(func.count(Report.id)).where(reports, topics_text.like(f'%"{topic.value}"%'))
            )
            or 0
        )
        for topic in Topic
    }
    casualties = casualty_scope(access)
    return {
        "reports": sum(by_source.values()),
        "reports_unlinked": int(
            session.scalar(select(func.count(Report.id)).where(reports, Report.incident_id.is_(None))) or 0
        ),
        "incidents": int(session.scalar(select(func.count(Incident.id)).where(incidents)) or 0),
        "casualty_records": int(session.scalar(select(func.count(Casualty.id)).where(casualties)) or 0),
        "reports_by_source": dict(sorted(by_source.items())),
        "reports_by_topic": reports_by_topic,
        "incidents_by_topic": dict(sorted(incidents_by_topic.items())),
        "incidents_by_status": dict(sorted(incidents_by_status.items())),
    }
