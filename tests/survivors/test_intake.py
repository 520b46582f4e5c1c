"""Survivor-centred intake: consent first, identities restricted, no repeated interviews."""

from __future__ import annotations

import pytest
from pydantic import ValidationError as SchemaError
from sqlalchemy.orm import Session

from civharm.errors import ValidationError
from civharm.history.models import EventKind
from civharm.history.service import timeline
from civharm.responses.schemas import ResponseCreate
from civharm.responses.service import propose_response
from civharm.security.principal import Principal, Role
from civharm.survivors.schemas import SurvivorIntakeCreate
from civharm.survivors.service import (
    record_intake,
    record_interview,
    reveal_identity,
    survivors_of_incident,
    withdraw_consent,
)
from civharm.vocabulary import Topic
from tests.assessments.walk import new_case

NAME = "Huda al-Saleh"


def _intake(session: Session, code: str, **changes: object) -> str:
    values: dict = {
        "topic": "crsv",
        "consent_given": True,
        "consent_scope": ["record", "refer_to_services"],
        "identity": {"name": NAME},
        "collected": ["account_of_events", "medical_needs"],
        **changes,
    }
    result = record_intake(session, code=code, data=SurvivorIntakeCreate(**values), actor="pa")
    assert result.checklist[0].startswith("Safety first")
    assert result.pathway[0].service == ("medical" if values["topic"] == "crsv" else "safety")
    return result.survivor.reference


def test_intake_records_consent_and_shows_what_was_already_collected(session: Session) -> None:
    code = new_case(session, Topic.CRSV)
    reference = _intake(session, code)
    assert reference == f"{code}-S01"
    with pytest.raises(
        ValidationError, match=r"was already interviewed 1 time.* gave: account_of_events, medical"
    ):
        record_interview(session, reference=reference, collected=["account_of_events"], actor="pb")
    with pytest.raises(ValidationError, match="a further interview needs a justification"):
        record_interview(
            session, reference=reference, collected=["legal_wishes", "medical_needs"], actor="pb"
        )
    record_interview(session, reference=reference, collected=["legal_wishes"], actor="pb",
                     justification="she asked about legal aid")  # fmt: skip
    second = record_intake(
        session, code=code, actor="pc", data=SurvivorIntakeCreate(topic="crsv", consent_given=False)
    )
    # The next person logging a survivor of the same incident sees who is already recorded and what they gave.
    (other,) = second.others_in_incident
    assert other.reference == reference
    assert [c.value for c in other.collected] == [
        "account_of_events",
        "medical_needs",
        "legal_wishes",
        "identity",
    ]
    assert second.survivor.consent_given is False and second.survivor.collected == []


def test_identities_stay_restricted(session: Session) -> None:
    code = new_case(session, Topic.THB)
    with pytest.raises(SchemaError, match="identity or contact details need consent to 'record'"):
        SurvivorIntakeCreate(
            topic="thb", consent_given=True, consent_scope=["refer_to_services"], identity={"n": "x"}
        )
    with pytest.raises(SchemaError, match="without consent nothing but the case itself may be recorded"):
        SurvivorIntakeCreate(topic="thb", consent_given=False, collected=["account_of_events"])
    with pytest.raises(ValidationError, match="is not tagged crsv"):
        _intake(session, code)
    reference = _intake(session, code, topic="thb")
    views = survivors_of_incident(session, code=code)
    assert views[0].identity_recorded and NAME not in views[0].model_dump_json()
    assert all(NAME not in (e.summary + (e.reason or "")) for e in timeline(session, code=code))
    partner = Principal(username="ngo", role=Role.PARTNER, organisation="FPN")
    with pytest.raises(ValidationError, match="ngo may not see survivors' identities"):
        reveal_identity(session, reference=reference, principal=partner, reason="curious")
    cleared = Principal(username="adviser", role=Role.ASSESSOR)
    assert reveal_identity(session, reference=reference, principal=cleared, reason="referral to shelter") == {
        "name": NAME
    }
    read = timeline(session, code=code)[-1]
    assert (read.kind, read.actor, read.reason) == (
        EventKind.RESTRICTED_READ,
        "adviser",
        "referral to shelter",
    )
    withdraw_consent(session, reference=reference, scopes=["record"], reason="by phone", actor="adviser")
    assert reveal_identity(session, reference=reference, principal=cleared, reason="check") == {}


def test_referrals_need_consent_to_referral_and_can_come_at_once(session: Session) -> None:
    code = new_case(session, Topic.CRSV)
    consenting = _intake(session, code)
    refusing = _intake(session, code, consent_scope=["use_in_assessment"], identity={}, collected=[])
    psychosocial = ResponseCreate(kind="referral", service="psychosocial", survivor_ref=consenting)
    referral = propose_response(session, code=code, data=psychosocial, actor="pa")  # before any assessment
    assert referral.status == "proposed"
    with pytest.raises(ValidationError, match=f"{refusing} has not consented to referral"):
        propose_response(
            session, code=code, data=psychosocial.model_copy(update={"survivor_ref": refusing}), actor="pa"
        )
