"""What callers send to log a survivor's case, and the restricted-free views they get back."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator, model_validator

from civharm.survivors.models import ConsentScope, InformationItem
from civharm.survivors.pathway import PathwayStep
from civharm.vocabulary import SURVIVOR_TOPICS, AgeGroup, Sex, Topic


class SurvivorIntakeCreate(BaseModel):
    """A survivor's first contact. Without consent only the fact of the case is kept.

    Example: ``SurvivorIntakeCreate(topic="crsv", consent_given=True, consent_scope=["record"])``
    """

    topic: Topic
    consent_given: bool
    consent_scope: list[ConsentScope] = Field(default_factory=list)
    identity: dict[str, str] = Field(default_factory=dict)
    sex: Sex = Sex.UNKNOWN
    age_group: AgeGroup = AgeGroup.UNKNOWN
    #: The casualty record (by pseudonym) this survivor is, if one exists.
    casualty_pseudonym: str | None = None
    #: What was gathered in this first conversation.
    collected: list[InformationItem] = Field(default_factory=list)

    @field_validator("topic")
    @classmethod
    def _survivor_topic(cls, value: Topic) -> Topic:
        if value not in SURVIVOR_TOPICS:
            raise ValueError("survivor intake is for crsv or thb")
        return value

    @model_validator(mode="after")
    def _consent_covers_what_is_kept(self) -> SurvivorIntakeCreate:
        if not self.consent_given and (self.consent_scope or self.identity or self.collected):
            raise ValueError("without consent nothing but the case itself may be recorded")
        if self.consent_given and not self.consent_scope:
            raise ValueError("record the scope of the consent (what the survivor agreed to)")
        check_identity_consent(self.consent_scope, self.collected, bool(self.identity))
        if self.identity and InformationItem.IDENTITY not in self.collected:
            self.collected.append(InformationItem.IDENTITY)
        return self


def check_identity_consent(
    scope: list[ConsentScope], collected: list[InformationItem], identity: bool
) -> None:
    """Identity and contact details may be kept only with consent to recording."""
    personal = {InformationItem.IDENTITY, InformationItem.CONTACT_DETAILS} & set(collected)
    if (identity or personal) and ConsentScope.RECORD not in scope:
        raise ValueError("identity or contact details need consent to 'record'")


class InterviewView(BaseModel):
    interviewer: str
    interviewed_at: datetime
    collected: list[InformationItem]
    justification: str | None


class SurvivorView(BaseModel):
    """A survivor's case as staff see it: pseudonym, consent and what was collected; never the identity."""

    reference: str
    incident_code: str
    topic: Topic
    sex: Sex
    age_group: AgeGroup
    consent_given: bool
    consent_scope: list[ConsentScope]
    identity_recorded: bool
    collected: list[InformationItem]
    interviews: list[InterviewView]
    referrals: list[str]


class IntakeResult(BaseModel):
    """What the person logging an intake gets back: the case and what they must do next."""

    survivor: SurvivorView
    checklist: tuple[str, ...]
    pathway: tuple[PathwayStep, ...]
    #: Other survivors already recorded for the incident and what each has given, to avoid asking twice.
    others_in_incident: list[SurvivorView]
