"""Requests for information: questions sent to a partner or an outside expert, answered through a
link (a token shown once) or an import, the answer attached to each incident asked about as a report."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.db.base import utcnow
from civharm.errors import NotFoundError, ValidationError
from civharm.exchange.models import InformationRequest, RequestStatus
from civharm.incidents.service import get_incident
from civharm.reports.schemas import ReportCreate
from civharm.reports.service import create_report
from civharm.vocabulary import SourceType

RFI_SOURCE_SYSTEM = "rfi"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_request(
    session: Session,
    *,
    recipient: str,
    questions: list[str],
    incident_codes: list[str],
    deadline: date | None,
    actor: str,
) -> tuple[InformationRequest, str]:
    """Record a request; returns it with the answer link's token (shown once, stored as a hash).

    Example: ``create_request(s, recipient="UNMAS", questions=["Was UXO found?"],
    incident_codes=["CH-2026-000012"], deadline=date(2026, 5, 1), actor="ana")``
    """
    questions = [q.strip() for q in questions if q.strip()]
    if not questions:
        raise ValidationError("a request needs at least one question")
    codes = [get_incident(session, code=code).code for code in incident_codes]
    token = "chr_" + secrets.token_urlsafe(24)
    request = InformationRequest(
        recipient=recipient.strip(),
        questions=questions,
        incident_codes=codes,
        deadline=deadline,
        created_by=actor,
        token_sha256=_digest(token),
    )
    session.add(request)
    session.flush()
    return request, token


def request_state(request: InformationRequest, today: date | None = None) -> str:
    """``open``, ``overdue`` (open past its deadline), ``answered`` or ``withdrawn``."""
    today = today or utcnow().date()
    if request.status is RequestStatus.OPEN and request.deadline is not None and request.deadline < today:
        return "overdue"
    return request.status.value


def list_requests(session: Session, *, state: str | None = None) -> list[InformationRequest]:
    rows = list(session.scalars(select(InformationRequest).order_by(InformationRequest.id)))
    return [r for r in rows if state is None or request_state(r) == state]


def request_by_token(session: Session, token: str) -> InformationRequest:
    found = session.scalar(
        select(InformationRequest).where(InformationRequest.token_sha256 == _digest(token))
    )
    if found is None:
        raise NotFoundError("no request for this link")
    return found


def answer_request(
    session: Session,
    *,
    request: InformationRequest,
    answer: str,
    answered_by: str,
    source_type: SourceType = SourceType.NGO,
) -> list[int]:
    """Attach the answer to every incident asked about, as a report from the recipient."""
    if request.status is not RequestStatus.OPEN:
        raise ValidationError(f"request {request.id} is {request.status.value}; it takes no more answers")
    if not answer.strip():
        raise ValidationError("the answer is empty")
    text = "\n".join([*(f"Q: {q}" for q in request.questions), "", answer.strip()])
    ids = []
    for code in request.incident_codes or [""]:
        report = create_report(
            session,
            data=ReportCreate(
                source_type=source_type,
                source_name=request.recipient,
                source_system=RFI_SOURCE_SYSTEM,
                source_key=f"{request.id}:{code}" if code else str(request.id),
                original_text=text,
            ),
            submitted_by=answered_by,
        )
        if code:
            report.incident_id = get_incident(session, code=code).id
        ids.append(report.id)
    request.status, request.answered_at, request.answered_by = RequestStatus.ANSWERED, utcnow(), answered_by
    request.answer_report_ids = ids
    session.flush()
    return ids


def withdraw_request(session: Session, *, request_id: int) -> InformationRequest:
    request = session.get(InformationRequest, request_id)
    if request is None:
        raise NotFoundError(f"no request {request_id}")
    if request.status is not RequestStatus.OPEN:
        raise ValidationError(f"request {request_id} is already {request.status.value}")
    request.status = RequestStatus.WITHDRAWN
    session.flush()
    return request
