"""Pure rules about topic-specific facts: child ages and what each topic needs before assessment."""

from __future__ import annotations

from collections.abc import Iterable

from civharm.topics.models import ChildAgeBand
from civharm.vocabulary import Topic

ADULT_AGE = 18


def band_of(age: int) -> ChildAgeBand:
    """The age band a child of ``age`` falls in; ages of 18 and over are not children."""
    if age < 0 or age >= ADULT_AGE:
        raise ValueError(f"age {age} is not a child's age (0 to 17)")
    if age < 5:
        return ChildAgeBand.UNDER_5
    if age < 10:
        return ChildAgeBand.FROM_5
    if age < 15:
        return ChildAgeBand.FROM_10
    return ChildAgeBand.FROM_15


def topic_gaps(
    topics: Iterable[Topic],
    *,
    grave_violations: int,
    cultural_property: int,
    poc_recorded: bool,
    survivor_intakes: int,
) -> list[str]:
    """What each of the incident's topics still needs recorded before it can be marked assessed."""
    wanted = set(topics)
    gaps = []
    if Topic.POC in wanted and not poc_recorded:
        gaps.append("no cause category and civilian objects recorded (PoC)")
    if Topic.CAAC in wanted and not grave_violations:
        gaps.append("no grave violation recorded (CAAC)")
    if Topic.CPP in wanted and not cultural_property:
        gaps.append("no cultural property recorded (CPP)")
    for topic in (Topic.CRSV, Topic.THB):
        if topic in wanted and not survivor_intakes:
            gaps.append(f"no survivor intake with a consent decision recorded ({topic.value.upper()})")
    return gaps
