"""The lifecycle state machine on its own: allowed moves, and refusals that say what is missing."""

from __future__ import annotations

import itertools

import pytest

from civharm.assessments.lifecycle import (
    TRANSITIONS,
    CaseFacts,
    TransitionRefusedError,
    check_transition,
    missing_for,
    next_steps,
)
from civharm.vocabulary import Determination, Grading, IncidentStatus

S = IncidentStatus

READY = CaseFacts(
    status=S.RECEIVED,
    linked_reports=2,
    match_recorded=True,
    grading=Grading.FAIR,
    determination=Determination.CREDIBLE,
    findings_recorded=True,
    responses_decided=1,
    responses_delivered=1,
    lesson_recorded=True,
    reason="because",
)


def _at(status: IncidentStatus, **changes: object) -> CaseFacts:
    values = {**READY.__dict__, "status": status, **changes}
    return CaseFacts(**values)  # type: ignore[arg-type]


def test_every_state_is_reachable_and_the_happy_path_is_allowed() -> None:
    path = [
        S.RECEIVED,
        S.TRIAGED,
        S.MATCHED,
        S.UNDER_ASSESSMENT,
        S.ASSESSED,
        S.UNDER_INVESTIGATION,
        S.RESPONSE_DECIDED,
        S.RESPONSE_DELIVERED,
        S.LESSONS_CAPTURED,
        S.CLOSED,
        S.REOPENED,
        S.UNDER_ASSESSMENT,
    ]
    for here, there in itertools.pairwise(path):
        check_transition(_at(here), there)
    reachable = {target for targets in TRANSITIONS.values() for target in targets}
    assert reachable | {S.RECEIVED} == set(IncidentStatus)


@pytest.mark.parametrize(
    ("status", "target", "changes", "message"),
    [
        (
            S.UNDER_ASSESSMENT,
            S.ASSESSED,
            {"determination": None},
            "cannot mark assessed: no approved determination",
        ),
        (S.UNDER_ASSESSMENT, S.ASSESSED, {"grading": None}, "cannot mark assessed: no grading recorded"),
        (
            S.UNDER_ASSESSMENT,
            S.ASSESSED,
            {"determination_current": False},
            "cannot mark assessed: no determination approved since the case was re-opened",
        ),
        (
            S.UNDER_ASSESSMENT,
            S.ASSESSED,
            {"pending_determinations": (7,)},
            "cannot mark assessed: determination #7 is still awaiting approval",
        ),
        (
            S.UNDER_ASSESSMENT,
            S.ASSESSED,
            {"topic_gaps": ("no grave violation recorded (CAAC)",)},
            "cannot mark assessed: no grave violation recorded (CAAC)",
        ),
        (S.RECEIVED, S.TRIAGED, {"linked_reports": 0}, "cannot mark triaged: no report is linked to it"),
        (
            S.TRIAGED,
            S.MATCHED,
            {"match_recorded": False},
            "cannot mark matched: no match against own-force activity recorded",
        ),
        (
            S.ASSESSED,
            S.RESPONSE_DECIDED,
            {"responses_decided": 0},
            "cannot mark the response decided: no response approved",
        ),
        (
            S.RESPONSE_DECIDED,
            S.RESPONSE_DELIVERED,
            {"responses_outstanding": ("#3 repair",)},
            "cannot mark the response delivered: approved but not delivered or refused: #3 repair",
        ),
        (
            S.RESPONSE_DELIVERED,
            S.LESSONS_CAPTURED,
            {"lesson_recorded": False},
            "cannot mark lessons captured: no lesson reference or note recorded",
        ),
        (
            S.ASSESSED,
            S.CLOSED,
            {},
            "cannot close: the determination is credible, so a response must be decided",
        ),
        (
            S.ASSESSED,
            S.CLOSED,
            {"determination": Determination.NOT_CREDIBLE, "reason": None},
            "cannot close: no reason given for closing without a response",
        ),
        (S.RECEIVED, S.CLOSED, {}, "cannot close: it is not marked as a duplicate"),
        (S.CLOSED, S.REOPENED, {"reason": " "}, "cannot re-open: no new information given"),
        (
            S.ASSESSED,
            S.UNDER_INVESTIGATION,
            {"reason": None},
            "cannot open an investigation: no reason given",
        ),
        (
            S.UNDER_INVESTIGATION,
            S.ASSESSED,
            {"findings_recorded": False},
            "cannot mark assessed: no investigation findings recorded",
        ),
        (
            S.RECEIVED,
            S.ASSESSED,
            {},
            "cannot mark assessed: an incident that is received can only move to triaged, closed",
        ),
        (
            S.MATCHED,
            S.REOPENED,
            {},
            "cannot re-open: an incident that is matched can only move to under_assessment",
        ),
    ],
)
def test_refused_moves_say_what_is_missing(
    status: IncidentStatus, target: IncidentStatus, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(TransitionRefusedError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        check_transition(_at(status, **changes), target)


def test_every_gap_is_listed_at_once() -> None:
    facts = _at(
        S.UNDER_ASSESSMENT,
        grading=None,
        determination=None,
        topic_gaps=("no cultural property recorded (CPP)",),
    )
    assert missing_for(facts, S.ASSESSED) == [
        "no grading recorded",
        "no approved determination",
        "no cultural property recorded (CPP)",
    ]


def test_a_non_credible_case_may_close_straight_after_assessment() -> None:
    check_transition(_at(S.ASSESSED, determination=Determination.NOT_CREDIBLE), S.CLOSED)


def test_next_steps_show_what_each_target_still_needs() -> None:
    steps = dict(next_steps(_at(S.ASSESSED, responses_decided=0, reason=None)))
    assert set(steps) == {S.UNDER_INVESTIGATION, S.RESPONSE_DECIDED, S.CLOSED, S.REOPENED}
    assert steps[S.RESPONSE_DECIDED] == ["no response approved (record a response and approve it)"]
    assert steps[S.REOPENED] == ["no new information given (say what arrived)"]
