"""Operations on the lessons register: record, identify, act, learn, and find what is overdue."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.db.base import utcnow
from civharm.errors import NotFoundError, ValidationError
from civharm.incidents.codes import allocate_codes
from civharm.incidents.models import Incident
from civharm.incidents.service import get_incident
from civharm.lessons import rules
from civharm.lessons.models import ActionStatus, Lesson, LessonAction, LessonStage
from civharm.lessons.schemas import ActionCreate, LessonCreate, LessonPublic, PatternRef

LESSON_PREFIX = "LL"


def record_observation(session: Session, *, data: LessonCreate, actor: str) -> Lesson:
    """Start a lesson from an observation, linked to the incidents and patterns behind it."""
    (code,) = allocate_codes(session.connection(), year=utcnow().year, prefix=LESSON_PREFIX)
    lesson = Lesson(
        code=code,
        title=data.title,
        observation=data.observation,
        topics=[t.value for t in data.topics],
        patterns=[p.model_dump() for p in data.patterns],
        sensitivity=data.sensitivity,
        created_by=actor,
    )
    lesson.incidents = [get_incident(session, code=c) for c in dict.fromkeys(data.incident_codes)]
    session.add(lesson)
    session.flush()
    return lesson


def get_lesson(session: Session, *, code: str) -> Lesson:
    lesson = session.scalar(select(Lesson).where(Lesson.code == code))
    if lesson is None:
        raise NotFoundError(f"no lesson with code {code}")
    return lesson


def list_lessons(
    session: Session, *, stages: tuple[LessonStage, ...] = (), topic: str | None = None
) -> list[Lesson]:
    query = select(Lesson).order_by(Lesson.id)
    if stages:
        query = query.where(Lesson.stage.in_(stages))
    lessons = list(session.scalars(query))
    return [lesson for lesson in lessons if topic is None or topic in lesson.topics]


def open_lessons(session: Session) -> list[Lesson]:
    return list_lessons(session, stages=(LessonStage.OBSERVATION, LessonStage.IDENTIFIED, LessonStage.ACTION))


def link(
    session: Session,
    *,
    code: str,
    incident_codes: list[str] | None = None,
    patterns: list[PatternRef] | None = None,
) -> Lesson:
    """Add supporting incidents or patterns to a lesson."""
    lesson = get_lesson(session, code=code)
    have = {i.id for i in lesson.incidents}
    for incident_code in incident_codes or []:
        incident = get_incident(session, code=incident_code)
        if incident.id not in have:
            lesson.incidents.append(incident)
            have.add(incident.id)
    if patterns:
        known = {(p["dimension"], p["value"], p.get("period", "")) for p in lesson.patterns}
        added = [p.model_dump() for p in patterns if (p.dimension, p.value, p.period) not in known]
        lesson.patterns = [*lesson.patterns, *added]
    lesson.updated_at = utcnow()
    session.flush()
    return lesson


def identify(session: Session, *, code: str, lesson_text: str) -> Lesson:
    """Record the lesson identified: what should change, and why."""
    lesson = get_lesson(session, code=code)
    if lesson.stage not in (LessonStage.OBSERVATION, LessonStage.IDENTIFIED):
        raise ValidationError(f"{code} is at stage {lesson.stage.value}; it was identified already")
    rules.check_identified(code=code, lesson=lesson_text)
    lesson.lesson_identified = lesson_text
    lesson.stage = LessonStage.IDENTIFIED
    session.flush()
    return lesson


def add_action(session: Session, *, code: str, data: ActionCreate) -> LessonAction:
    lesson = get_lesson(session, code=code)
    rules.check_action_allowed(code=code, stage=lesson.stage)
    action = LessonAction(
        description=data.description, owner=data.owner, due_date=data.due_date, area=data.area
    )
    lesson.actions.append(action)
    lesson.stage = LessonStage.ACTION
    session.flush()
    return action


def update_action(
    session: Session, *, action_id: int, status: ActionStatus, evidence: str = "", on: date | None = None
) -> LessonAction:
    action = session.get(LessonAction, action_id)
    if action is None:
        raise NotFoundError(f"no lesson action {action_id}")
    if status == ActionStatus.DONE and not (evidence.strip() or action.evidence.strip()):
        raise ValidationError(
            f"action {action_id}: say what shows it was done (an order, a revised SOP, ...)"
        )
    action.status = status
    if evidence:
        action.evidence = evidence
    action.completed_on = (on or utcnow().date()) if status in rules.FINISHED else None
    session.flush()
    return action


def mark_learned(session: Session, *, code: str, text: str) -> Lesson:
    lesson = get_lesson(session, code=code)
    rules.check_learned(code=code, text=text, stage=lesson.stage, actions=[a.status for a in lesson.actions])
    lesson.lesson_learned = text
    lesson.stage = LessonStage.LEARNED
    session.flush()
    return lesson


def close(session: Session, *, code: str, reason: str) -> Lesson:
    if not reason.strip():
        raise ValidationError("say why the lesson is closed without being learned")
    lesson = get_lesson(session, code=code)
    lesson.lesson_learned = lesson.lesson_learned or f"Closed: {reason}"
    lesson.stage = LessonStage.CLOSED
    session.flush()
    return lesson


def overdue_actions(session: Session, *, today: date) -> list[LessonAction]:
    """Open actions whose due date has passed, oldest first."""
    query = (
        select(LessonAction)
        .where(
            LessonAction.status.in_((ActionStatus.OPEN, ActionStatus.IN_PROGRESS)),
            LessonAction.due_date < today,
        )
        .order_by(LessonAction.due_date, LessonAction.id)
    )
    return list(session.scalars(query))


def lessons_of_incident(session: Session, *, incident: Incident) -> list[Lesson]:
    return [lesson for lesson in list_lessons(session) if any(i.id == incident.id for i in lesson.incidents)]


def to_public(lesson: Lesson) -> LessonPublic:
    public = LessonPublic.model_validate(lesson)
    return public.model_copy(update={"incident_codes": sorted(i.code for i in lesson.incidents)})
