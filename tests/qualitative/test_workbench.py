"""The workbench: importing Word and PDF, pseudonymising participants, theme rules, access."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from sqlalchemy.orm import Session

from civharm.errors import InputFileError, NotFoundError, ValidationError
from civharm.qualitative import service as qual
from civharm.qualitative.access import may_read
from civharm.qualitative.codebook import export_segments
from civharm.qualitative.pseudonyms import pseudonymise
from civharm.security.principal import Principal, Role

TRANSCRIPT = (
    "Interviewer: Tell me about the checkpoint.\n"
    "Amina Yusuf: The soldiers at the checkpoint did not know the shelter was a school. "
    "Yusuf said the same. Ms. amina yusuf then left.\n"
)


def test_pseudonymising_replaces_every_form_of_a_name_and_moves_offsets() -> None:
    result = pseudonymise(TRANSCRIPT, {"Amina Yusuf": "P01", "Yusuf": "P01"})
    assert "Amina" not in result.text and "Yusuf" not in result.text and "yusuf" not in result.text
    assert result.text.count("P01") == 3
    old = TRANSCRIPT.index("The soldiers")
    assert result.text[result.new_offset(old) :].startswith("The soldiers")


def test_a_participant_added_after_coding_keeps_segments_on_their_words(session: Session) -> None:
    project = qual.create_project(session, name="Checkpoint interviews", actor="ana")
    qual.add_document(session, project=project, name="int-01", text=TRANSCRIPT, actor="ana")
    qual.create_code(session, project=project, name="Misidentified site", actor="ana")
    quote = "did not know the shelter was a school"
    segment = qual.code_quote(
        session, project=project, document="int-01", quote=quote, code="Misidentified site", coder="ana"
    )
    whole = qual.code_segment(
        session,
        project=project,
        document="int-01",
        start=0,
        end=len(TRANSCRIPT),
        code="Misidentified site",
        coder="ana",
    )
    participant = qual.add_participant(session, project=project, names=["Amina Yusuf", "Yusuf"])
    assert participant.pseudonym == "P01"
    document = qual.get_document(session, project=project, name="int-01")
    assert "Yusuf" not in document.text
    session.refresh(segment)
    session.refresh(whole)
    assert segment.text == quote == document.text[segment.start_offset : segment.end_offset]
    assert whole.end_offset == len(document.text) and "Yusuf" not in whole.text
    # A document imported later is pseudonymised before it is stored.
    later = qual.add_document(session, project=project, name="int-02", text="Yusuf came back.", actor="ana")
    assert later.text == "P01 came back."


def test_word_and_pdf_documents_are_imported_as_text(session: Session, tmp_path: Path) -> None:
    from weasyprint import HTML

    word = docx.Document()
    word.add_paragraph("First answer about water.")
    word.add_paragraph("Second answer about schools.")
    word.save(str(tmp_path / "interview.docx"))
    HTML(string="<p>Notes from the market visit.</p>").write_pdf(str(tmp_path / "notes.pdf"))
    (tmp_path / "image.pdf").write_bytes(b"%PDF-1.4 not really")
    project = qual.create_project(session, name="Formats", actor="ana")
    word_doc = qual.import_document(session, project=project, path=tmp_path / "interview.docx", actor="ana")
    pdf_doc = qual.import_document(session, project=project, path=tmp_path / "notes.pdf", actor="ana")
    assert word_doc.text == "First answer about water.\nSecond answer about schools."
    assert word_doc.source_format == "docx"
    assert "Notes from the market visit." in pdf_doc.text
    with pytest.raises(InputFileError, match=r"image\.pdf"):
        qual.import_document(session, project=project, path=tmp_path / "image.pdf", actor="ana")


def test_themes_move_through_review_and_definition_only_with_evidence(session: Session) -> None:
    project = qual.create_project(session, name="Rules", actor="ana")
    qual.add_document(session, project=project, name="d", text="Water was cut for a week.", actor="ana")
    qual.create_code(session, project=project, name="Water", actor="ana")
    with pytest.raises(ValidationError, match="at least one code"):
        qual.create_theme(session, project=project, name="Empty", codes=[], actor="ana")
    qual.create_theme(session, project=project, name="Services", codes=["Water"], actor="ana")
    with pytest.raises(ValidationError, match="no coded extracts"):
        qual.review_theme(session, project=project, name="Services", notes="ok")
    segment = qual.code_segment(
        session, project=project, document="d", start=0, end=5, code="Water", coder="ana"
    )
    with pytest.raises(ValidationError, match="review theme"):
        qual.define_theme(session, project=project, name="Services", definition="x", extracts=[segment.id])
    qual.review_theme(session, project=project, name="Services", notes="Holds together.")
    with pytest.raises(ValidationError, match="needs a definition"):
        qual.define_theme(session, project=project, name="Services", definition=" ", extracts=[segment.id])
    theme = qual.define_theme(
        session,
        project=project,
        name="Services",
        definition="Loss of services.",
        extracts=[segment.id],
        new_name="Lost services",
    )
    assert theme.name == "Lost services"
    with pytest.raises(ValidationError, match="not a coder"):
        qual.code_segment(session, project=project, document="d", start=0, end=5, code="Water", coder="eve")
    with pytest.raises(ValidationError, match="not inside"):
        qual.code_segment(session, project=project, document="d", start=3, end=99, code="Water", coder="ana")


def test_restricted_projects_are_read_by_coders_and_admins_only(session: Session, tmp_path: Path) -> None:
    project = qual.create_project(session, name="Survivors", actor="ana", coders=["ana"])
    assert may_read(Principal("ana", Role.ANALYST), project)
    assert may_read(Principal("root", Role.ADMIN), project)
    assert not may_read(Principal("bob", Role.ANALYST), project)
    assert not may_read(Principal("ngo", Role.PARTNER, organisation="NGO"), project)
    qual.add_participant(session, project=project, names=["Huda Saleh"])
    qual.add_document(session, project=project, name="d", text="Huda Saleh spoke first.", actor="ana")
    qual.create_code(session, project=project, name="Voice", actor="ana")
    qual.code_segment(session, project=project, document="d", start=0, end=10, code="Voice", coder="ana")
    out = tmp_path / "segments.csv"
    export_segments(session, project=project, path=out)
    assert "Huda" not in out.read_text(encoding="utf-8")
    with pytest.raises(NotFoundError):
        qual.get_project(session, name="Nope")
