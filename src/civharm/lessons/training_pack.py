"""The training pack: each lesson with the anonymised cases behind it.

Cases are shown by incident code, month, area and what happened in categories (cause,
activity, environment, topics, the ranges of people killed and injured, the assessment) and
never by title, description, exact place or date, or any person's name. Names of casualties
of the linked incidents that appear in a lesson's own text are replaced by their pseudonyms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.casualties.models import Casualty
from civharm.incidents.models import Incident
from civharm.lessons.environment import environment_of
from civharm.lessons.facts import activity_of
from civharm.lessons.models import Lesson
from civharm.lessons.render import render_html, write_document
from civharm.qualitative.pseudonyms import pseudonymise


@dataclass(frozen=True)
class AnonymisedCase:
    code: str
    month: str
    area: str
    environment: str
    cause: str
    activity: str
    topics: str
    killed: str
    injured: str
    assessment: str


def _range(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "unknown"
    return str(low) if low == high or high is None else f"{low or 0}-{high}"


def anonymised_case(incident: Incident) -> AnonymisedCase:
    return AnonymisedCase(
        code=incident.code,
        month=incident.date_start.strftime("%Y-%m") if incident.date_start else "undated",
        area=incident.admin1 or incident.country_iso3 or "unknown",
        environment=environment_of(incident.latitude, incident.longitude, incident.location_precision),
        cause=incident.cause.value.replace("_", " "),
        activity=activity_of(incident.details or {}, None, incident.title),
        topics=", ".join(t.value.upper() for t in incident.topics),
        killed=_range(incident.killed_min, incident.killed_max),
        injured=_range(incident.injured_min, incident.injured_max),
        assessment=f"{incident.status.value.replace('_', ' ')}; determination "
        f"{incident.determination.value.replace('_', ' ')}",
    )


def _scrubbed(session: Session, lesson: Lesson) -> dict[str, str]:
    """The lesson's texts with any casualty name of its incidents replaced by the pseudonym."""
    ids = [i.id for i in lesson.incidents]
    names: dict[str, str] = {}
    if ids:
        for person in session.scalars(select(Casualty).where(Casualty.incident_id.in_(ids))):
            for entry in person.names:
                if entry.get("name"):
                    names[entry["name"]] = person.pseudonym
    fields = ("title", "observation", "lesson_identified", "lesson_learned")
    return {f: pseudonymise(getattr(lesson, f), names).text for f in fields}


def pack_context(session: Session, *, lessons: list[Lesson], title: str, today: date) -> dict[str, Any]:
    entries = []
    for lesson in lessons:
        entries.append(
            {
                "code": lesson.code,
                "stage": lesson.stage.value,
                "text": _scrubbed(session, lesson),
                "patterns": lesson.patterns,
                "actions": lesson.actions,
                "cases": [anonymised_case(i) for i in sorted(lesson.incidents, key=lambda i: i.code)],
            }
        )
    return {"title": title, "today": today, "lessons": entries}


def _docx(context: dict[str, Any]) -> Any:
    import docx

    document = docx.Document()
    document.add_heading(context["title"], level=0)
    document.add_paragraph(f"Prepared {context['today'].isoformat()}. Cases are anonymised: codes only.")
    for entry in context["lessons"]:
        text = entry["text"]
        document.add_heading(f"{entry['code']}: {text['title']}", level=1)
        for label, key in (
            ("Observation", "observation"),
            ("Lesson identified", "lesson_identified"),
            ("Lesson learned", "lesson_learned"),
        ):
            if text[key]:
                document.add_heading(label, level=2)
                document.add_paragraph(text[key])
        if entry["actions"]:
            document.add_heading("Actions", level=2)
            for a in entry["actions"]:
                due = a.due_date.isoformat() if a.due_date else "no date"
                document.add_paragraph(
                    f"[{a.area.value}] {a.description} - {a.owner}, due {due}, {a.status.value}",
                    style="List Bullet",
                )
        if entry["cases"]:
            document.add_heading("Cases", level=2)
            columns = [
                "code",
                "month",
                "area",
                "environment",
                "cause",
                "activity",
                "topics",
                "killed",
                "injured",
            ]
            table = document.add_table(rows=1, cols=len(columns))
            table.style = "Table Grid"
            for cell, name in zip(table.rows[0].cells, columns, strict=True):
                cell.text = name
            for case in entry["cases"]:
                for cell, name in zip(table.add_row().cells, columns, strict=True):
                    cell.text = str(getattr(case, name))
    return document


def export_training_pack(
    session: Session, *, lessons: list[Lesson], path: Path, today: date, title: str = "Civilian harm: lessons"
) -> None:
    """Write the pack as .html, .pdf or .docx."""
    context = pack_context(session, lessons=lessons, title=title, today=today)
    if path.suffix.lower() == ".docx":
        _docx(context).save(str(path))
        return
    write_document(path, render_html("lessons/training_pack.html", **context), also=", .docx")
