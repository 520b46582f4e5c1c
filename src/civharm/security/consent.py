"""Consent of survivors who gave information themselves, and its scope (Murad Code practice).

Stored in ``Casualty.consent``, encrypted at rest like names. Consent widens nothing the
policy withholds: identities are never shared with partners, whatever the consent says;
it records what the survivor agreed to, so staff can act within it.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from civharm.casualties.models import Casualty


class ConsentScope(StrEnum):
    #: Their account may be recorded.
    RECORD = "record"
    #: Their identity may be shared inside the organisation beyond the case team.
    SHARE_INTERNAL = "share_internal"
    #: They may be referred to services (medical, psychosocial, legal).
    REFERRAL = "referral"
    #: They may be contacted again.
    CONTACT = "contact"
    #: Their account (never their identity) may be published in aggregate.
    PUBLISH_AGGREGATE = "publish_aggregate"


class ConsentGiver(StrEnum):
    SURVIVOR = "survivor"
    GUARDIAN = "guardian"
    NEXT_OF_KIN = "next_of_kin"


class Consent(BaseModel):
    """What a survivor agreed to. Example: ``Consent(given=True, scope=["record"], ...)``."""

    given: bool
    scope: list[ConsentScope] = Field(default_factory=list)
    given_by: ConsentGiver = ConsentGiver.SURVIVOR
    recorded_by: str = Field(min_length=1, max_length=120)
    recorded_on: date
    language: str | None = Field(default=None, max_length=16)
    notes: str = Field(default="", max_length=2000)


def record_consent(session: Session, *, casualty: Casualty, consent: Consent) -> dict[str, Any]:
    """Store ``consent`` on the casualty record (replacing any earlier one); audited like any write."""
    value = consent.model_dump(mode="json")
    if not consent.given:
        value["scope"] = []  # a refusal carries no scope
    casualty.consent = value
    session.flush()
    return value


def consent_allows(casualty: Casualty, scope: ConsentScope) -> bool:
    consent = casualty.consent or {}
    return bool(consent.get("given")) and scope.value in consent.get("scope", [])
