"""What callers send to grade an incident and to propose a determination."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civharm.assessments.models import DeterminationState
from civharm.vocabulary import Determination, Grading


class MatchOutcome(StrEnum):
    """The result of matching an incident against the force's own activity logs."""

    FOUND = "found"  # own-force activity at that time and place
    NOT_FOUND = "not_found"
    INCONCLUSIVE = "inconclusive"


class GradingCreate(BaseModel):
    grading: Grading
    reasons: str = Field(min_length=3)


def _range(low: int | None, high: int | None, what: str) -> None:
    if (low is None) != (high is None):
        raise ValueError(f"give both the minimum and the maximum of conceded {what}")
    if low is not None and high is not None and not 0 <= low <= high:
        raise ValueError(f"conceded {what}: minimum {low} must be between 0 and the maximum {high}")


class DeterminationProposal(BaseModel):
    """A determination one person proposes and another approves.

    Example::

        DeterminationProposal(determination="credible", more_likely_than_not=True,
                              reasons="Strike log and two witnesses agree", deaths_min=2, deaths_max=3,
                              injuries_min=0, injuries_max=1)
    """

    determination: Determination
    #: The "more likely than not" test: True, False, or None when it could not be applied.
    more_likely_than_not: bool | None
    reasons: str = Field(min_length=3)
    deaths_min: int | None = None
    deaths_max: int | None = None
    injuries_min: int | None = None
    injuries_max: int | None = None
    duplicate_of: str | None = None

    @model_validator(mode="after")
    def _test_matches_outcome(self) -> DeterminationProposal:
        d, test = self.determination, self.more_likely_than_not
        if d == Determination.NOT_YET_ASSESSED:
            raise ValueError("'not_yet_assessed' is where every incident starts; propose an outcome")
        if d == Determination.CREDIBLE and test is not True:
            raise ValueError("credible means civilian harm from the force's action is more likely than not")
        if d == Determination.NOT_CREDIBLE and test is not False:
            raise ValueError("not_credible means the 'more likely than not' test was applied and not met")
        if d in (Determination.INSUFFICIENT_INFORMATION, Determination.DUPLICATE) and test is not None:
            raise ValueError(f"{d.value}: the 'more likely than not' test does not apply; leave it empty")
        if d == Determination.DUPLICATE and not self.duplicate_of:
            raise ValueError("a duplicate determination names the incident it duplicates")
        if d != Determination.DUPLICATE and self.duplicate_of:
            raise ValueError("only a duplicate determination names another incident")
        _range(self.deaths_min, self.deaths_max, "deaths")
        _range(self.injuries_min, self.injuries_max, "injuries")
        conceded = self.deaths_max is not None or self.injuries_max is not None
        both = self.deaths_max is not None and self.injuries_max is not None
        if d == Determination.CREDIBLE and not both:
            raise ValueError("a credible determination concedes deaths and injuries (min and max; 0 if none)")
        if d != Determination.CREDIBLE and conceded:
            raise ValueError(f"a {d.value} determination concedes no deaths or injuries")
        return self


class DeterminationView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    determination: Determination
    more_likely_than_not: bool | None
    reasons: str
    deaths_min: int | None
    deaths_max: int | None
    injuries_min: int | None
    injuries_max: int | None
    duplicate_of: str | None
    state: DeterminationState
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
