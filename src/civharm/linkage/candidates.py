"""Incremental linkage: which existing incidents a new report probably belongs to, in milliseconds.

For the intake form's "possible duplicate of CH-…" warning. The store is narrowed with its
indexes (date window, then a bounding box or the province), each nearby linked report is
scored with the saved model's parameters in Python (the same levels as the Splink SQL),
and each incident keeps the score of its best-matching report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.incidents.models import Incident
from civharm.linkage.comparisons import haversine_km
from civharm.linkage.features import feature_row
from civharm.linkage.model import ModelParams, explain, probability, score_pair
from civharm.linkage.records import LinkRecord
from civharm.linkage.store import active_params, report_record
from civharm.precision import date_uncertainty_days, location_uncertainty_km
from civharm.reports.models import Report

#: Candidates scoring below this probability are not shown.
MIN_PROBABILITY = 0.05
#: Extra days searched beyond the new report's own date uncertainty.
SEARCH_DAYS = 4
MIN_SEARCH_KM = 30.0
#: Rows the indexed query may return (ids, dates, coordinates only) ...
MAX_ROWS = 5000
#: ... and how many of the closest of them are loaded and scored in Python.
MAX_SCORED = 250


@dataclass
class Candidate:
    code: str
    title: str
    probability: float
    match_weight: float
    best_report_id: int
    comparisons: list[dict[str, Any]] = field(default_factory=list)


def _nearby(session: Session, record: LinkRecord) -> list[Report]:
    """Linked reports near ``record``: narrowed by index, then the closest few loaded in full.

    The indexed query reads only ids, dates and coordinates. A report placed only at province
    level (or without coordinates) can have thousands of neighbours in a busy month; they are
    ranked by days apart, then km apart, and only :data:`MAX_SCORED` are loaded and scored.
    """
    light = select(Report.id, Report.date_start, Report.latitude, Report.longitude).where(
        Report.incident_id.is_not(None)
    )
    if record.date is not None:
        days = min(date_uncertainty_days(record.date_precision), 45) + SEARCH_DAYS
        light = light.where(
            Report.date_start.between(record.date - timedelta(days=days), record.date + timedelta(days=days))
        )
    if record.latitude is not None and record.longitude is not None:
        km = max(MIN_SEARCH_KM, 3 * location_uncertainty_km(record.location_precision))
        dlat, dlon = km / 111.0, km / (111.0 * max(math.cos(math.radians(record.latitude)), 0.05))
        light = light.where(
            Report.latitude.between(record.latitude - dlat, record.latitude + dlat),
            Report.longitude.between(record.longitude - dlon, record.longitude + dlon),
        )
    elif record.admin1:
        light = light.where(Report.admin1 == record.admin1)
    rows = session.execute(light.limit(MAX_ROWS)).all()
    if len(rows) > MAX_SCORED:
        rows = sorted(rows, key=lambda row: _closeness(record, row))[:MAX_SCORED]
    if not rows:
        return []
    return list(session.scalars(select(Report).where(Report.id.in_([row.id for row in rows]))))


def _closeness(record: LinkRecord, row: Any) -> tuple[int, float]:
    days = abs((row.date_start - record.date).days) if record.date and row.date_start else 0
    if record.latitude is None or record.longitude is None or row.latitude is None or row.longitude is None:
        return days, 0.0
    return days, haversine_km(record.latitude, record.longitude, row.latitude, row.longitude)


def candidates_for(
    session: Session,
    *,
    record: LinkRecord,
    limit: int = 5,
    params: ModelParams | None = None,
    exclude_report_id: int | None = None,
) -> list[Candidate]:
    """The incidents ``record`` most probably reports, best first, with the evidence."""
    params = params or active_params(session)
    new = feature_row(-1, record)
    best: dict[int, tuple[float, Report, dict[str, tuple[int, float]]]] = {}
    for report in _nearby(session, record):
        if report.id == exclude_report_id or report.incident_id is None:
            continue
        weight, parts = score_pair(params, new, feature_row(report.id, report_record(report)))
        if report.incident_id not in best or weight > best[report.incident_id][0]:
            best[report.incident_id] = (weight, report, parts)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])
    ranked = [item for item in ranked if probability(item[1][0]) >= MIN_PROBABILITY][:limit]
    incidents = {
        i.id: i for i in session.scalars(select(Incident).where(Incident.id.in_([k for k, _ in ranked])))
    }
    return [
        Candidate(
            code=incidents[incident_id].code,
            title=incidents[incident_id].title,
            probability=round(probability(weight), 4),
            match_weight=round(weight, 2),
            best_report_id=report.id,
            comparisons=explain(params, {name: level for name, (level, _) in parts.items()}),
        )
        for incident_id, (weight, report, parts) in ranked
    ]
