"""Between the store and the engine: reports as link records, parameters saved and loaded."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.linkage.model import ModelParams
from civharm.linkage.models import LinkageModelRecord
from civharm.linkage.records import LinkRecord
from civharm.reports.models import Report


def report_record(report: Report) -> LinkRecord:
    """A stored report as the engine sees it."""
    killed = (
        (report.killed_min, report.killed_max if report.killed_max is not None else report.killed_min)
        if report.killed_min is not None
        else None
    )
    injured = (
        (report.injured_min, report.injured_max if report.injured_max is not None else report.injured_min)
        if report.injured_min is not None
        else None
    )
    return LinkRecord(
        report_id=str(report.id),
        source=report.source_name,
        date=report.date_start,
        date_precision=report.date_precision,
        latitude=report.latitude,
        longitude=report.longitude,
        location_precision=report.location_precision,
        place_name=report.place_name,
        admin1=report.admin1,
        country=report.country_iso3,
        killed=killed,
        injured=injured,
        description=report.translation or report.original_text or "",
    )


def active_params(session: Session) -> ModelParams:
    """The newest active parameters saved with the store, else the starting ones."""
    row = session.scalar(
        select(LinkageModelRecord)
        .where(LinkageModelRecord.active.is_(True))
        .order_by(LinkageModelRecord.id.desc())
        .limit(1)
    )
    return ModelParams.from_json(row.params) if row is not None else ModelParams.starting()


def save_params(session: Session, params: ModelParams, *, actor: str) -> LinkageModelRecord:
    """Store newly estimated parameters; they replace the previous ones (kept, inactive)."""
    for previous in session.scalars(select(LinkageModelRecord).where(LinkageModelRecord.active.is_(True))):
        previous.active = False
    row = LinkageModelRecord(
        params=params.to_json(), trained_on=params.trained_on, active=True, created_by=actor
    )
    session.add(row)
    session.flush()
    return row
