"""Topic details: grave violations with children's ages, cultural property, PoC cause and objects."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from civharm.errors import ValidationError
from civharm.incidents.service import get_incident
from civharm.topics.schemas import ChildEntry, CulturalPropertyCreate, GraveViolationCreate, PocCreate
from civharm.topics.service import (
    current_cultural_property,
    current_grave_violations,
    record_cultural_property,
    record_grave_violation,
    record_poc,
)
from civharm.vocabulary import Cause, Topic
from tests.assessments.walk import new_case


def test_grave_violations_keep_ages_and_a_newer_record_supersedes(session: Session) -> None:
    code = new_case(session, Topic.CAAC)
    first = GraveViolationCreate(violation="recruitment_use", children=[ChildEntry(age=15)])
    old = record_grave_violation(session, code=code, data=first, actor="ana")
    record_grave_violation(session, code=code, actor="ana", data=GraveViolationCreate(violation="abduction"))
    better = first.model_copy(update={"children": [ChildEntry(age=15), ChildEntry(age_band="10-14")]})
    new = record_grave_violation(session, code=code, data=better, actor="ben")
    incident = get_incident(session, code=code)
    current = current_grave_violations(session, incident_id=incident.id)
    assert {r.violation for r in current} == {"recruitment_use", "abduction"}
    assert old.superseded_by_id == new.id
    assert new.children == [
        {"sex": "unknown", "age": 15, "age_band": "15-17"},
        {"sex": "unknown", "age_band": "10-14"},
    ]
    assert incident.details["grave_violations"] == ["abduction", "recruitment_use"]
    site = CulturalPropertyCreate(site_name="Citadel", property_type="immovable", damage="severe")
    with pytest.raises(ValidationError, match="is not tagged cpp; add that topic first"):
        record_cultural_property(session, code=code, data=site, actor="ana")


def test_cultural_property_and_poc_details(session: Session) -> None:
    cpp = new_case(session, Topic.CPP)
    site = CulturalPropertyCreate(
        site_name="Museum store",
        property_type="movable",
        protection="national_inventory",
        damage="none",
        looted=True,
    )
    record_cultural_property(session, code=cpp, data=site, actor="ana")
    (record,) = current_cultural_property(session, incident_id=get_incident(session, code=cpp).id)
    assert (record.property_type, record.looted, record.protection) == ("movable", True, "national_inventory")

    poc = new_case(session, Topic.POC)
    data = PocCreate(
        cause="denial_destruction_indispensable_objects", civilian_objects=["water_sanitation", "power"]
    )
    record_poc(session, code=poc, data=data, actor="ana")
    assert get_incident(session, code=poc).cause == Cause.DENIAL_OF_ESSENTIALS
