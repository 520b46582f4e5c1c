"""Synthetic lessons and a small interview study for the demo (clearly labelled [DEMO])."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.db.base import utcnow
from civharm.incidents.models import Incident
from civharm.lessons import service
from civharm.lessons.models import ActionStatus, ChangeArea, Lesson
from civharm.lessons.schemas import ActionCreate, LessonCreate, PatternRef
from civharm.qualitative.demo import load_qualitative_demo
from civharm.vocabulary import Sensitivity, Topic

DEMO = "[DEMO]"


def _codes(session: Session, words: str, limit: int = 4) -> list[str]:
    query = select(Incident.code).where(Incident.title.like(f"%{words}%")).order_by(Incident.id).limit(limit)
    return list(session.scalars(query))


def load_lessons_demo(session: Session) -> int:
    """Four lessons at every stage, linked to demo incidents, and one interview study. Runs once."""
    if session.scalar(select(Lesson.id).where(Lesson.title.like(f"{DEMO}%"))) is not None:
        return 0
    today = utcnow().date()
    schools = service.record_observation(
        session,
        actor="demo",
        data=LessonCreate(
            title=f"{DEMO} Schools struck while classes were in session",
            observation="Several strikes hit school buildings during lesson hours; target packs showed the "
            "buildings but not the school timetable.",
            topics=[Topic.CAAC, Topic.POC],
            incident_codes=_codes(session, "School struck"),
            patterns=[PatternRef(dimension="topic", value="caac")],
        ),
    )
    service.identify(
        session, code=schools.code, lesson_text="Collateral damage estimates must use the school timetable."
    )
    revise = service.add_action(
        session,
        code=schools.code,
        data=ActionCreate(
            description="Add school hours to the no-strike list procedure",
            owner="J3 targeting",
            area=ChangeArea.DOCTRINE,
            due_date=today - timedelta(days=20),
        ),
    )
    service.add_action(
        session,
        code=schools.code,
        data=ActionCreate(
            description="Brief every targeting cell on the revised procedure",
            owner="J7 training",
            area=ChangeArea.TRAINING,
            due_date=today + timedelta(days=40),
        ),
    )
    service.update_action(session, action_id=revise.id, status=ActionStatus.IN_PROGRESS)

    uxo = service.record_observation(
        session,
        actor="demo",
        data=LessonCreate(
            title=f"{DEMO} Farmers killed by remnants of earlier shelling",
            observation="Unexploded ordnance in fields keeps killing farmers months after the fighting.",
            topics=[Topic.POC],
            incident_codes=_codes(session, "Unexploded ordnance"),
            patterns=[PatternRef(dimension="cause", value="planted_explosives_uxo")],
        ),
    )
    service.identify(session, code=uxo.code, lesson_text="Record strike locations for clearance teams.")
    service.add_action(
        session,
        code=uxo.code,
        data=ActionCreate(
            description="Share strike coordinates with mine-action partners",
            owner="CIMIC",
            area=ChangeArea.POLICY,
            due_date=today + timedelta(days=15),
        ),
    )

    water = service.record_observation(
        session,
        actor="demo",
        data=LessonCreate(
            title=f"{DEMO} Water stations damaged by nearby strikes",
            observation="Blast near pumping stations cut water to whole towns.",
            topics=[Topic.POC],
            incident_codes=_codes(session, "Water pumping"),
            patterns=[PatternRef(dimension="cause", value="denial_destruction_indispensable_objects")],
        ),
    )
    service.identify(
        session, code=water.code, lesson_text="Treat water works as objects indispensable to survival."
    )
    done = service.add_action(
        session,
        code=water.code,
        data=ActionCreate(
            description="Add water works to the protected-objects layer",
            owner="J2 geospatial",
            area=ChangeArea.MATERIEL,
            due_date=today - timedelta(days=30),
        ),
    )
    service.update_action(
        session, action_id=done.id, status=ActionStatus.DONE, evidence="Layer v2 issued (synthetic demo)"
    )
    service.mark_learned(
        session, code=water.code, text="No water station was hit in the following two months."
    )

    service.record_observation(
        session,
        actor="demo",
        data=LessonCreate(
            title=f"{DEMO} Checkpoint abuse reaches us late",
            observation="Sexual violence at checkpoints is reported weeks later, through NGOs only.",
            topics=[Topic.CRSV],
            incident_codes=_codes(session, "checkpoint", limit=2),
            sensitivity=Sensitivity.RESTRICTED,
        ),
    )
    load_qualitative_demo(session)
    return 4
