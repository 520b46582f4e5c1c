"""What a timeline shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from civharm.history.models import EventKind


class TimelineEntry(BaseModel):
    """One line of an incident's timeline: who, when, what and why."""

    event_id: int | None
    occurred_at: datetime
    recorded_at: datetime
    actor: str
    kind: EventKind
    summary: str
    reason: str | None = None
    data: dict[str, Any] = {}
    #: The event this one corrects, if any.
    supersedes: int | None = None
    #: The later event that corrected this one; a superseded entry stays visible.
    superseded_by: int | None = None
