"""The demo's incidents reach their states through the real services, so every story is consistent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.assessments.facts import current_determination
from civharm.assessments.status import status_report
from civharm.config import Settings
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.demo.load import load_demo
from civharm.history.models import IncidentEvent
from civharm.incidents.models import Incident
from civharm.responses.models import Response, ResponseStatus
from civharm.vocabulary import IncidentStatus as S

ASSESSED_OR_LATER = {
    S.ASSESSED,
    S.UNDER_INVESTIGATION,
    S.RESPONSE_DECIDED,
    S.RESPONSE_DELIVERED,
    S.LESSONS_CAPTURED,
}


@pytest.fixture
def sqlite_session(tmp_path: Path) -> Iterator[Session]:
    """The demo is loaded through the same services the backend tests cover; one backend keeps it fast."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    upgrade_schema(engine)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def test_demo_histories_agree_with_states(sqlite_session: Session) -> None:
    session = sqlite_session
    load_demo(session, incidents=33)
    incidents = session.scalars(select(Incident)).all()
    assert {i.status for i in incidents} == set(S)
    for incident in incidents:
        moves = session.scalars(
            select(IncidentEvent.to_status)
            .where(IncidentEvent.incident_id == incident.id, IncidentEvent.to_status.is_not(None))
            .order_by(IncidentEvent.id)
        ).all()
        assert (moves[-1] if moves else S.RECEIVED) == incident.status, incident.code
        if incident.status in ASSESSED_OR_LATER:
            approved = current_determination(session, incident_id=incident.id)
            assert approved is not None and approved.determination == incident.determination
            assert approved.proposed_by != approved.decided_by
    refused = session.scalars(select(Response).where(Response.status == ResponseStatus.REFUSED)).all()
    assert refused and all(r.refusal_reason for r in refused)
    rows = status_report(session, settings=Settings(database_url="sqlite://"))
    kinds = {flag.kind for row in rows for flag in row.overdue}
    assert kinds == {"assessment", "response"}
    assert rows[0].overdue
