"""A small synthetic interview study for the demo: two transcripts, two coders, codes and themes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.qualitative import service as qual
from civharm.qualitative.models import MemoTarget, QualProject

PROJECT = "[DEMO] Protection advisers on civilian harm"
# Invented people; their names are replaced by pseudonyms before the text is stored.
TRANSCRIPTS = {
    "adviser-01": (
        "Interviewer: How do you hear about harm to civilians?\n"
        "Rana Haddad: Mostly from NGOs, and late. Rana Haddad is my name, I worked two years in the cell. "
        "The strike logs tell us where, but never who was in the building.\n"
        "Interviewer: What would help?\n"
        "Rana Haddad: A map of schools and clinics that targeteers actually open. And money for condolence "
        "payments that arrives before families give up on us.\n"
    ),
    "adviser-02": (
        "Interviewer: What stops lessons from travelling?\n"
        "Karim Nasser: Each rotation starts again. Nobody reads the reports of the unit before. "
        "We wrote the same lesson about water stations three times.\n"
        "Karim Nasser: Leaders listen when the numbers go up, not before. Training is the first thing cut.\n"
    ),
}
CODES = {
    "Learning": ["Lessons lost at rotation", "Training cut first"],
    "Information": ["Late reports from NGOs", "Missing protected-site data"],
    "Response": ["Slow condolence payments"],
}
CODING = [
    ("adviser-01", "Mostly from NGOs, and late.", "Late reports from NGOs"),
    (
        "adviser-01",
        "A map of schools and clinics that targeteers actually open.",
        "Missing protected-site data",
    ),
    (
        "adviser-01",
        "money for condolence payments that arrives before families give up on us",
        "Slow condolence payments",
    ),
    (
        "adviser-02",
        "Each rotation starts again. Nobody reads the reports of the unit before.",
        "Lessons lost at rotation",
    ),
    ("adviser-02", "Training is the first thing cut.", "Training cut first"),
]


def load_qualitative_demo(session: Session) -> QualProject | None:
    if session.scalar(select(QualProject.id).where(QualProject.name == PROJECT)) is not None:
        return None
    project = qual.create_project(
        session,
        name=PROJECT,
        actor="demo",
        coders=["demo", "analyst"],
        description="Synthetic demo: invented interviews with protection advisers.",
    )
    qual.add_participant(session, project=project, names=["Rana Haddad"])
    qual.add_participant(session, project=project, names=["Karim Nasser"])
    for name, text in TRANSCRIPTS.items():
        qual.add_document(session, project=project, name=name, text=text, actor="demo")
    for parent, children in CODES.items():
        qual.create_code(session, project=project, name=parent, actor="demo")
        for child in children:
            qual.create_code(session, project=project, name=child, parent=parent, actor="demo")
    segments = [
        qual.code_quote(session, project=project, document=d, quote=q, code=c, coder=coder)
        for d, q, c in CODING
        for coder in ("demo", "analyst")
    ]
    qual.create_theme(
        session,
        project=project,
        name="Learning does not travel",
        codes=["Lessons lost at rotation", "Training cut first"],
        actor="demo",
    )
    qual.review_theme(
        session, project=project, name="Learning does not travel", notes="Both advisers say so."
    )
    qual.define_theme(
        session,
        project=project,
        name="Learning does not travel",
        definition="Lessons are written but not carried across rotations or into training.",
        extracts=[s.id for s in segments if s.code.name == "Lessons lost at rotation"][:1],
    )
    qual.create_theme(
        session,
        project=project,
        name="Seeing civilians too late",
        codes=["Late reports from NGOs", "Missing protected-site data"],
        actor="demo",
    )
    qual.add_memo(
        session,
        project=project,
        author="demo",
        target_type=MemoTarget.PROJECT,
        text="Synthetic demo memo: check whether 'late' means days or weeks.",
    )
    return project
