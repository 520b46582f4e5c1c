"""Demo: a synthetic own-force activity log for the demo area, so demo incidents show matched activities."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civharm.incidents.models import Incident
from civharm.linkage.models import OwnForceActivity
from civharm.vocabulary import Cause

DEMO_UNIT = "Task Force SILVER (synthetic demo)"


def load_linkage_demo(session: Session, *, seed: int = 7) -> int:
    """Add a labelled synthetic activity log near some demo incidents (once). Returns activities added."""
    if session.scalar(select(func.count(OwnForceActivity.id)).where(OwnForceActivity.unit == DEMO_UNIT)):
        return 0
    rng = random.Random(seed)
    incidents = session.scalars(
        select(Incident)
        .where(Incident.title.startswith("[DEMO]"), Incident.latitude.is_not(None))
        .order_by(Incident.id)
    ).all()
    added = 0
    for incident in incidents:
        if incident.date_start is None or incident.cause != Cause.HEAVY_WEAPONS or rng.random() > 0.6:
            continue
        start = datetime.combine(incident.date_start, time(rng.randint(0, 20), 0), tzinfo=UTC)
        session.add(
            OwnForceActivity(
                activity_id=f"DEMO-ACT-{added + 1:04d}",
                start=start,
                end=start + timedelta(hours=rng.choice([1, 2, 4])),
                latitude=incident.latitude + rng.gauss(0, 0.01),  # type: ignore[operator]
                longitude=incident.longitude + rng.gauss(0, 0.01),  # type: ignore[operator]
                radius_km=rng.choice([0.5, 1.0, 2.0]),
                activity_type=rng.choice(["airstrike", "artillery", "drone_strike"]),
                unit=DEMO_UNIT,
                source_file="synthetic demo log",
                imported_by="demo",
            )
        )
        added += 1
    session.flush()
    return added
