"""Incidents of each of the five topics walk the whole lifecycle, are re-opened and walk it again."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from civharm.assessments import service
from civharm.assessments.determinations import determinations_of
from civharm.assessments.lifecycle import TransitionRefusedError
from civharm.assessments.models import DeterminationState
from civharm.errors import ValidationError
from civharm.history.models import EventKind
from civharm.history.service import timeline
from civharm.incidents.service import get_incident
from civharm.vocabulary import Determination, IncidentStatus, Topic
from tests.assessments.walk import (
    ASSESSOR,
    NOT_CREDIBLE,
    S,
    assess,
    determine,
    new_case,
    respond_and_deliver,
    to_under_assessment,
)
from tests.factories import make_report

TOPIC_GAPS = {
    Topic.POC: "no cause category and civilian objects recorded (PoC)",
    Topic.CAAC: "no grave violation recorded (CAAC)",
    Topic.CPP: "no cultural property recorded (CPP)",
    Topic.CRSV: "no survivor intake with a consent decision recorded (CRSV)",
    Topic.THB: "no survivor intake with a consent decision recorded (THB)",
}


@pytest.mark.parametrize("topic", list(Topic))
def test_a_case_walks_the_whole_lifecycle_and_again_after_reopening(session: Session, topic: Topic) -> None:
    code = new_case(session, topic)
    service.triage(session, code=code, actor=ASSESSOR, note="one media report")
    to_under_assessment(session, code)
    with pytest.raises(TransitionRefusedError) as refused:
        service.transition(session, code=code, target=S.ASSESSED, actor=ASSESSOR)
    assert str(refused.value) == (
        f"cannot mark assessed: no grading recorded; no approved determination; {TOPIC_GAPS[topic]}"
    )
    assess(session, code, topic)
    respond_and_deliver(session, code)
    service.record_lesson(session, code=code, lesson_ref="LL-2026-004", actor=ASSESSOR)
    service.transition(session, code=code, target=S.LESSONS_CAPTURED, actor=ASSESSOR)
    service.transition(session, code=code, target=S.CLOSED, actor=ASSESSOR)

    new_report = make_report(session, source_name="Hospital list", killed_min=5, killed_max=5)
    service.reopen(
        session, code=code, actor=ASSESSOR, reason="hospital list names five dead", report_ids=[new_report.id]
    )
    service.transition(session, code=code, target=S.UNDER_ASSESSMENT, actor=ASSESSOR)
    with pytest.raises(
        TransitionRefusedError, match="no determination approved since the case was re-opened"
    ):
        service.transition(session, code=code, target=S.ASSESSED, actor=ASSESSOR)
    determine(session, code, NOT_CREDIBLE.model_copy(update={"reasons": "the dead were fighters"}))
    service.transition(session, code=code, target=S.ASSESSED, actor=ASSESSOR)
    service.transition(
        session, code=code, target=S.CLOSED, actor=ASSESSOR, reason="re-assessed: not credible"
    )

    incident = get_incident(session, code=code)
    assert (incident.status, incident.determination) == (S.CLOSED, Determination.NOT_CREDIBLE)
    states = [d.state for d in determinations_of(session, incident_id=incident.id)]
    assert states == [DeterminationState.SUPERSEDED, DeterminationState.APPROVED]
    moves = [e.summary for e in timeline(session, code=code) if e.kind == EventKind.STATUS_CHANGED]
    assert moves == [
        "received → triaged", "triaged → matched", "matched → under_assessment",
        "under_assessment → assessed", "assessed → response_decided", "response_decided → response_delivered",
        "response_delivered → lessons_captured", "lessons_captured → closed", "closed → reopened",
        "reopened → under_assessment", "under_assessment → assessed", "assessed → closed",
    ]  # fmt: skip


def test_an_investigation_needs_a_reason_and_findings(session: Session) -> None:
    code = new_case(session)
    service.triage(session, code=code, actor=ASSESSOR)
    to_under_assessment(session, code)
    assess(session, code, Topic.POC)
    with pytest.raises(TransitionRefusedError, match="cannot open an investigation: no reason given"):
        service.transition(session, code=code, target=S.UNDER_INVESTIGATION, actor=ASSESSOR)
    service.transition(session, code=code, target=S.UNDER_INVESTIGATION, actor=ASSESSOR, reason="ROE breach?")
    with pytest.raises(TransitionRefusedError, match="no investigation findings recorded"):
        service.transition(session, code=code, target=S.ASSESSED, actor=ASSESSOR)
    service.record_findings(session, code=code, findings="target misidentified", actor=ASSESSOR)
    service.transition(session, code=code, target=S.ASSESSED, actor=ASSESSOR)
    service.reopen(session, code=code, actor=ASSESSOR, reason="new video shows a second strike")
    assert get_incident(session, code=code).status == IncidentStatus.REOPENED


def test_a_duplicate_closes_at_triage_and_a_closed_case_is_read_only(session: Session) -> None:
    original, copy = new_case(session), new_case(session)
    with pytest.raises(TransitionRefusedError, match="cannot close: it is not marked as a duplicate"):
        service.transition(session, code=copy, target=S.CLOSED, actor=ASSESSOR)
    with pytest.raises(ValidationError, match="cannot duplicate itself"):
        service.mark_duplicate(session, code=copy, duplicate_of=copy, actor=ASSESSOR, reason="x")
    service.mark_duplicate(session, code=copy, duplicate_of=original, actor=ASSESSOR, reason="same strike")
    assert get_incident(session, code=copy).status == S.CLOSED
    with pytest.raises(ValidationError, match=f"{copy} is closed; re-open it with the new information"):
        service.record_lesson(session, code=copy, note="late note", actor=ASSESSOR)
    with pytest.raises(
        TransitionRefusedError, match="cannot mark triaged: an incident that is closed can only"
    ):
        service.transition(session, code=copy, target=S.TRIAGED, actor=ASSESSOR)
