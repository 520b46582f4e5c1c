"""How a lesson moves from observation to lesson learned (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence

from civharm.errors import ValidationError
from civharm.lessons.models import ActionStatus, LessonStage

FINISHED = frozenset({ActionStatus.DONE, ActionStatus.CANCELLED})


def check_identified(*, code: str, lesson: str) -> None:
    if not lesson.strip():
        raise ValidationError(f"{code}: say what should change and why (the lesson identified)")


def check_action_allowed(*, code: str, stage: LessonStage) -> None:
    if stage in (LessonStage.OBSERVATION, LessonStage.CLOSED, LessonStage.LEARNED):
        raise ValidationError(
            f"{code} is at stage {stage.value}; actions are assigned once a lesson is identified"
        )


def check_learned(*, code: str, text: str, stage: LessonStage, actions: Sequence[ActionStatus]) -> None:
    """A lesson is learned when its change is made: every action finished, at least one done."""
    if stage != LessonStage.ACTION:
        raise ValidationError(f"{code} is at stage {stage.value}; only a lesson with actions can be learned")
    open_actions = [a for a in actions if a not in FINISHED]
    if open_actions:
        raise ValidationError(f"{code} still has {len(open_actions)} open action(s)")
    if ActionStatus.DONE not in actions:
        raise ValidationError(f"{code}: no action was done, so nothing was learned yet")
    if not text.strip():
        raise ValidationError(f"{code}: describe what changed and how it was shown to work")
