"""JSON API of the exchange (mounted under ``/api/v1``): the release log, requests for information,
and the answer link an outside expert uses without an account (the token is the credential)."""

from __future__ import annotations

from fastapi import APIRouter, status

from civharm.exchange.models import InformationRequest, RequestStatus
from civharm.exchange.release import list_releases
from civharm.exchange.requests import (
    answer_request,
    create_request,
    list_requests,
    request_by_token,
    request_state,
)
from civharm.exchange.schemas import (
    AnswerIn,
    QuestionsForRecipient,
    ReleasePublic,
    RequestCreate,
    RequestCreated,
    RequestPublic,
)
from civharm.security.policy import Action, require
from civharm.web.deps import PrincipalDep, SessionDep

router = APIRouter(prefix="/exchange", tags=["exchange"])


def _public(request: InformationRequest) -> RequestPublic:
    return RequestPublic(
        id=request.id,
        recipient=request.recipient,
        questions=request.questions,
        incident_codes=request.incident_codes,
        deadline=request.deadline,
        state=request_state(request),
        answer_report_ids=request.answer_report_ids,
    )


@router.get("/releases", summary="The release log, newest first")
def releases(
    session: SessionDep, principal: PrincipalDep, organisation: str | None = None
) -> list[ReleasePublic]:
    require(principal, Action.EXPORT)
    return [ReleasePublic.model_validate(r) for r in list_releases(session, organisation=organisation)]


@router.get("/requests", summary="Requests for information (open, overdue, answered, withdrawn)")
def requests(session: SessionDep, principal: PrincipalDep, state: str | None = None) -> list[RequestPublic]:
    require(principal, Action.EDIT_RECORDS)
    return [_public(r) for r in list_requests(session, state=state)]


@router.post("/requests", status_code=status.HTTP_201_CREATED, summary="Send a request for information")
def new_request(session: SessionDep, principal: PrincipalDep, body: RequestCreate) -> RequestCreated:
    require(principal, Action.EDIT_RECORDS)
    request, token = create_request(
        session,
        recipient=body.recipient,
        questions=body.questions,
        incident_codes=body.incident_codes,
        deadline=body.deadline,
        actor=principal.username,
    )
    return RequestCreated(**_public(request).model_dump(), token=token)


@router.get("/answer/{token}", summary="The questions behind an answer link")
def questions(session: SessionDep, token: str) -> QuestionsForRecipient:
    request = request_by_token(session, token)
    return QuestionsForRecipient(
        recipient=request.recipient,
        questions=request.questions,
        deadline=request.deadline,
        open=request.status is RequestStatus.OPEN,
    )


@router.post("/answer/{token}", status_code=status.HTTP_201_CREATED, summary="Answer through the link")
def answer(session: SessionDep, token: str, body: AnswerIn) -> dict[str, list[int]]:
    request = request_by_token(session, token)
    ids = answer_request(session, request=request, answer=body.answer, answered_by=body.answered_by)
    return {"report_ids": ids}
