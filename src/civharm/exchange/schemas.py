"""What the exchange API receives and returns."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class ReleasePublic(BaseModel):
    """One line of the release log."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation: str
    format: str
    status: str
    filters: dict[str, object]
    requested_by: str
    requested_at: datetime
    approval_required: bool
    approved_by: str | None
    released_at: datetime | None
    file_sha256: str | None
    record_counts: dict[str, int]


class RequestCreate(BaseModel):
    recipient: str = Field(min_length=1, max_length=200)
    questions: list[str] = Field(min_length=1)
    incident_codes: list[str] = Field(default_factory=list)
    deadline: date | None = None


class RequestPublic(BaseModel):
    id: int
    recipient: str
    questions: list[str]
    incident_codes: list[str]
    deadline: date | None
    state: str
    answer_report_ids: list[int]


class RequestCreated(RequestPublic):
    #: The token of the answer link, shown only in this response.
    token: str


class AnswerIn(BaseModel):
    answer: str = Field(min_length=1)
    answered_by: str = Field(min_length=1, max_length=200)


class QuestionsForRecipient(BaseModel):
    """What the person answering through the link sees: the questions, nothing of the store."""

    recipient: str
    questions: list[str]
    deadline: date | None
    open: bool
