"""What the web API returns beyond single records: pages, dossiers, queues and duplicate warnings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from civharm.linkage.schemas import DuplicateCandidate
from civharm.vocabulary import Determination, Grading, IncidentStatus

#: Records are returned as the visibility policy projects them (``civharm.security.policy``):
#: only the fields this caller may receive; restricted fields withheld from them are absent and
#: named in ``withheld``. docs/security.md has the table of who receives which fields.
Projected = dict[str, Any]
PROJECTED = "As the visibility policy projects it for the caller; withheld fields are named in `withheld`."


class IncidentPage(BaseModel):
    """One page of a filtered, sorted incident list."""

    items: list[Projected] = Field(description=PROJECTED)
    total: int = Field(description="How many incidents match the filters (visible to the caller).")
    total_is_exact: bool = Field(
        default=True,
        description="False when more than `total` match: a filtered list's count stops at 1,000.",
    )
    page: int
    per_page: int


class HistoryEntry(BaseModel):
    """One event in an incident's story."""

    at: datetime
    kind: str = Field(description="e.g. report_received, incident_created, status_changed")
    summary: str
    actor: str | None = None


class AssessmentView(BaseModel):
    """Where the incident's assessment stands: the recorder's grading and the determination."""

    status: IncidentStatus
    grading: Grading | None
    determination: Determination
    reasons: str | None = None
    conceded_killed: tuple[int, int] | None = None
    conceded_injured: tuple[int, int] | None = None
    approved_by: str | None = None
    awaiting_approval: bool = False


class ResponseView(BaseModel):
    """A response to harm: acknowledgement, payment, medical care, repair, referral, ..."""

    kind: str
    status: str
    summary: str
    occurred_on: date | None = None


class IncidentDossier(BaseModel):
    """Everything the caller may see about one incident, as the detail page shows it."""

    incident: Projected = Field(description=PROJECTED)
    report_count: int = Field(description="How many of the incident's reports the caller may see.")
    reports: list[Projected] = Field(description=PROJECTED)
    casualty_counts: list[Projected] = Field(description=PROJECTED)
    casualties: list[Projected] | None = Field(
        description="Individual records (pseudonyms unless cleared); null when the caller may not see them."
    )
    history: list[HistoryEntry] | None = Field(description="Null when the caller may not see history.")
    assessment: AssessmentView | None = Field(description="Null for callers outside the staff.")
    responses: list[ResponseView] | None = Field(description="Null for callers outside the staff.")
    own_force_activity: list[Projected] = Field(description=PROJECTED)
    possible_duplicates: list[DuplicateCandidate]


class MergeProposal(BaseModel):
    """Incidents the linkage engine proposes to merge, awaiting a person's decision."""

    id: str
    incident_codes: list[str]
    score: float | None = None
    reason: str = ""


class PendingDetermination(BaseModel):
    """A determination proposed by one person and awaiting a second person's approval."""

    id: str
    incident_code: str
    incident_title: str
    determination: Determination
    proposed_by: str
    proposed_at: datetime
    reasons: str = ""


class OverdueItem(BaseModel):
    code: str
    title: str
    kind: str = Field(description="assessment or response")
    since: date
    days_waiting: int


class ReviewQueue(BaseModel):
    unlinked_reports: int
    proposed_merges: list[MergeProposal]
    determinations_awaiting_approval: list[PendingDetermination]
