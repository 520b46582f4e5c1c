"""Determinations, gradings and topic details refuse inconsistent input before it reaches the store."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError as SchemaError

from civharm.assessments.schemas import DeterminationProposal
from civharm.topics.schemas import ChildEntry, CulturalPropertyCreate
from civharm.vocabulary import Determination

CREDIBLE: dict[str, Any] = {
    "determination": Determination.CREDIBLE,
    "more_likely_than_not": True,
    "reasons": "strike log matches",
    "deaths_min": 2,
    "deaths_max": 3,
    "injuries_min": 0,
    "injuries_max": 1,
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"more_likely_than_not": False},
            "credible means civilian harm from the force's action is more likely",
        ),
        ({"reasons": ""}, "at least 3 characters"),
        ({"deaths_min": None, "deaths_max": None}, "concedes deaths and injuries"),
        ({"deaths_min": 4}, "conceded deaths: minimum 4 must be between 0 and the maximum 3"),
        ({"injuries_max": None}, "give both the minimum and the maximum of conceded injuries"),
        ({"determination": Determination.NOT_YET_ASSESSED}, "propose an outcome"),
        ({"determination": Determination.NOT_CREDIBLE}, "test was applied and not met"),
        ({"determination": Determination.DUPLICATE, "more_likely_than_not": None}, "names the incident"),
    ],
)
def test_a_determination_must_be_coherent(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        DeterminationProposal(**{**CREDIBLE, **changes})


def test_a_not_credible_determination_records_the_test_and_concedes_nothing() -> None:
    proposal = DeterminationProposal(
        determination=Determination.NOT_CREDIBLE, more_likely_than_not=False, reasons="no sortie that day"
    )
    assert proposal.deaths_max is None
    with pytest.raises(SchemaError, match="concedes no deaths or injuries"):
        DeterminationProposal(**{**CREDIBLE, "determination": "not_credible", "more_likely_than_not": False})
    with pytest.raises(SchemaError, match="does not apply; leave it empty"):
        DeterminationProposal(
            determination="insufficient_information", more_likely_than_not=True, reasons="one source"
        )


def test_children_have_an_exact_age_or_a_band() -> None:
    assert ChildEntry(age=12).age_band == "10-14"
    assert ChildEntry(age_band="5-9").age is None
    with pytest.raises(SchemaError, match="age 19 is not a child's age"):
        ChildEntry(age=19)
    with pytest.raises(SchemaError, match="age 12 is not in the age band 15-17"):
        ChildEntry(age=12, age_band="15-17")
    with pytest.raises(SchemaError, match="exact age or an age band"):
        ChildEntry()


def test_cultural_property_harm_is_damage_or_looting() -> None:
    with pytest.raises(SchemaError, match="neither was given"):
        CulturalPropertyCreate(site_name="Citadel", property_type="immovable", damage="none")
    assert CulturalPropertyCreate(
        site_name="Museum", property_type="movable", damage="none", looted=True
    ).looted
