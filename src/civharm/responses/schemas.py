"""What callers send to propose a response, and what they read back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civharm.responses.models import PAYMENTS, ReferralService, ResponseKind, ResponseStatus


def check_currency(code: str) -> str:
    """An ISO 4217 alphabetic code, e.g. ``USD`` or ``IQD``."""
    upper = code.strip().upper()
    if len(upper) != 3 or pycountry.currencies.get(alpha_3=upper) is None:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (e.g. USD, EUR, IQD, SYP)")
    return upper


class ResponseCreate(BaseModel):
    """A proposed response.

    Example: ``ResponseCreate(kind="condolence_payment", amount=Decimal("2500"), currency="USD",
    recipient="family of CH-2026-000012-P01")``
    """

    kind: ResponseKind
    description: str = ""
    public: bool | None = None
    amount: Decimal | None = Field(default=None, gt=0, max_digits=14, decimal_places=3)
    currency: str | None = None
    recipient: str | None = Field(default=None, max_length=300)
    service: ReferralService | None = None
    provider: str | None = Field(default=None, max_length=200)
    survivor_ref: str | None = None

    @field_validator("currency")
    @classmethod
    def _iso_4217(cls, value: str | None) -> str | None:
        return None if value is None else check_currency(value)

    @model_validator(mode="after")
    def _fields_fit_the_kind(self) -> ResponseCreate:
        kind = self.kind
        if kind in PAYMENTS:
            missing = [n for n in ("amount", "currency", "recipient") if getattr(self, n) in (None, "")]
            if missing:
                raise ValueError(f"a {kind.value} needs {', '.join(missing)}")
        elif self.amount is not None or self.currency is not None:
            raise ValueError(f"only payments carry an amount; a {kind.value} does not")
        if kind == ResponseKind.ACKNOWLEDGEMENT and self.public is None:
            raise ValueError("say whether the acknowledgement is public or private")
        if kind == ResponseKind.REFERRAL and self.service is None:
            raise ValueError("a referral needs the service (medical, psychosocial, legal or safety)")
        return self


class ResponseView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: ResponseKind
    status: ResponseStatus
    description: str
    public: bool | None
    amount: Decimal | None
    currency: str | None
    recipient: str | None
    payment_date: date | None
    service: ReferralService | None
    provider: str | None
    survivor_ref: str | None
    proposed_by: str
    proposed_at: datetime
    approved_by: str | None
    delivered_at: datetime | None
    refused_by: str | None
    refusal_reason: str | None
