"""The response table: one row per response option decided for an incident."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civharm.db.base import Base, utcnow
from civharm.db.types import str_enum


class ResponseKind(StrEnum):
    """Response options (DoD CHMR action plan, objective 8) plus referral to services."""

    ACKNOWLEDGEMENT = "acknowledgement"
    CONDOLENCE_PAYMENT = "condolence_payment"
    EX_GRATIA_PAYMENT = "ex_gratia_payment"
    MEDICAL_CARE = "medical_care"
    REPAIR = "repair"
    ORDNANCE_CLEARANCE = "ordnance_clearance"
    COMMEMORATION = "commemoration"
    REFERRAL = "referral"


PAYMENTS: frozenset[ResponseKind] = frozenset(
    {ResponseKind.CONDOLENCE_PAYMENT, ResponseKind.EX_GRATIA_PAYMENT}
)


class ResponseStatus(StrEnum):
    """Payments end ``paid``; every other response ends ``delivered``; either may be ``refused``."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    DELIVERED = "delivered"
    PAID = "paid"
    REFUSED = "refused"


class ReferralService(StrEnum):
    MEDICAL = "medical"
    PSYCHOSOCIAL = "psychosocial"
    LEGAL = "legal"
    SAFETY = "safety"


class Response(Base):
    """One response to an incident and where it stands."""

    __tablename__ = "responses"
    __table_args__ = (
        Index("ix_responses_incident_id", "incident_id"),
        CheckConstraint("status <> 'refused' OR refusal_reason IS NOT NULL", name="refusal_has_reason"),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    kind: Mapped[ResponseKind] = mapped_column(str_enum(ResponseKind))
    status: Mapped[ResponseStatus] = mapped_column(str_enum(ResponseStatus), default=ResponseStatus.PROPOSED)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Acknowledgements: public (a statement) or private (to the family or community).
    public: Mapped[bool | None]
    #: Payments: the amount in ``currency`` (ISO 4217).
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    currency: Mapped[str | None] = mapped_column(String(3))
    #: Who receives it: a pseudonym, a family or a community; never a survivor's name.
    recipient: Mapped[str | None] = mapped_column(String(300))
    payment_date: Mapped[date | None]
    #: Referrals: the service and who provides it.
    service: Mapped[ReferralService | None] = mapped_column(str_enum(ReferralService))
    provider: Mapped[str | None] = mapped_column(String(200))
    survivor_ref: Mapped[str | None] = mapped_column(String(48))
    proposed_by: Mapped[str] = mapped_column(String(120))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(120))
    approved_at: Mapped[datetime | None]
    delivered_by: Mapped[str | None] = mapped_column(String(120))
    delivered_at: Mapped[datetime | None]
    refused_by: Mapped[str | None] = mapped_column(String(120))
    refused_at: Mapped[datetime | None]
    refusal_reason: Mapped[str | None] = mapped_column(Text)
