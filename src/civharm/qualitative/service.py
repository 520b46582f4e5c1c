"""Operations of the thematic analysis workbench: projects, documents, coding, themes, memos."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from civharm.errors import ConflictError, NotFoundError, ValidationError
from civharm.qualitative import themes as rules
from civharm.qualitative.documents import read_document_file
from civharm.qualitative.models import (
    MemoTarget,
    QualCode,
    QualDocument,
    QualMemo,
    QualParticipant,
    QualProject,
    QualSegment,
    QualTheme,
    QualThemeCode,
    QualThemeExtract,
    ThemeStatus,
)
from civharm.qualitative.pseudonyms import next_pseudonym, pseudonymise


def create_project(
    session: Session, *, name: str, actor: str, description: str = "", coders: list[str] | None = None
) -> QualProject:
    if session.scalar(select(QualProject.id).where(QualProject.name == name)) is not None:
        raise ConflictError(f"a qualitative project named {name!r} exists already")
    project = QualProject(
        name=name, description=description, coders=sorted(set(coders or [actor])), created_by=actor
    )
    session.add(project)
    session.flush()
    return project


def get_project(session: Session, *, name: str) -> QualProject:
    project = session.scalar(select(QualProject).where(QualProject.name == name))
    if project is None:
        raise NotFoundError(f"no qualitative project named {name}")
    return project


def add_coder(session: Session, *, project: QualProject, username: str) -> None:
    project.coders = sorted({*project.coders, username})
    session.flush()


# --- participants and pseudonyms -------------------------------------------------------------


def _name_map(session: Session, project: QualProject) -> dict[str, str]:
    rows = session.scalars(select(QualParticipant).where(QualParticipant.project_id == project.id))
    return {name: p.pseudonym for p in rows for name in p.names}


def add_participant(
    session: Session, *, project: QualProject, names: list[str], pseudonym: str | None = None
) -> QualParticipant:
    """Register a participant's names; every document of the project is pseudonymised again."""
    forms = sorted({n.strip() for n in names if n.strip()})
    if not forms:
        raise ValidationError("give at least one name to replace")
    taken = set(
        session.scalars(select(QualParticipant.pseudonym).where(QualParticipant.project_id == project.id))
    )
    chosen = pseudonym or next_pseudonym(taken)
    if chosen in taken:
        raise ConflictError(f"pseudonym {chosen} is taken in {project.name}")
    participant = QualParticipant(project_id=project.id, pseudonym=chosen, names=forms)
    session.add(participant)
    session.flush()
    apply_pseudonyms(session, project=project)
    return participant


def apply_pseudonyms(session: Session, *, project: QualProject) -> int:
    """Replace participants' names in every stored document and move coded offsets to match.

    Returns the number of names replaced.
    """
    names = _name_map(session, project)
    replaced = 0
    for document in session.scalars(select(QualDocument).where(QualDocument.project_id == project.id)):
        result = pseudonymise(document.text, names)
        if not result.replacements:
            continue
        replaced += len(result.replacements)
        document.text = result.text
        for segment in session.scalars(select(QualSegment).where(QualSegment.document_id == document.id)):
            segment.start_offset = result.new_offset(segment.start_offset)
            segment.end_offset = max(
                segment.start_offset + 1, result.new_offset(segment.end_offset, is_end=True)
            )
            segment.text = document.text[segment.start_offset : segment.end_offset]
    session.flush()
    return replaced


# --- documents ---------------------------------------------------------------------------------


def add_document(
    session: Session,
    *,
    project: QualProject,
    name: str,
    text: str,
    actor: str,
    source_format: str = "text",
    sha256: str = "",
    attributes: dict[str, Any] | None = None,
) -> QualDocument:
    """Store a document's text, pseudonymised before it is written."""
    if session.scalar(
        select(QualDocument.id).where(QualDocument.project_id == project.id, QualDocument.name == name)
    ):
        raise ConflictError(f"{project.name} already has a document named {name!r}")
    document = QualDocument(
        project_id=project.id,
        name=name,
        source_format=source_format,
        text=pseudonymise(text, _name_map(session, project)).text,
        original_sha256=sha256,
        attributes=attributes or {},
        imported_by=actor,
    )
    session.add(document)
    session.flush()
    return document


def import_document(
    session: Session, *, project: QualProject, path: Path, actor: str, name: str | None = None
) -> QualDocument:
    """Import a .txt, .docx or .pdf file."""
    read = read_document_file(path)
    return add_document(
        session,
        project=project,
        name=name or read.name,
        text=read.text,
        actor=actor,
        source_format=read.source_format,
        sha256=read.sha256,
        attributes={"file": path.name},
    )


def get_document(session: Session, *, project: QualProject, name: str) -> QualDocument:
    document = session.scalar(
        select(QualDocument).where(QualDocument.project_id == project.id, QualDocument.name == name)
    )
    if document is None:
        raise NotFoundError(f"{project.name} has no document named {name}")
    return document


def documents_of(session: Session, *, project: QualProject) -> list[QualDocument]:
    query = select(QualDocument).where(QualDocument.project_id == project.id).order_by(QualDocument.name)
    return list(session.scalars(query))


# --- codes and segments ------------------------------------------------------------------------


def create_code(
    session: Session,
    *,
    project: QualProject,
    name: str,
    actor: str,
    description: str = "",
    parent: str | None = None,
    color: str | None = None,
) -> QualCode:
    if not name.strip():
        raise ValidationError("a code needs a name")
    if session.scalar(select(QualCode.id).where(QualCode.project_id == project.id, QualCode.name == name)):
        raise ConflictError(f"{project.name} already has a code named {name!r}")
    parent_code = get_code(session, project=project, name=parent) if parent else None
    code = QualCode(
        project_id=project.id,
        name=name.strip(),
        description=description,
        parent_id=parent_code.id if parent_code else None,
        color=color,
        created_by=actor,
    )
    session.add(code)
    session.flush()
    return code


def get_code(session: Session, *, project: QualProject, name: str) -> QualCode:
    code = session.scalar(select(QualCode).where(QualCode.project_id == project.id, QualCode.name == name))
    if code is None:
        raise NotFoundError(f"{project.name} has no code named {name}")
    return code


def codes_of(session: Session, *, project: QualProject) -> list[QualCode]:
    return list(
        session.scalars(select(QualCode).where(QualCode.project_id == project.id).order_by(QualCode.id))
    )


def code_segment(
    session: Session,
    *,
    project: QualProject,
    document: str,
    start: int,
    end: int,
    code: str,
    coder: str,
) -> QualSegment:
    """Code ``[start, end)`` of a document; the quoted text is stored with the offsets."""
    if coder not in project.coders:
        raise ValidationError(f"{coder} is not a coder of {project.name}; add them first")
    doc = get_document(session, project=project, name=document)
    if not 0 <= start < end <= len(doc.text):
        raise ValidationError(
            f"span {start}-{end} is not inside {document} ({len(doc.text)} characters; end is exclusive)"
        )
    segment = QualSegment(
        project_id=project.id,
        document_id=doc.id,
        code_id=get_code(session, project=project, name=code).id,
        coder=coder,
        start_offset=start,
        end_offset=end,
        text=doc.text[start:end],
    )
    session.add(segment)
    session.flush()
    return segment


def code_quote(
    session: Session, *, project: QualProject, document: str, quote: str, code: str, coder: str
) -> QualSegment:
    """Code the first occurrence of ``quote`` in a document (a convenience over offsets)."""
    doc = get_document(session, project=project, name=document)
    start = doc.text.find(quote)
    if start < 0:
        raise NotFoundError(f"{document} does not contain the quote {quote[:60]!r}")
    return code_segment(
        session,
        project=project,
        document=document,
        start=start,
        end=start + len(quote),
        code=code,
        coder=coder,
    )


def segments_of(session: Session, *, project: QualProject, coder: str | None = None) -> list[QualSegment]:
    query = select(QualSegment).where(QualSegment.project_id == project.id)
    if coder:
        query = query.where(QualSegment.coder == coder)
    return list(session.scalars(query.order_by(QualSegment.document_id, QualSegment.start_offset)))


# --- themes and memos --------------------------------------------------------------------------


def create_theme(
    session: Session,
    *,
    project: QualProject,
    name: str,
    codes: list[str],
    actor: str,
    parent: str | None = None,
) -> QualTheme:
    """A candidate theme (phase 3): a group of codes around a central idea."""
    if not codes:
        raise ValidationError(f"candidate theme {name!r} needs at least one code")
    if session.scalar(select(QualTheme.id).where(QualTheme.project_id == project.id, QualTheme.name == name)):
        raise ConflictError(f"{project.name} already has a theme named {name!r}")
    parent_theme = get_theme(session, project=project, name=parent) if parent else None
    theme = QualTheme(
        project_id=project.id,
        name=name,
        parent_id=parent_theme.id if parent_theme else None,
        created_by=actor,
    )
    session.add(theme)
    session.flush()
    set_theme_codes(session, project=project, theme=theme, codes=codes)
    return theme


def get_theme(session: Session, *, project: QualProject, name: str) -> QualTheme:
    theme = session.scalar(
        select(QualTheme).where(QualTheme.project_id == project.id, QualTheme.name == name)
    )
    if theme is None:
        raise NotFoundError(f"{project.name} has no theme named {name}")
    return theme


def set_theme_codes(session: Session, *, project: QualProject, theme: QualTheme, codes: list[str]) -> None:
    """Replace the theme's codes (reviewing often moves codes between themes)."""
    ids = [get_code(session, project=project, name=c).id for c in codes]
    session.execute(delete(QualThemeCode).where(QualThemeCode.theme_id == theme.id))
    session.add_all(QualThemeCode(theme_id=theme.id, code_id=i) for i in dict.fromkeys(ids))
    session.flush()


def theme_code_ids(session: Session, *, theme: QualTheme) -> list[int]:
    return list(session.scalars(select(QualThemeCode.code_id).where(QualThemeCode.theme_id == theme.id)))


def review_theme(
    session: Session, *, project: QualProject, name: str, notes: str, codes: list[str] | None = None
) -> QualTheme:
    """Phase 4: check the theme against its coded extracts (and the data set) and record what was found."""
    theme = get_theme(session, project=project, name=name)
    if codes is not None:
        set_theme_codes(session, project=project, theme=theme, codes=codes)
    code_ids = theme_code_ids(session, theme=theme)
    coded = session.scalar(select(func.count(QualSegment.id)).where(QualSegment.code_id.in_(code_ids))) or 0
    rules.check_review(name=name, coded_segments=int(coded))
    theme.review_notes = notes
    theme.status = ThemeStatus.REVIEWED
    session.flush()
    return theme


def define_theme(
    session: Session,
    *,
    project: QualProject,
    name: str,
    definition: str,
    extracts: list[int],
    new_name: str | None = None,
) -> QualTheme:
    """Phase 5: name and define the theme, with the extracts that best illustrate it."""
    theme = get_theme(session, project=project, name=name)
    code_ids = set(theme_code_ids(session, theme=theme))
    for segment_id in extracts:
        segment = session.get(QualSegment, segment_id)
        if segment is None or segment.project_id != project.id:
            raise NotFoundError(f"{project.name} has no coded segment {segment_id}")
        if segment.code_id not in code_ids:
            raise ValidationError(f"segment {segment_id} is not coded with any code of theme {name!r}")
    rules.check_definition(name=name, definition=definition, extracts=len(extracts), status=theme.status)
    session.execute(delete(QualThemeExtract).where(QualThemeExtract.theme_id == theme.id))
    session.add_all(QualThemeExtract(theme_id=theme.id, segment_id=s) for s in dict.fromkeys(extracts))
    theme.definition = definition
    theme.status = ThemeStatus.DEFINED
    if new_name:
        theme.name = new_name
    session.flush()
    return theme


def themes_of(session: Session, *, project: QualProject) -> list[QualTheme]:
    return list(
        session.scalars(select(QualTheme).where(QualTheme.project_id == project.id).order_by(QualTheme.id))
    )


def theme_extracts(session: Session, *, theme: QualTheme) -> list[QualSegment]:
    query = (
        select(QualSegment)
        .join(QualThemeExtract, QualThemeExtract.segment_id == QualSegment.id)
        .where(QualThemeExtract.theme_id == theme.id)
        .order_by(QualSegment.id)
    )
    return list(session.scalars(query))


_MEMO_TARGETS: dict[MemoTarget, type[QualDocument | QualCode | QualTheme | QualSegment]] = {
    MemoTarget.DOCUMENT: QualDocument,
    MemoTarget.CODE: QualCode,
    MemoTarget.THEME: QualTheme,
    MemoTarget.SEGMENT: QualSegment,
}


def add_memo(
    session: Session,
    *,
    project: QualProject,
    text: str,
    author: str,
    target_type: MemoTarget = MemoTarget.PROJECT,
    target_id: int | None = None,
) -> QualMemo:
    if not text.strip():
        raise ValidationError("a memo needs some text")
    if target_type != MemoTarget.PROJECT:
        target = session.get(_MEMO_TARGETS[target_type], target_id) if target_id is not None else None
        if target is None or getattr(target, "project_id", None) != project.id:
            raise NotFoundError(f"{project.name} has no {target_type.value} {target_id}")
    memo = QualMemo(
        project_id=project.id, target_type=target_type, target_id=target_id, author=author, text=text
    )
    session.add(memo)
    session.flush()
    return memo


def memos_of(session: Session, *, project: QualProject) -> list[QualMemo]:
    return list(
        session.scalars(select(QualMemo).where(QualMemo.project_id == project.id).order_by(QualMemo.id))
    )


# --- progress through the six phases ---------------------------------------------------------


@dataclass(frozen=True)
class PhaseProgress:
    number: int
    phase: str
    done: bool
    evidence: str


def project_progress(session: Session, *, project: QualProject) -> list[PhaseProgress]:
    """What the project shows for each of Braun & Clarke's six phases."""
    documents = len(documents_of(session, project=project))
    memos = len(memos_of(session, project=project))
    segments = len(segments_of(session, project=project))
    codes = len(codes_of(session, project=project))
    statuses = [t.status for t in themes_of(session, project=project)]
    reviewed = sum(s in (ThemeStatus.REVIEWED, ThemeStatus.DEFINED) for s in statuses)
    defined = statuses.count(ThemeStatus.DEFINED)
    facts = [
        (documents > 0 and memos > 0, f"{documents} document(s), {memos} memo(s)"),
        (segments > 0, f"{codes} code(s), {segments} coded segment(s)"),
        (len(statuses) > 0, f"{len(statuses)} theme(s)"),
        (reviewed > 0, f"{reviewed} theme(s) reviewed"),
        (defined > 0, f"{defined} theme(s) defined with extracts"),
        (defined > 0 and defined == reviewed, "export the codebook and extracts for the write-up"),
    ]
    return [
        PhaseProgress(number, phase, done, evidence)
        for number, (phase, (done, evidence)) in enumerate(zip(rules.SIX_PHASES, facts, strict=True), start=1)
    ]


def project_agreement(
    session: Session, *, project: QualProject, coder_a: str, coder_b: str
) -> tuple[dict[str, float], float]:
    """Cohen's kappa per code and overall between two coders of the project (characters as units)."""
    from civharm.qualitative.kappa import CodedSpan, agreement_tables, kappa_by_code

    documents = documents_of(session, project=project)
    lengths = {str(d.id): len(d.text) for d in documents}
    names = {c.id: c.name for c in codes_of(session, project=project)}

    def spans(coder: str) -> list[CodedSpan]:
        return [
            CodedSpan(str(s.document_id), s.start_offset, s.end_offset, names[s.code_id])
            for s in segments_of(session, project=project, coder=coder)
        ]

    return kappa_by_code(agreement_tables(spans(coder_a), spans(coder_b), lengths))
