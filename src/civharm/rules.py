"""Consistency rules shared by everything that records when, where and how many."""

from __future__ import annotations

from datetime import date
from typing import Protocol


class WhenWhereHowMany(Protocol):
    date_start: date | None
    date_end: date | None
    latitude: float | None
    longitude: float | None
    killed_min: int | None
    killed_max: int | None
    injured_min: int | None
    injured_max: int | None


def check_when_where_how_many(record: WhenWhereHowMany) -> None:
    """Raise ``ValueError`` naming the first inconsistency.

    Checks dates in order, both coordinates or neither, and each min no greater than its max.
    """
    if record.date_start and record.date_end and record.date_end < record.date_start:
        raise ValueError("date_end is before date_start")
    if (record.latitude is None) != (record.longitude is None):
        raise ValueError("latitude and longitude must be given together")
    for low, high, what in (
        (record.killed_min, record.killed_max, "killed"),
        (record.injured_min, record.injured_max, "injured"),
    ):
        if low is not None and high is not None and low > high:
            raise ValueError(f"{what}_min is greater than {what}_max")
