"""``civharm qual ...``: the thematic analysis workbench on the command line."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import typer
from sqlalchemy.orm import Session

from civharm.cli.context import app_context
from civharm.qualitative import service as qual
from civharm.qualitative.access import require_read
from civharm.qualitative.codebook import export_codebook, export_segments
from civharm.qualitative.kappa import agreement_tables, kappa_by_code
from civharm.qualitative.models import MemoTarget, QualProject
from civharm.qualitative.spans_csv import read_document_folder, read_spans
from civharm.qualitative.suggestions import suggest_for_project
from civharm.security.principal import SYSTEM

app = typer.Typer(help="Thematic analysis: documents, codes, themes, agreement.", no_args_is_help=True)


def _format_kappa(value: float) -> str:
    return "nan" if value != value else f"{value:.12g}"  # NaN is the only value unequal to itself


@app.command("kappa")
def kappa_command(
    a: Path = typer.Option(..., "--a", help="Coder A's segments: CSV with document_id, start, end, code."),
    b: Path = typer.Option(..., "--b", help="Coder B's segments, same columns."),
    documents: Path = typer.Option(..., "--documents", help="Folder of <document_id>.txt files."),
) -> None:
    """Cohen's kappa per code and overall between two coders, with characters as units.

    Offsets are character positions in DIR/<document_id>.txt, end exclusive. Each code gives
    a 2x2 table over every character of every document in the folder; the overall kappa uses
    the tables of all codes summed. A code without variance prints nan (kappa is undefined).

    Example: civharm qual kappa --a coder_a.csv --b coder_b.csv --documents transcripts/
    """
    texts = read_document_folder(documents)
    lengths = {name: len(text) for name, text in texts.items()}
    tables = agreement_tables(read_spans(a, lengths), read_spans(b, lengths), lengths)
    per_code, overall = kappa_by_code(tables)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["code", "kappa"])
    for code, value in per_code.items():
        writer.writerow([code, _format_kappa(value)])
    writer.writerow(["__overall__", _format_kappa(overall)])


def _project(session: Session, name: str) -> QualProject:
    project = qual.get_project(session, name=name)
    require_read(SYSTEM, project)  # the command line acts on one's own store as the system user
    return project


@app.command("new")
def new_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The project's name."),
    coder: list[str] = typer.Option([], "--coder", help="A username who codes in this project (repeatable)."),
    description: str = typer.Option("", "--description"),
    actor: str = typer.Option("system", "--actor"),
) -> None:
    """Create a qualitative project (restricted: interview data can identify people).

    Example: civharm qual new "Adviser interviews" --coder ana --coder ben
    """
    with app_context(ctx).session() as session:
        qual.create_project(session, name=name, actor=actor, description=description, coders=coder or [actor])
    typer.echo(f"project {name!r} created")


@app.command("participant")
def participant_command(
    ctx: typer.Context,
    project: str = typer.Argument(...),
    name: list[str] = typer.Option(..., "--name", help="A form of the participant's name (repeatable)."),
    pseudonym: str | None = typer.Option(None, "--pseudonym", help="Default: the next free P01, P02, ..."),
) -> None:
    """Register a participant: every form of their name is replaced by a stable pseudonym.

    Documents already imported are pseudonymised again and coded offsets move with the text.

    Example: civharm qual participant "Adviser interviews" --name "Rana Haddad" --name Rana
    """
    with app_context(ctx).session() as session:
        participant = qual.add_participant(
            session, project=_project(session, project), names=name, pseudonym=pseudonym
        )
        typer.echo(participant.pseudonym)


@app.command("import")
def import_command(
    ctx: typer.Context,
    project: str = typer.Argument(...),
    files: list[Path] = typer.Argument(..., help=".txt, .docx or .pdf files."),
    actor: str = typer.Option("system", "--actor"),
) -> None:
    """Import documents; participants' names are replaced before the text is stored.

    Example: civharm qual import "Adviser interviews" interviews/*.docx notes.pdf
    """
    with app_context(ctx).session() as session:
        target = _project(session, project)
        for path in files:
            document = qual.import_document(session, project=target, path=path, actor=actor)
            typer.echo(f"{document.name}: {len(document.text):,} characters ({document.source_format})")


@app.command("code")
def code_command(
    ctx: typer.Context,
    project: str = typer.Argument(...),
    name: str = typer.Argument(..., help="The code's name."),
    parent: str | None = typer.Option(None, "--parent", help="The parent code, for a hierarchy."),
    description: str = typer.Option("", "--description"),
    color: str | None = typer.Option(None, "--color", help="#RRGGBB"),
    actor: str = typer.Option("system", "--actor"),
) -> None:
    """Add a code to the codebook.

    Example: civharm qual code "Adviser interviews" "Late reports" --parent Information
    """
    with app_context(ctx).session() as session:
        qual.create_code(
            session,
            project=_project(session, project),
            name=name,
            parent=parent,
            description=description,
            color=color,
            actor=actor,
        )
    typer.echo(f"code {name!r} added")


@app.command("segments")
def segments_command(
    ctx: typer.Context,
    project: str = typer.Argument(...),
    file: Path = typer.Argument(..., help="CSV: document_id, start, end, code (document_id is the name)."),
    coder: str = typer.Option(..., "--coder"),
) -> None:
    """Import one coder's coded segments (the same CSV format as qual kappa); all or nothing.

    Example: civharm qual segments "Adviser interviews" coder_a.csv --coder ana
    """
    with app_context(ctx).session() as session:
        target = _project(session, project)
        lengths = {d.name: len(d.text) for d in qual.documents_of(session, project=target)}
        spans = read_spans(file, lengths)
        for span in spans:
            qual.code_segment(
                session,
                project=target,
                document=span.document_id,
                start=span.start,
                end=span.end,
                code=span.code,
                coder=coder,
            )
    typer.echo(f"{len(spans)} segment(s) coded by {coder}")


@app.command("theme")
def theme_command(
    ctx: typer.Context,
    project: str = typer.Argument(...),
    name: str = typer.Argument(...),
    code: list[str] = typer.Option([], "--code", help="A code of the theme (repeatable)."),
    review: str | None = typer.Option(None, "--review", help="Phase 4: notes from reviewing the theme."),
    definition: str | None = typer.Option(None, "--define", help="Phase 5: what the theme is about."),
    extract: list[int] = typer.Option([], "--extract", help="Id of a supporting segment (repeatable)."),
    actor: str = typer.Option("system", "--actor"),
) -> None:
    """Create a candidate theme from codes, review it, or define it with supporting extracts.

    Example: civharm qual theme "Adviser interviews" "Learning does not travel" --code "Lessons lost"
    """
    with app_context(ctx).session() as session:
        target = _project(session, project)
        if code and review is None and definition is None:
            qual.create_theme(session, project=target, name=name, codes=code, actor=actor)
        if review is not None:
            qual.review_theme(session, project=target, name=name, notes=review, codes=code or None)
        if definition is not None:
            qual.define_theme(session, project=target, name=name, definition=definition, extracts=extract)
        status = qual.get_theme(session, project=target, name=name).status.value
    typer.echo(f"theme {name!r}: {status}")


@app.command("memo")
def memo_command(
    ctx: typer.Context,
    project: str = typer.Argument(...),
    text: str = typer.Argument(...),
    on: MemoTarget = typer.Option(MemoTarget.PROJECT, "--on", help="What the memo is about."),
    target: int | None = typer.Option(None, "--id", help="Id of the document, code, theme or segment."),
    author: str = typer.Option("system", "--author"),
) -> None:
    """Write an analytic memo.

    Example: civharm qual memo "Adviser interviews" "Late means weeks, not days" --on code --id 4
    """
    with app_context(ctx).session() as session:
        qual.add_memo(
            session,
            project=_project(session, project),
            text=text,
            author=author,
            target_type=on,
            target_id=target,
        )
    typer.echo("memo saved")


@app.command("show")
def show_command(ctx: typer.Context, project: str = typer.Argument(...)) -> None:
    """The project's progress through Braun & Clarke's six phases, and its themes.

    Example: civharm qual show "Adviser interviews"
    """
    with app_context(ctx).session() as session:
        target = _project(session, project)
        for step in qual.project_progress(session, project=target):
            typer.echo(f"{'[x]' if step.done else '[ ]'} {step.number}. {step.phase}: {step.evidence}")
        for theme in qual.themes_of(session, project=target):
            typer.echo(f"theme {theme.name!r} ({theme.status.value}) {theme.definition}")


@app.command("agreement")
def agreement_command(
    ctx: typer.Context,
    project: str = typer.Argument(...),
    a: str = typer.Option(..., "--a", help="First coder's username."),
    b: str = typer.Option(..., "--b", help="Second coder's username."),
) -> None:
    """Cohen's kappa per code between two coders of a project (CSV, as qual kappa prints).

    Example: civharm qual agreement "Adviser interviews" --a ana --b ben
    """
    with app_context(ctx).session() as session:
        per_code, overall = qual.project_agreement(
            session, project=_project(session, project), coder_a=a, coder_b=b
        )
    typer.echo("code,kappa")
    for code, value in per_code.items():
        typer.echo(f"{code},{_format_kappa(value)}")
    typer.echo(f"__overall__,{_format_kappa(overall)}")


@app.command("export")
def export_command(
    ctx: typer.Context,
    project: str = typer.Argument(...),
    codebook: Path | None = typer.Option(None, "--codebook", help="codebook.qdc (REFI-QDA) or codebook.csv"),
    segments: Path | None = typer.Option(None, "--segments", help="segments.csv or segments.xlsx"),
) -> None:
    """Export the codebook (REFI-QDA .qdc or CSV) and the coded segments (CSV or XLSX).

    Example: civharm qual export "Adviser interviews" --codebook codes.qdc --segments coded.xlsx
    """
    if codebook is None and segments is None:
        raise typer.BadParameter("give --codebook and/or --segments")
    with app_context(ctx).session() as session:
        target = _project(session, project)
        if codebook is not None:
            export_codebook(session, project=target, path=codebook)
            typer.echo(f"codebook written to {codebook}")
        if segments is not None:
            count = export_segments(session, project=target, path=segments)
            typer.echo(f"{count} segment(s) written to {segments}")


@app.command("suggest")
def suggest_command(
    ctx: typer.Context,
    project: str = typer.Argument(...),
    document: str | None = typer.Option(None, "--document", help="Only this document."),
    method: str = typer.Option("auto", "--method", help="auto, embeddings or tfidf."),
    top: int = typer.Option(3, "--top", min=1, max=10),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Suggest codes for uncoded sentences (suggestions only: a person decides and codes).

    Example: civharm qual suggest "Adviser interviews" --document adviser-01 --top 2
    """
    if method not in ("auto", "embeddings", "tfidf"):
        raise typer.BadParameter("method is auto, embeddings or tfidf")
    with app_context(ctx).session() as session:
        run = suggest_for_project(
            session, project=_project(session, project), document=document, method=method, top=top
        )
    if as_json:
        items = [{**vars(p), "suggestions": [vars(s) for s in p.suggestions]} for p in run.passages]
        typer.echo(json.dumps({"method": run.method, "passages": items}, indent=2, ensure_ascii=False))
        return
    typer.echo(f"method: {run.method}; {len(run.passages)} passage(s). Suggestions only: you decide.")
    for p in run.passages:
        codes = ", ".join(f"{s.code} ({s.score:.2f})" for s in p.suggestions)
        typer.echo(f"{p.document} {p.start}-{p.end}: {p.text[:90]!r}\n    -> {codes}")
