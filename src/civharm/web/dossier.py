"""An incident's whole story for one reader: the detail page and ``GET /api/v1/incidents/{code}``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.casualties.models import CasualtyCount
from civharm.casualties.schemas import CasualtyCountPublic
from civharm.casualties.service import casualties_of_incident
from civharm.errors import NotFoundError
from civharm.incidents.models import Incident
from civharm.incidents.service import get_incident
from civharm.reports.models import Report
from civharm.security.principal import Principal
from civharm.web import hooks, visibility
from civharm.web.schemas import IncidentDossier


def visible_incident(session: Session, *, code: str, principal: Principal) -> Incident:
    """The incident, or NotFoundError when it does not exist *or* the reader may not see it."""
    incident = get_incident(session, code=code)
    if not visibility.can_view_incident(principal, incident):
        raise NotFoundError(f"no incident with code {code}")
    return incident


def build_dossier(session: Session, *, code: str, principal: Principal) -> IncidentDossier:
    incident = visible_incident(session, code=code, principal=principal)
    reports = session.scalars(
        select(Report)
        .where(Report.incident_id == incident.id, visibility.report_scope(principal))
        .order_by(Report.date_start, Report.id)
    ).all()
    counts = session.scalars(
        select(CasualtyCount).where(CasualtyCount.incident_id == incident.id).order_by(CasualtyCount.id)
    ).all()
    casualties = None
    if visibility.can_view_individuals(principal):
        people = casualties_of_incident(session, incident_id=incident.id)
        casualties = [visibility.project_casualty(principal, person) for person in people]
        for person in people:
            if person.restricted and visibility.can_see_names(principal, person):
                hooks.audit_restricted_read(session, principal=principal, casualty=person)
    history = (
        hooks.incident_history(session, incident=incident)
        if visibility.can_view_workflow(principal)
        else None
    )
    own_force = [
        r
        for r in hooks.own_force_activity(session, incident=incident)
        if visibility.can_view_report(principal, r)
    ]
    return IncidentDossier(
        incident=visibility.project_incident(principal, incident, report_count=len(reports)),
        reports=[visibility.project_report(principal, r) for r in reports],
        casualty_counts=[CasualtyCountPublic.model_validate(c) for c in counts],
        casualties=casualties,
        history=history,
        assessment=hooks.incident_assessment(session, incident=incident),
        responses=hooks.incident_responses(session, incident=incident)
        if visibility.can_view_workflow(principal)
        else [],
        own_force_activity=[visibility.project_report(principal, r) for r in own_force],
        possible_duplicates=hooks.incident_duplicates(
            session, incident=incident, scope=visibility.incident_scope(principal)
        ),
    )
