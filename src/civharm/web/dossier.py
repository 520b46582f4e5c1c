"""An incident's whole story for one reader: the detail page and ``GET /api/v1/incidents/{code}``.

Every part goes through ``civharm.security.policy``: the incident is found with
``visible_incident`` (hidden looks like missing), records are disclosed with the ``show_*``
functions (projected field by field; reads of restricted records are audited), counts with
``count_scope``/``project_count``, and internal workflow only for those ``may_see_history``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.casualties.models import CasualtyCount
from civharm.reports.service import reports_of_incident
from civharm.security.policy import (
    count_scope,
    may_see_casualty_records,
    may_see_history,
    project_count,
    show_casualties,
    show_incident,
    show_reports,
    visible_incident,
)
from civharm.security.principal import Principal
from civharm.vocabulary import SourceType
from civharm.web import hooks
from civharm.web.schemas import IncidentDossier


def build_dossier(session: Session, *, code: str, principal: Principal) -> IncidentDossier:
    incident = visible_incident(session, principal, code)
    reports = reports_of_incident(session, incident_id=incident.id, principal=principal)
    shown_reports = show_reports(session, principal, reports)
    counts = session.scalars(
        select(CasualtyCount)
        .where(CasualtyCount.incident_id == incident.id, count_scope(principal))
        .order_by(CasualtyCount.id)
    ).all()
    internal = may_see_history(principal)
    return IncidentDossier(
        incident=show_incident(session, principal, incident),
        report_count=len(reports),
        reports=shown_reports,
        casualty_counts=[project_count(principal, c) for c in counts],
        casualties=show_casualties(session, principal, incident)
        if may_see_casualty_records(principal, incident)
        else None,
        history=hooks.incident_history(session, incident=incident) if internal else None,
        assessment=hooks.incident_assessment(session, incident=incident) if internal else None,
        responses=hooks.incident_responses(session, incident=incident) if internal else None,
        own_force_activity=[r for r in shown_reports if r.get("source_type") == SourceType.OWN_FORCE.value],
        possible_duplicates=hooks.incident_duplicates(session, incident=incident, principal=principal),
    )
