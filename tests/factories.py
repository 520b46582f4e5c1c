"""Small builders for test data, so tests say only what matters to them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from civharm.incidents.models import Incident
from civharm.incidents.schemas import IncidentCreate
from civharm.incidents.service import create_incident
from civharm.reports.models import Report
from civharm.reports.schemas import ReportCreate
from civharm.reports.service import create_report
from civharm.vocabulary import SourceType, Topic


def make_incident(session: Session, **overrides: Any) -> Incident:
    values: dict[str, Any] = {
        "title": "Shelling of the market",
        "topics": [Topic.POC],
        "date_start": date(2026, 3, 14),
        "date_end": date(2026, 3, 14),
        "latitude": 35.0198,
        "longitude": 40.4515,
        "place_name": "Al Mayadin",
        "country_iso3": "SYR",
        "killed_min": 2,
        "killed_max": 4,
    }
    values.update(overrides)
    return create_incident(session, data=IncidentCreate(**values), created_by="tester")


def make_report(session: Session, **overrides: Any) -> Report:
    values: dict[str, Any] = {
        "source_type": SourceType.MEDIA,
        "source_name": "River Post",
        "original_text": "Three killed when shells hit the market.",
        "date_start": date(2026, 3, 14),
        "latitude": 35.02,
        "longitude": 40.45,
        "killed_min": 3,
        "killed_max": 3,
    }
    values.update(overrides)
    return create_report(session, data=ReportCreate(**values), submitted_by="tester")
