"""Operations on reports."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.errors import NotFoundError
from civharm.reports.models import Report
from civharm.reports.schemas import ReportCreate
from civharm.security.policy import access_for, report_scope
from civharm.security.principal import Principal

MANUAL_SOURCE_SYSTEM = "intake"


def create_report(session: Session, *, data: ReportCreate, submitted_by: str | None = None) -> Report:
    """Record what a source said. Reports entered by hand get a random key in the ``intake`` system."""
    values = data.model_dump(exclude={"source_system", "source_key"})
    report = Report(
        source_system=data.source_system or MANUAL_SOURCE_SYSTEM,
        source_key=data.source_key or uuid.uuid4().hex,
        submitted_by=submitted_by,
        raw_record=values.pop("raw_record") or data.model_dump(mode="json", exclude={"raw_record"}),
        **values,
    )
    session.add(report)
    session.flush()
    return report


def get_report(session: Session, *, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFoundError(f"no report with id {report_id}")
    return report


def reports_of_incident(session: Session, *, incident_id: int, principal: Principal) -> list[Report]:
    """The incident's reports that ``principal`` may see, oldest first."""
    scope = report_scope(access_for(session, principal))
    query = (
        select(Report).where(Report.incident_id == incident_id, scope).order_by(Report.date_start, Report.id)
    )
    return list(session.scalars(query))
