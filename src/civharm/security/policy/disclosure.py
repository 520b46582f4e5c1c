"""Disclosures: check, project, and record in the audit chain each read of a restricted record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.casualties.models import Casualty
from civharm.errors import NotFoundError
from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.security.audit import record_read
from civharm.security.policy.access import (
    access_for,
    may_see_casualty_records,
    may_see_incident,
    may_see_report,
)
from civharm.security.policy.fields import project_casualty, project_incident, project_report
from civharm.security.principal import Principal
from civharm.vocabulary import Sensitivity


def _note_reads(session: Session, table: str, ids: list[int]) -> None:
    record_read(session, table_name=table, record_ids=[str(i) for i in ids])


def visible_incident(session: Session, principal: Principal, code: str) -> Incident:
    """The incident with ``code`` if the principal may see it; otherwise ``NotFoundError``."""
    from civharm.incidents.service import get_incident  # the service imports this package

    incident = get_incident(session, code=code)
    if not may_see_incident(access_for(session, principal), incident):
        raise NotFoundError(f"no incident with code {code}")
    return incident


def visible_report(session: Session, principal: Principal, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None or not may_see_report(access_for(session, principal), report):
        raise NotFoundError(f"no report with id {report_id}")
    return report


def show_incident(session: Session, principal: Principal, incident: Incident) -> dict[str, Any]:
    """Check, project and (for a restricted incident) record the read of one incident."""
    if not may_see_incident(access_for(session, principal), incident):
        raise NotFoundError(f"no incident with code {incident.code}")
    return show_incidents(session, principal, [incident])[0]


def show_incidents(
    session: Session, principal: Principal, incidents: Iterable[Incident]
) -> list[dict[str, Any]]:
    """The incidents the principal may see, projected; hidden ones are left out."""
    access = access_for(session, principal)
    shown = [i for i in incidents if may_see_incident(access, i)]
    _note_reads(session, "incidents", [i.id for i in shown if i.sensitivity is Sensitivity.RESTRICTED])
    return [project_incident(access, i) for i in shown]


def show_reports(session: Session, principal: Principal, reports: Iterable[Report]) -> list[dict[str, Any]]:
    """The reports the principal may see, projected; hidden ones are left out."""
    access = access_for(session, principal)
    shown = [r for r in reports if may_see_report(access, r)]
    _note_reads(session, "reports", [r.id for r in shown if r.sensitivity is Sensitivity.RESTRICTED])
    wanted = {r.incident_id for r in shown if r.incident_id is not None}
    # One query for the incidents of the whole list, not one per report.
    parents = (
        {i.id: i for i in session.scalars(select(Incident).where(Incident.id.in_(wanted)))} if wanted else {}
    )
    return [project_report(access, r, incident=parents.get(r.incident_id or 0)) for r in shown]


def show_casualties(session: Session, principal: Principal, incident: Incident) -> list[dict[str, Any]]:
    """The incident's individual casualty records as the principal may see them (maybe none)."""
    access = access_for(session, principal)
    if not may_see_incident(access, incident) or not may_see_casualty_records(access, incident):
        return []
    people = list(
        session.scalars(select(Casualty).where(Casualty.incident_id == incident.id).order_by(Casualty.id))
    )
    _note_reads(session, "casualties", [c.id for c in people if c.restricted])
    return [project_casualty(access, c, incident=incident) for c in people]
