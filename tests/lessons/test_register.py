"""The lessons register: observation -> lesson identified -> action -> lesson learned."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import docx
import pytest
from sqlalchemy.orm import Session

from civharm.casualties.schemas import CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty
from civharm.errors import NotFoundError, ValidationError
from civharm.lessons import service
from civharm.lessons.models import ActionStatus, ChangeArea, LessonStage
from civharm.lessons.schemas import ActionCreate, LessonCreate, PatternRef
from civharm.lessons.training_pack import export_training_pack
from civharm.vocabulary import Outcome, Topic
from tests.factories import make_incident


def _lesson(session: Session, **overrides: object) -> str:
    incident = make_incident(session, title="School hit at 10:00 in Hajin")
    values: dict[str, object] = {
        "title": "Strikes on schools in session",
        "observation": "Two strikes hit schools during lessons.",
        "topics": [Topic.CAAC],
        "incident_codes": [incident.code],
        "patterns": [PatternRef(dimension="topic", value="caac", period="2026-03")],
    }
    values.update(overrides)
    return service.record_observation(session, data=LessonCreate(**values), actor="ana").code  # type: ignore[arg-type]


def test_a_lesson_goes_from_observation_to_learned(session: Session) -> None:
    code = _lesson(session)
    assert code.startswith("LL-")
    with pytest.raises(ValidationError, match="once a lesson is identified"):
        service.add_action(
            session, code=code, data=ActionCreate(description="x" * 5, owner="J3", area=ChangeArea.DOCTRINE)
        )
    service.identify(session, code=code, lesson_text="Use school timetables in collateral damage estimates.")
    first = service.add_action(
        session,
        code=code,
        data=ActionCreate(
            description="Revise SOP", owner="J3", area=ChangeArea.DOCTRINE, due_date=date(2026, 4, 1)
        ),
    )
    second = service.add_action(
        session, code=code, data=ActionCreate(description="Train cells", owner="J7", area=ChangeArea.TRAINING)
    )
    assert service.get_lesson(session, code=code).stage == LessonStage.ACTION
    assert [a.id for a in service.overdue_actions(session, today=date(2026, 4, 2))] == [first.id]
    with pytest.raises(ValidationError, match="open action"):
        service.mark_learned(session, code=code, text="done")
    with pytest.raises(ValidationError, match="what shows it was done"):
        service.update_action(session, action_id=first.id, status=ActionStatus.DONE)
    service.update_action(session, action_id=first.id, status=ActionStatus.DONE, evidence="SOP rev B")
    service.update_action(session, action_id=second.id, status=ActionStatus.CANCELLED)
    assert service.overdue_actions(session, today=date(2026, 4, 2)) == []
    lesson = service.mark_learned(session, code=code, text="No school struck in session since.")
    assert lesson.stage == LessonStage.LEARNED
    public = service.to_public(lesson)
    assert len(public.incident_codes) == 1 and public.patterns[0]["value"] == "caac"
    assert service.open_lessons(session) == []


def test_links_to_unknown_incidents_are_refused(session: Session) -> None:
    with pytest.raises(NotFoundError, match="CH-1999-000001"):
        _lesson(session, incident_codes=["CH-1999-000001"])


def test_the_training_pack_shows_cases_by_code_without_names(session: Session, tmp_path: Path) -> None:
    incident = make_incident(session, title="Strike on the al-Hamad house", place_name="Hajin")
    add_casualty(
        session,
        incident=incident,
        data=CasualtyCreate(names=[PersonName(name="Yusuf al-Hamad", script="Latn")], outcome=Outcome.KILLED),
    )
    code = service.record_observation(
        session,
        actor="ana",
        data=LessonCreate(
            title="Houses misidentified",
            observation="Yusuf al-Hamad's house was taken for a command post.",
            incident_codes=[incident.code],
        ),
    ).code
    lesson = service.get_lesson(session, code=code)
    for suffix in ("html", "pdf", "docx"):
        export_training_pack(
            session, lessons=[lesson], path=tmp_path / f"pack.{suffix}", today=date(2026, 5, 1)
        )
    html = (tmp_path / "pack.html").read_text(encoding="utf-8")
    assert incident.code in html and "2026-03" in html
    for secret in ("Yusuf", "al-Hamad", "Hajin", "Strike on the"):
        assert secret not in html
    word = "\n".join(p.text for p in docx.Document(str(tmp_path / "pack.docx")).paragraphs)
    assert "Yusuf" not in word and "command post" in word
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(ValidationError, match=r"\.docx"):
        export_training_pack(session, lessons=[lesson], path=tmp_path / "pack.txt", today=date(2026, 5, 1))


def test_closing_needs_a_reason(session: Session) -> None:
    code = _lesson(session)
    with pytest.raises(ValidationError):
        service.close(session, code=code, reason=" ")
    assert service.close(session, code=code, reason="Overtaken by new doctrine").stage == LessonStage.CLOSED
    assert service.overdue_actions(session, today=date.today() + timedelta(days=1)) == []
