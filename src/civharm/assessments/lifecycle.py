"""The incident lifecycle as a pure state machine (REFERENCE §2): no I/O, tested directly.

The service layer gathers the :class:`CaseFacts` of an incident from the store and asks
:func:`check_transition` whether a move is allowed; a refusal names everything missing::

    >>> facts = CaseFacts(status=IncidentStatus.UNDER_ASSESSMENT, grading=Grading.FAIR)
    >>> missing_for(facts, IncidentStatus.ASSESSED)
    ['no approved determination']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from civharm.errors import ValidationError
from civharm.vocabulary import Determination, Grading, IncidentStatus

S = IncidentStatus

#: Every move the lifecycle allows. Re-opening is possible from ``assessed`` and ``closed``.
TRANSITIONS: dict[IncidentStatus, tuple[IncidentStatus, ...]] = {
    S.RECEIVED: (S.TRIAGED, S.CLOSED),
    S.TRIAGED: (S.MATCHED, S.CLOSED),
    S.MATCHED: (S.UNDER_ASSESSMENT,),
    S.UNDER_ASSESSMENT: (S.ASSESSED,),
    S.ASSESSED: (S.UNDER_INVESTIGATION, S.RESPONSE_DECIDED, S.CLOSED, S.REOPENED),
    S.UNDER_INVESTIGATION: (S.ASSESSED, S.RESPONSE_DECIDED),
    S.RESPONSE_DECIDED: (S.RESPONSE_DELIVERED,),
    S.RESPONSE_DELIVERED: (S.LESSONS_CAPTURED,),
    S.LESSONS_CAPTURED: (S.CLOSED,),
    S.CLOSED: (S.REOPENED,),
    S.REOPENED: (S.UNDER_ASSESSMENT,),
}

#: States in which an incident is still waiting for its assessment to finish.
AWAITING_ASSESSMENT: frozenset[IncidentStatus] = frozenset(
    {S.RECEIVED, S.TRIAGED, S.MATCHED, S.UNDER_ASSESSMENT, S.REOPENED}
)

#: The order states are listed in reports (the happy path, then the side states).
STATE_ORDER: tuple[IncidentStatus, ...] = (
    S.RECEIVED,
    S.TRIAGED,
    S.MATCHED,
    S.UNDER_ASSESSMENT,
    S.REOPENED,
    S.ASSESSED,
    S.UNDER_INVESTIGATION,
    S.RESPONSE_DECIDED,
    S.RESPONSE_DELIVERED,
    S.LESSONS_CAPTURED,
    S.CLOSED,
)

_VERBS = {
    S.TRIAGED: "mark triaged",
    S.MATCHED: "mark matched",
    S.UNDER_ASSESSMENT: "start the assessment",
    S.ASSESSED: "mark assessed",
    S.UNDER_INVESTIGATION: "open an investigation",
    S.RESPONSE_DECIDED: "mark the response decided",
    S.RESPONSE_DELIVERED: "mark the response delivered",
    S.LESSONS_CAPTURED: "mark lessons captured",
    S.CLOSED: "close",
    S.REOPENED: "re-open",
}


class TransitionRefusedError(ValidationError):
    """A lifecycle move was refused; the message says what is missing."""

    def __init__(self, message: str, *, missing: list[str] | None = None) -> None:
        super().__init__(message)
        self.missing = missing or []


@dataclass(frozen=True)
class CaseFacts:
    """What the guards need to know about one incident, gathered by the service layer."""

    status: IncidentStatus
    linked_reports: int = 0
    duplicate_of: str | None = None
    match_recorded: bool = False
    grading: Grading | None = None
    #: The approved determination in force, if any.
    determination: Determination | None = None
    #: False when the case was re-opened after that determination was approved.
    determination_current: bool = True
    #: Ids of determinations proposed but not yet approved or rejected.
    pending_determinations: tuple[int, ...] = ()
    findings_recorded: bool = False
    #: Responses approved, delivered or paid (refused ones do not count).
    responses_decided: int = 0
    responses_delivered: int = 0
    #: ``"#id kind"`` of responses approved but neither delivered nor refused yet.
    responses_outstanding: tuple[str, ...] = ()
    lesson_recorded: bool = False
    #: Topic-specific facts still missing, e.g. "no grave violation recorded (CAAC)".
    topic_gaps: tuple[str, ...] = ()
    #: The reason the user gives for this move.
    reason: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _has_reason(facts: CaseFacts) -> bool:
    return bool(facts.reason and facts.reason.strip())


def _triaged(f: CaseFacts) -> list[str]:
    return [] if f.linked_reports else ["no report is linked to it (link the report(s) it was triaged from)"]


def _matched(f: CaseFacts) -> list[str]:
    return [] if f.match_recorded else ["no match against own-force activity recorded"]


def _determination_gaps(f: CaseFacts) -> list[str]:
    gaps = []
    if f.determination is None:
        gaps.append("no approved determination")
    elif not f.determination_current:
        gaps.append("no determination approved since the case was re-opened")
    gaps += [f"determination #{i} is still awaiting approval" for i in f.pending_determinations]
    return gaps


def _assessed(f: CaseFacts) -> list[str]:
    if f.status == S.UNDER_INVESTIGATION:
        return [] if f.findings_recorded else ["no investigation findings recorded"]
    gaps = [] if f.grading else ["no grading recorded"]
    return gaps + _determination_gaps(f) + list(f.topic_gaps)


def _investigation(f: CaseFacts) -> list[str]:
    return [] if _has_reason(f) else ["no reason given for the investigation"]


def _response_decided(f: CaseFacts) -> list[str]:
    gaps = []
    if f.status == S.UNDER_INVESTIGATION and not f.findings_recorded:
        gaps.append("no investigation findings recorded")
    if not f.responses_decided:
        gaps.append("no response approved (record a response and approve it)")
    return gaps


def _response_delivered(f: CaseFacts) -> list[str]:
    gaps = [] if f.responses_delivered else ["no response delivered or paid"]
    if f.responses_outstanding:
        gaps.append(f"approved but not delivered or refused: {', '.join(f.responses_outstanding)}")
    return gaps


def _lessons(f: CaseFacts) -> list[str]:
    return [] if f.lesson_recorded else ["no lesson reference or note recorded"]


def _closed(f: CaseFacts) -> list[str]:
    if f.status in (S.RECEIVED, S.TRIAGED):
        if f.duplicate_of:
            return []
        return ["it is not marked as a duplicate (only duplicates close before assessment)"]
    if f.status == S.ASSESSED:
        if f.determination == Determination.CREDIBLE:
            return ["the determination is credible, so a response must be decided first"]
        return [] if _has_reason(f) else ["no reason given for closing without a response"]
    return []


def _reopened(f: CaseFacts) -> list[str]:
    return [] if _has_reason(f) else ["no new information given (say what arrived)"]


_GUARDS: dict[IncidentStatus, Callable[[CaseFacts], list[str]]] = {
    S.TRIAGED: _triaged,
    S.MATCHED: _matched,
    S.UNDER_ASSESSMENT: lambda _f: [],
    S.ASSESSED: _assessed,
    S.UNDER_INVESTIGATION: _investigation,
    S.RESPONSE_DECIDED: _response_decided,
    S.RESPONSE_DELIVERED: _response_delivered,
    S.LESSONS_CAPTURED: _lessons,
    S.CLOSED: _closed,
    S.REOPENED: _reopened,
}


def allowed_targets(status: IncidentStatus) -> tuple[IncidentStatus, ...]:
    return TRANSITIONS.get(status, ())


def missing_for(facts: CaseFacts, target: IncidentStatus) -> list[str]:
    """What stops ``facts`` moving to ``target``; empty when the move is allowed."""
    if target not in allowed_targets(facts.status):
        choices = ", ".join(t.value for t in allowed_targets(facts.status)) or "nowhere"
        return [f"an incident that is {facts.status.value} can only move to {choices}"]
    return _GUARDS[target](facts)


def check_transition(facts: CaseFacts, target: IncidentStatus) -> None:
    """Raise :class:`TransitionRefusedError` naming what is missing, or return when the move is allowed."""
    missing = missing_for(facts, target)
    if missing:
        verb = _VERBS.get(target, f"move to {target.value}")
        raise TransitionRefusedError(f"cannot {verb}: {'; '.join(missing)}", missing=missing)


def next_steps(facts: CaseFacts) -> list[tuple[IncidentStatus, list[str]]]:
    """Each state reachable from here with what is still missing for it (empty: ready)."""
    return [(target, _GUARDS[target](facts)) for target in allowed_targets(facts.status)]
