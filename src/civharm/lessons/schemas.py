"""What the lessons register takes in and shows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from civharm.lessons.models import ActionStatus, ChangeArea, LessonStage
from civharm.vocabulary import Sensitivity, Topic


class PatternRef(BaseModel):
    """A harm pattern behind a lesson, e.g. cause = heavy weapons in 2026-03."""

    dimension: str
    value: str
    period: str = ""


class LessonCreate(BaseModel):
    title: str = Field(min_length=3, max_length=300)
    observation: str = Field(min_length=3)
    topics: list[Topic] = Field(default_factory=list)
    incident_codes: list[str] = Field(default_factory=list)
    patterns: list[PatternRef] = Field(default_factory=list)
    sensitivity: Sensitivity = Sensitivity.NORMAL


class ActionCreate(BaseModel):
    description: str = Field(min_length=3)
    owner: str = Field(min_length=1, max_length=200)
    due_date: date | None = None
    area: ChangeArea


class ActionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    description: str
    owner: str
    due_date: date | None
    area: ChangeArea
    status: ActionStatus
    evidence: str
    completed_on: date | None


class LessonPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    title: str
    stage: LessonStage
    observation: str
    lesson_identified: str
    lesson_learned: str
    topics: list[str]
    patterns: list[dict[str, Any]]
    sensitivity: Sensitivity
    incident_codes: list[str] = Field(default_factory=list)
    actions: list[ActionPublic] = Field(default_factory=list)
    created_by: str
    created_at: datetime
