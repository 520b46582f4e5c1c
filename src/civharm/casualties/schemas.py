"""Pydantic schemas for casualties."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civharm.vocabulary import AgeGroup, Outcome, PersonStatus, Sex

ADULT_AGE = 18


class PersonName(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    script: str | None = Field(
        default=None, max_length=8, description="ISO 15924 script code, e.g. Arab, Latn"
    )


class CasualtyCreate(BaseModel):
    """One person harmed. The age group follows from an exact age when one is given."""

    names: list[PersonName] = Field(default_factory=list)
    sex: Sex = Sex.UNKNOWN
    age: int | None = Field(default=None, ge=0, le=130)
    age_group: AgeGroup = AgeGroup.UNKNOWN
    status: PersonStatus = PersonStatus.UNKNOWN
    outcome: Outcome
    family_group: str | None = Field(default=None, max_length=120)
    date_of_harm: date | None = None
    place: str | None = Field(default=None, max_length=300)
    confidence: str = Field(default="medium", pattern="^(high|medium|low)$")
    notes: str = ""
    restricted: bool = True
    consent: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _age_group_from_age(self) -> CasualtyCreate:
        if self.age is not None:
            derived = AgeGroup.ADULT if self.age >= ADULT_AGE else AgeGroup.CHILD
            if self.age_group not in (AgeGroup.UNKNOWN, derived):
                raise ValueError(f"age {self.age} contradicts age group {self.age_group.value}")
            self.age_group = derived
        return self


class CasualtyCountCreate(BaseModel):
    outcome: Outcome
    sex: Sex = Sex.UNKNOWN
    age_group: AgeGroup = AgeGroup.UNKNOWN
    status: PersonStatus = PersonStatus.UNKNOWN
    count_min: int = Field(ge=0)
    count_max: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> CasualtyCountCreate:
        if self.count_min > self.count_max:
            raise ValueError("count_min is greater than count_max")
        return self


class CasualtyCountPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    outcome: Outcome
    sex: Sex
    age_group: AgeGroup
    status: PersonStatus
    count_min: int
    count_max: int


class CasualtyPublic(BaseModel):
    """One person as a reader sees them: the pseudonym always, names only when the policy allows."""

    pseudonym: str
    names: list[PersonName] | None = None
    sex: Sex
    age_group: AgeGroup
    status: PersonStatus
    outcome: Outcome
    restricted: bool
