"""What callers send to record topic-specific facts."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator, model_validator

from civharm.topics.models import ChildAgeBand, CivilianObject, DamageLevel, PropertyType, ProtectionStatus
from civharm.topics.rules import band_of
from civharm.vocabulary import Cause, GraveViolation, Sex


class ChildEntry(BaseModel):
    """One child: an exact age, or an age band when the age is not known."""

    sex: Sex = Sex.UNKNOWN
    age: int | None = Field(default=None, ge=0)
    age_band: ChildAgeBand | None = None

    @model_validator(mode="after")
    def _age_or_band(self) -> ChildEntry:
        if self.age is None:
            if self.age_band is None:
                raise ValueError("give the child's exact age or an age band ('unknown' if neither is known)")
            return self
        derived = band_of(self.age)
        if self.age_band not in (None, derived):
            raise ValueError(f"age {self.age} is not in the age band {self.age_band.value}")
        self.age_band = derived
        return self


class GraveViolationCreate(BaseModel):
    """Example: ``GraveViolationCreate(violation="recruitment_use", children=[ChildEntry(age=15)])``."""

    violation: GraveViolation
    children: list[ChildEntry] = Field(default_factory=list)
    perpetrator: str | None = Field(default=None, max_length=200)
    notes: str = ""


class CulturalPropertyCreate(BaseModel):
    site_name: str = Field(min_length=1, max_length=300)
    property_type: PropertyType
    protection: ProtectionStatus = ProtectionStatus.UNKNOWN
    blue_shield_marked: bool | None = None
    damage: DamageLevel = DamageLevel.UNKNOWN
    looted: bool = False
    description: str = ""

    @model_validator(mode="after")
    def _harm_recorded(self) -> CulturalPropertyCreate:
        if self.damage == DamageLevel.NONE and not self.looted:
            raise ValueError("record the damage or the looting: neither was given")
        return self


class PocCreate(BaseModel):
    """The cause category and the civilian objects affected; an empty list means none."""

    cause: Cause
    civilian_objects: list[CivilianObject] = Field(default_factory=list)
    description: str = ""

    @field_validator("civilian_objects")
    @classmethod
    def _unique(cls, value: list[CivilianObject]) -> list[CivilianObject]:
        return sorted(set(value), key=list(CivilianObject).index)
