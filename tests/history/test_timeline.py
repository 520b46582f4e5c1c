"""Every change is an event with who, when, what and why; nothing is rewritten, only superseded."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from civharm.assessments import service
from civharm.errors import ValidationError
from civharm.history.models import EventKind, IncidentEvent
from civharm.history.service import correct_event, edit_incident, timeline
from civharm.incidents.service import get_incident
from civharm.vocabulary import Topic
from tests.assessments.walk import ASSESSOR, assess, new_case, respond_and_deliver, to_under_assessment


def test_the_timeline_holds_every_change_in_order(session: Session) -> None:
    code = new_case(session)
    service.triage(session, code=code, actor=ASSESSOR, note="one media report")
    to_under_assessment(session, code)
    assess(session, code, Topic.POC)
    respond_and_deliver(session, code)
    entries = timeline(session, code=code)
    assert [e.kind for e in entries] == [
        EventKind.RECEIVED, EventKind.STATUS_CHANGED, EventKind.MATCH_RECORDED, EventKind.STATUS_CHANGED,
        EventKind.STATUS_CHANGED, EventKind.GRADING_RECORDED, EventKind.TOPIC_DETAILS_RECORDED,
        EventKind.DETERMINATION_PROPOSED, EventKind.DETERMINATION_APPROVED, EventKind.STATUS_CHANGED,
        EventKind.RESPONSE_PROPOSED, EventKind.RESPONSE_UPDATED, EventKind.STATUS_CHANGED,
        EventKind.RESPONSE_UPDATED, EventKind.STATUS_CHANGED,
    ]  # fmt: skip
    assert [e.actor for e in entries][:2] == ["tester", ASSESSOR]
    assert entries[1].reason == "one media report"
    assert entries[5].summary == "graded fair (was none)" and entries[5].reason == "two sources"
    assert all(a.occurred_at <= b.occurred_at for a, b in itertools.pairwise(entries))
    # Each change moved the version on by one, and the event says which version it produced.
    incident = get_incident(session, code=code)
    events = session.query(IncidentEvent).filter_by(incident_id=incident.id).order_by(IncidentEvent.id).all()
    assert [e.incident_version for e in events] == list(range(2, incident.version + 1))


def test_history_cannot_be_rewritten_only_corrected(session: Session) -> None:
    code = new_case(session)
    incident = service.triage(session, code=code, actor=ASSESSOR, note="typo: one medai report")
    session.commit()
    first = session.query(IncidentEvent).filter_by(incident_id=incident.id).one()
    first.reason = "quietly changed"
    with pytest.raises(
        ValidationError, match="history entries cannot be changed; record a correction instead"
    ):
        session.flush()
    session.rollback()
    for statement in ("UPDATE incident_events SET reason = 'x'", "DELETE FROM incident_events"):
        with pytest.raises(DBAPIError, match="incident history is append-only"):
            session.execute(text(statement))
        session.rollback()

    original = timeline(session, code=code)[-1]
    assert original.event_id is not None
    correct_event(session, code=code, event_id=original.event_id, actor="ben", summary="note corrected",
                  reason="the note should read: one media report")  # fmt: skip
    entries = {e.event_id: e for e in timeline(session, code=code)}
    assert entries[original.event_id].reason == "typo: one medai report"
    correction = entries[entries[original.event_id].superseded_by]
    assert (correction.kind, correction.supersedes, correction.actor) == (
        EventKind.CORRECTION,
        original.event_id,
        "ben",
    )


def test_edits_of_incident_fields_are_recorded_with_before_and_after(session: Session) -> None:
    code = new_case(session)
    version = get_incident(session, code=code).version
    edit_incident(session, code=code, expected_version=version, actor="ana", reason="source said Hajin",
                  changes={"place_name": "Hajin", "topics": ["poc", "caac"]})  # fmt: skip
    last = timeline(session, code=code)[-1]
    assert last.summary == "changed place_name, topics"
    assert last.data["changes"] == {
        "place_name": {"from": "Al Mayadin", "to": "Hajin"},
        "topics": {"from": ["poc"], "to": ["poc", "caac"]},
    }
