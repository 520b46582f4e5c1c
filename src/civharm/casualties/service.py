"""Operations on casualty counts and individual casualty records."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civharm.casualties.models import Casualty, CasualtyCount
from civharm.casualties.schemas import CasualtyCountCreate, CasualtyCreate
from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.security.policy import access_for, casualty_scope
from civharm.security.principal import Principal


def add_casualty(
    session: Session, *, incident: Incident, data: CasualtyCreate, source_reports: list[Report] | None = None
) -> Casualty:
    """Record one person harmed in ``incident``; restricted unless the caller says otherwise.

    Each person gets a pseudonym such as ``CH-2026-000123-P03`` that can be shown to anyone
    not cleared to see names.
    """
    number = session.scalar(select(func.count(Casualty.id)).where(Casualty.incident_id == incident.id)) or 0
    casualty = Casualty(
        incident_id=incident.id,
        pseudonym=f"{incident.code}-P{number + 1:02d}",
        **data.model_dump(exclude={"names"}),
        names=[n.model_dump(exclude_none=True) for n in data.names],
    )
    if source_reports:
        casualty.sources.extend(source_reports)
    session.add(casualty)
    session.flush()
    return casualty


def add_count(
    session: Session,
    *,
    data: CasualtyCountCreate,
    incident: Incident | None = None,
    report: Report | None = None,
) -> CasualtyCount:
    """A disaggregated range of people killed or injured, owned by an incident or a report."""
    if (incident is None) == (report is None):
        raise ValueError("a casualty count belongs to exactly one incident or one report")
    count = CasualtyCount(
        incident_id=incident.id if incident else None,
        report_id=report.id if report else None,
        **data.model_dump(),
    )
    session.add(count)
    session.flush()
    return count


def casualties_of_incident(session: Session, *, incident_id: int, principal: Principal) -> list[Casualty]:
    """The incident's individual casualty records ``principal`` may see (project them before showing)."""
    scope = casualty_scope(access_for(session, principal))
    query = select(Casualty).where(Casualty.incident_id == incident_id, scope).order_by(Casualty.id)
    return list(session.scalars(query))
