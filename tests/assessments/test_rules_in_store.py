"""The two-person rule, refused payments, overdue flags and concurrent edits, on both backends."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import exc, update
from sqlalchemy.orm import Session, sessionmaker

from civharm.assessments import service
from civharm.assessments.determinations import (
    TwoPersonRuleError,
    approve_determination,
    propose_determination,
    record_grading,
    reject_determination,
)
from civharm.assessments.lifecycle import TransitionRefusedError
from civharm.assessments.models import DeterminationRecord
from civharm.assessments.schemas import GradingCreate
from civharm.assessments.status import status_report
from civharm.config import Settings
from civharm.db.base import utcnow
from civharm.errors import ConflictError, ValidationError
from civharm.history.service import timeline
from civharm.incidents.service import get_incident
from civharm.responses.models import ResponseKind, ResponseStatus
from civharm.responses.schemas import ResponseCreate
from civharm.responses.service import decide_response, propose_response
from civharm.vocabulary import Determination, Topic
from tests.assessments.walk import APPROVER, ASSESSOR, CREDIBLE, S, assess, new_case, to_under_assessment

SETTINGS = Settings(database_url="sqlite://", response_overdue_days=30, assessment_overdue_days=60)


def _assessed_case(session: Session) -> str:
    code = new_case(session)
    service.triage(session, code=code, actor=ASSESSOR)
    to_under_assessment(session, code)
    assess(session, code, Topic.POC)
    return code


def test_a_determination_needs_a_second_person(session: Session) -> None:
    code = new_case(session)
    service.triage(session, code=code, actor=ASSESSOR)
    with pytest.raises(
        ValidationError, match=r"cannot propose a determination: .* is triaged; start the assessment"
    ):
        propose_determination(session, code=code, data=CREDIBLE, actor=ASSESSOR)
    to_under_assessment(session, code)
    proposal = propose_determination(session, code=code, data=CREDIBLE, actor=ASSESSOR)
    with pytest.raises(
        ValidationError, match=f"determination #{proposal.id} proposed by ana is awaiting approval"
    ):
        propose_determination(session, code=code, data=CREDIBLE, actor="carla")
    with pytest.raises(
        TwoPersonRuleError, match=f"two-person rule: ana proposed determination #{proposal.id}"
    ):
        approve_determination(session, code=code, actor=ASSESSOR)
    with pytest.raises(TwoPersonRuleError, match="so someone else must reject it"):
        reject_determination(session, code=code, actor=ASSESSOR, reason="changed my mind")
    assert get_incident(session, code=code).determination == Determination.NOT_YET_ASSESSED

    reject_determination(session, code=code, actor=APPROVER, reason="log time does not match")
    propose_determination(session, code=code, data=CREDIBLE, actor=ASSESSOR)
    approved = approve_determination(session, code=code, actor=APPROVER, note="agreed")
    assert (approved.proposed_by, approved.decided_by) == (ASSESSOR, APPROVER)
    assert get_incident(session, code=code).determination == Determination.CREDIBLE
    # The database holds the rule too, whatever program writes to it.
    with pytest.raises(exc.IntegrityError):
        session.execute(update(DeterminationRecord).values(decided_by=DeterminationRecord.proposed_by))
    session.rollback()


def test_a_payment_can_be_refused_only_with_a_reason(session: Session) -> None:
    code = new_case(session)
    with pytest.raises(
        ValidationError, match=r"cannot propose a ex_gratia_payment: .* is received; only referrals"
    ):
        propose_response(session, code=code, actor=ASSESSOR, data=_payment())
    service.triage(session, code=code, actor=ASSESSOR)
    to_under_assessment(session, code)
    assess(session, code, Topic.POC)
    payment = propose_response(session, code=code, actor=ASSESSOR, data=_payment())
    with pytest.raises(ValidationError, match="two-person rule: ana proposed this payment"):
        decide_response(session, response_id=payment.id, target=ResponseStatus.APPROVED, actor=ASSESSOR)
    with pytest.raises(ValidationError, match="refusing this ex_gratia_payment needs a reason"):
        decide_response(session, response_id=payment.id, target=ResponseStatus.REFUSED, actor=APPROVER)
    reason = "the house was already repaired by the municipality"
    decide_response(
        session, response_id=payment.id, target=ResponseStatus.REFUSED, actor=APPROVER, reason=reason
    )
    assert (payment.status, payment.refusal_reason, payment.refused_by) == (
        ResponseStatus.REFUSED,
        reason,
        APPROVER,
    )
    last = timeline(session, code=code)[-1]
    assert (last.summary, last.reason) == (
        f"response #{payment.id} refused: ex_gratia_payment of 800.00 USD to owner of house 4",
        reason,
    )
    # A refusal is not a response: the credible case still has none.
    with pytest.raises(TransitionRefusedError, match="no response approved"):
        service.transition(session, code=code, target=S.RESPONSE_DECIDED, actor=ASSESSOR)


def _payment() -> ResponseCreate:
    return ResponseCreate(
        kind=ResponseKind.EX_GRATIA_PAYMENT,
        amount=Decimal("800"),
        currency="USD",
        recipient="owner of house 4",
    )


def test_overdue_cases_come_first_in_the_status_report(session: Session) -> None:
    now = utcnow()
    waiting, responded, fresh = new_case(session), _assessed_case(session), new_case(session)
    get_incident(session, code=waiting).created_at = now - timedelta(days=75)
    late = _assessed_case(session)
    # Its determination was approved 40 days ago and nothing was decided since.
    session.query(DeterminationRecord).filter(
        DeterminationRecord.incident_id == get_incident(session, code=late).id
    ).update({"decided_at": now - timedelta(days=40)})
    ack = ResponseCreate(kind=ResponseKind.ACKNOWLEDGEMENT, public=False)
    response = propose_response(session, code=responded, actor=ASSESSOR, data=ack)
    decide_response(session, response_id=response.id, target=ResponseStatus.APPROVED, actor=APPROVER)
    session.flush()

    rows = status_report(session, settings=SETTINGS, now=now)
    assert [r.code for r in rows[:2]] == [waiting, late]
    assert rows[0].overdue[0].message == "assessment overdue by 15 day(s) (limit 60)"
    assert rows[0].days_open == 75
    assert rows[1].overdue[0].message.startswith("response overdue by 10 day(s): credible since")
    assert {r.code: r.overdue for r in rows[2:]} == {fresh: (), responded: ()}
    assert [r.code for r in status_report(session, settings=SETTINGS, now=now, states=[S.RECEIVED])] == [
        waiting,
        fresh,
    ]


def test_two_users_changing_one_incident_the_second_gets_a_conflict(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as setup:
        code = new_case(setup)
        service.triage(setup, code=code, actor=ASSESSOR)
    with sessions() as alice, sessions() as bob:
        seen = get_incident(alice, code=code).version
        assert get_incident(bob, code=code).version == seen
        service.record_match(
            alice, code=code, outcome="found", reference="log 7", actor="alice", expected_version=seen
        )
        alice.commit()
        with pytest.raises(
            ConflictError, match=f"{code} was changed by someone else .* you edited version {seen}"
        ):
            service.record_match(bob, code=code, outcome="not_found", actor="bob", expected_version=seen)
    with sessions() as reader:
        assert get_incident(reader, code=code).status == S.MATCHED
        assert [e.actor for e in timeline(reader, code=code)][-2:] == ["alice", "alice"]


def test_a_write_racing_another_is_refused_by_the_database(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as setup:
        code = new_case(setup)
    with sessions() as slow:
        opened = get_incident(slow, code=code)  # the slow recorder has the case open, at version 1
        with sessions.begin() as fast:
            record_grading(
                fast, code=code, data=GradingCreate(grading="weak", reasons="one source"), actor="carla"
            )
        fair = GradingCreate(grading="fair", reasons="two sources")
        with pytest.raises(ConflictError, match=f"{code} was changed by someone else while you edited it"):
            record_grading(slow, code=code, data=fair, actor=APPROVER)
        assert opened.version == 2  # the refusal reloads what the other user saved
    with sessions() as reader:
        assert get_incident(reader, code=code).grading == "weak"
        assert [e.actor for e in timeline(reader, code=code)] == ["tester", "carla"]
