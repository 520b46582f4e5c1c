"""Suggest codes for the passages of a project's documents that nobody has coded yet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from civharm.qualitative.models import QualProject
from civharm.qualitative.service import codes_of, documents_of, get_document, segments_of
from civharm.qualitative.suggest import Embedder, Suggestion, load_embedder, split_passages, suggest


@dataclass(frozen=True)
class PassageSuggestion:
    document: str
    start: int
    end: int
    text: str
    suggestions: list[Suggestion]


@dataclass
class SuggestionRun:
    """What was suggested, and by which method (``all-MiniLM-L6-v2`` or ``tf-idf``)."""

    method: str
    passages: list[PassageSuggestion] = field(default_factory=list)


def suggest_for_project(
    session: Session,
    *,
    project: QualProject,
    document: str | None = None,
    method: str = "auto",
    embedder: Embedder | None = None,
    top: int = 3,
    min_score: float | None = None,
) -> SuggestionRun:
    """Suggested codes for every uncoded sentence (of one document, or all)."""
    engine = embedder or load_embedder(method)
    if min_score is None:  # cosines of sparse word vectors run far lower than those of embeddings
        min_score = 0.05 if engine.name == "tf-idf" else 0.25
    codes = {c.id: c for c in codes_of(session, project=project)}
    examples: dict[str, list[str]] = defaultdict(list)
    coded: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for segment in segments_of(session, project=project):
        examples[codes[segment.code_id].name].append(segment.text)
        coded[segment.document_id].append((segment.start_offset, segment.end_offset))
    if document:
        documents = [get_document(session, project=project, name=document)]
    else:
        documents = documents_of(session, project=project)
    candidates: list[tuple[str, int, int, str]] = []
    for doc in documents:
        for start, end in split_passages(doc.text):
            if not any(start < high and low < end for low, high in coded[doc.id]):
                candidates.append((doc.name, start, end, doc.text[start:end]))
    results = suggest(
        engine,
        examples=examples,
        descriptions={c.name: c.description for c in codes.values()},
        passages=[c[3] for c in candidates],
        top=top,
        min_score=min_score,
    )
    run = SuggestionRun(method=engine.name)
    for (name, start, end, text), found in zip(candidates, results, strict=True):
        if found:
            run.passages.append(PassageSuggestion(name, start, end, text, found))
    return run
