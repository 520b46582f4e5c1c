"""Response options: what each kind needs, how it moves, and when a case is overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError as SchemaError

from civharm.errors import ValidationError
from civharm.responses.models import ResponseKind, ResponseStatus
from civharm.responses.rules import assessment_overdue, check_response_move, response_overdue
from civharm.responses.schemas import ResponseCreate
from civharm.vocabulary import Determination, IncidentStatus

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
R, K = ResponseStatus, ResponseKind


def test_payments_need_amount_iso_currency_and_recipient() -> None:
    payment = ResponseCreate(
        kind="condolence_payment", amount=Decimal("2500"), currency="usd", recipient="family"
    )
    assert payment.currency == "USD"
    with pytest.raises(SchemaError, match="'XYZ' is not an ISO 4217 currency code"):
        ResponseCreate(kind="ex_gratia_payment", amount=Decimal(1), currency="XYZ", recipient="x")
    with pytest.raises(SchemaError, match="needs amount, recipient"):
        ResponseCreate(kind="ex_gratia_payment", currency="IQD")
    with pytest.raises(SchemaError, match="greater than 0"):
        ResponseCreate(kind="condolence_payment", amount=Decimal(0), currency="USD", recipient="x")
    with pytest.raises(SchemaError, match="only payments carry an amount"):
        ResponseCreate(kind="repair", amount=Decimal(10), currency="USD")


def test_acknowledgements_and_referrals_say_what_they_are() -> None:
    with pytest.raises(SchemaError, match="public or private"):
        ResponseCreate(kind="acknowledgement")
    with pytest.raises(SchemaError, match="needs the service"):
        ResponseCreate(kind="referral")
    assert ResponseCreate(kind="referral", service="psychosocial").service == "psychosocial"


def _move(kind: ResponseKind, status: ResponseStatus, target: ResponseStatus, **kw: object) -> None:
    values: dict = {"actor": "ben", "proposed_by": "ana", "reason": None, **kw}
    check_response_move(kind=kind, status=status, target=target, **values)


def test_responses_move_proposed_approved_then_paid_or_delivered() -> None:
    _move(K.CONDOLENCE_PAYMENT, R.PROPOSED, R.APPROVED)
    _move(K.CONDOLENCE_PAYMENT, R.APPROVED, R.PAID)
    _move(K.REPAIR, R.APPROVED, R.DELIVERED)
    with pytest.raises(
        ValidationError, match="a condolence_payment that is approved can only become paid, refused"
    ):
        _move(K.CONDOLENCE_PAYMENT, R.APPROVED, R.DELIVERED)
    with pytest.raises(ValidationError, match="that is paid can only become nothing"):
        _move(K.CONDOLENCE_PAYMENT, R.PAID, R.REFUSED, reason="late")
    with pytest.raises(ValidationError, match="refusing this ex_gratia_payment needs a reason"):
        _move(K.EX_GRATIA_PAYMENT, R.PROPOSED, R.REFUSED, reason="  ")
    with pytest.raises(ValidationError, match="two-person rule: ana proposed this payment"):
        _move(K.EX_GRATIA_PAYMENT, R.PROPOSED, R.APPROVED, actor="ana")
    _move(K.ACKNOWLEDGEMENT, R.PROPOSED, R.APPROVED, actor="ana")  # the rule binds money only


def test_a_credible_determination_without_response_becomes_overdue() -> None:
    approved = NOW - timedelta(days=31)
    flag = response_overdue(
        determination=Determination.CREDIBLE,
        approved_at=approved,
        responses_decided=0,
        now=NOW,
        limit_days=30,
    )
    assert (
        flag is not None and flag.days_over == 1 and flag.message.startswith("response overdue by 1 day(s)")
    )
    for kwargs in (
        {"responses_decided": 1},
        {"determination": Determination.NOT_CREDIBLE},
        {"approved_at": NOW - timedelta(days=29)},
    ):
        values: dict = {
            "determination": Determination.CREDIBLE,
            "approved_at": approved,
            "responses_decided": 0,
        }
        assert response_overdue(**{**values, **kwargs}, now=NOW, limit_days=30) is None


def test_an_incident_waiting_too_long_for_assessment_is_overdue() -> None:
    since = NOW - timedelta(days=75)
    flag = assessment_overdue(status=IncidentStatus.MATCHED, waiting_since=since, now=NOW, limit_days=60)
    assert flag is not None and flag.days_over == 15
    assert (
        assessment_overdue(status=IncidentStatus.ASSESSED, waiting_since=since, now=NOW, limit_days=60)
        is None
    )
    assert (
        assessment_overdue(status=IncidentStatus.REOPENED, waiting_since=NOW, now=NOW, limit_days=60) is None
    )
