"""The exchange part of the demo (synthetic): a saved mapping, a release waiting for a second
person, and two requests for information, one of them answered."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.db.base import utcnow
from civharm.exchange.mapping import save_mapping
from civharm.exchange.models import ColumnMapping
from civharm.exchange.release import export
from civharm.exchange.requests import answer_request, create_request
from civharm.incidents.models import Incident
from civharm.security.demo import DEMO_PARTNER
from civharm.security.principal import Principal, Role

DEMO_MAPPING = "demo-ngo-sheet"


def load_exchange_demo(session: Session) -> bool:
    """Add the synthetic exchange records once; returns whether anything was added."""
    if session.scalar(select(ColumnMapping.id).where(ColumnMapping.name == DEMO_MAPPING)) is not None:
        return False
    save_mapping(
        session,
        name=DEMO_MAPPING,
        columns={
            "source_key": "Ref",
            "date": "Date",
            "place_name": "Village",
            "original_text": "What happened",
            "killed": "Dead",
        },
        defaults={"source_type": "ngo", "source_name": "Demo NGO (synthetic)"},
        actor="demo",
    )
    codes = list(
        session.scalars(
            select(Incident.code).where(Incident.title.like("[DEMO]%")).order_by(Incident.id).limit(2)
        )
    )
    # Asked for by an analyst; written only when demo-approver runs `civharm release approve`.
    export(
        session,
        fmt="package",
        organisation=DEMO_PARTNER,
        output=Path("demo-release.json"),
        actor=Principal(username="demo-analyst", role=Role.ANALYST),
        needs_approval=True,
    )
    today = utcnow().date()
    create_request(
        session,
        recipient="Demo mine action centre (synthetic)",
        questions=["Were unexploded submunitions found at the site?", "Is the road to the clinic cleared?"],
        incident_codes=codes[:1],
        deadline=today - timedelta(days=3),
        actor="demo-analyst",
    )
    answered, _ = create_request(
        session,
        recipient="Demo hospital (synthetic)",
        questions=["How many injured civilians were admitted on the day?"],
        incident_codes=codes[1:2],
        deadline=today + timedelta(days=10),
        actor="demo-analyst",
    )
    answer_request(
        session,
        request=answered,
        answer="Eleven admitted, four of them children (synthetic).",
        answered_by="Demo hospital (synthetic)",
    )
    return True
