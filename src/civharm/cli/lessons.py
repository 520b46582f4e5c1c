"""``civharm lessons ...`` (patterns and the register) and ``civharm report monthly``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from civharm.cli.context import app_context
from civharm.cli.report import app as report_cli
from civharm.lessons import service
from civharm.lessons.models import ActionStatus, ChangeArea, LessonStage
from civharm.lessons.monthly import write_monthly_report
from civharm.lessons.patterns import DIMENSIONS, month_period
from civharm.lessons.patterns_service import patterns_for
from civharm.lessons.schemas import ActionCreate, LessonCreate, PatternRef
from civharm.lessons.training_pack import export_training_pack
from civharm.vocabulary import Topic

BY_HELP = "Dimensions to show (repeatable): " + ", ".join(DIMENSIONS) + "."
app = typer.Typer(help="Harm patterns and the lessons register.", no_args_is_help=True)


def _pattern(text: str) -> PatternRef:
    """``cause=heavy_weapons_explosive_munitions@2026-03`` -> a pattern reference."""
    key, _, rest = text.partition("=")
    value, _, period = rest.partition("@")
    if not key or not value:
        raise typer.BadParameter(f"write a pattern as dimension=value[@YYYY-MM], not {text!r}")
    return PatternRef(dimension=key.strip(), value=value.strip(), period=period.strip())


@app.command("patterns")
def patterns_command(
    ctx: typer.Context,
    month: str = typer.Option(..., "--month", help="The month, YYYY-MM; compared with the month before."),
    by: list[str] = typer.Option([], "--by", help=BY_HELP),
    drill: str | None = typer.Option(None, "--drill", help="dimension=value: list the incidents behind it."),
    as_json: bool = typer.Option(
        False, "--json", help="Print JSON with every figure and its incident codes."
    ),
) -> None:
    """Counts and rates of harm by cause, activity, environment, time, topic, area and month.

    Each group's change against the month before is tested with the exact conditional Poisson
    rate test (binomial); p and Benjamini-Hochberg q values are shown.

    Example: civharm lessons patterns --month 2026-03 --by cause --by environment
    """
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise typer.BadParameter(
            f"unknown dimension {', '.join(unknown)}; choose from {', '.join(DIMENSIONS)}"
        )
    with app_context(ctx).session() as session:
        report = patterns_for(session, period=month_period(month), dimensions=tuple(by or DIMENSIONS))
    if drill:
        ref = _pattern(drill)
        row = report.find(ref.dimension, ref.value)
        typer.echo("\n".join(row.codes) if row else "")
        return
    if as_json:
        rows = [{**vars(r), "killed": list(r.killed), "injured": list(r.injured)} for r in report.rows]
        payload = {
            "period": str(report.period),
            "previous": str(report.previous),
            "test": report.test,
            "rows": rows,
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    table = Table(
        "dimension",
        "value",
        "incidents",
        "share",
        "per 30 d",
        "killed",
        "previous",
        "p",
        "q",
        title=f"{report.total} incident(s) in {month}; {report.previous_total} the month before",
    )
    for r in report.rows:
        table.add_row(
            r.dimension,
            r.value,
            str(r.incidents),
            f"{r.share:.0%}",
            f"{r.per_30_days:.1f}",
            f"{r.killed[0]}-{r.killed[1]}",
            str(r.previous_incidents),
            f"{r.p_value:.3f}",
            f"{r.q_value:.3f}" + (" *" if r.significant else ""),
        )
    console = Console(width=160)
    console.print(table)
    console.print(f"Test: {report.test}. * q < 0.05. Drill down with --drill dimension=value.")


@app.command("add")
def add_command(
    ctx: typer.Context,
    title: str = typer.Option(..., "--title"),
    observation: str = typer.Option(..., "--observation", help="What was observed."),
    incident: list[str] = typer.Option([], "--incident", help="Code of a supporting incident (repeatable)."),
    pattern: list[str] = typer.Option([], "--pattern", help="dimension=value[@YYYY-MM] (repeatable)."),
    topic: list[Topic] = typer.Option([], "--topic", help="Human-security topic (repeatable)."),
    actor: str = typer.Option("system", "--actor", help="Who records it."),
) -> None:
    """Record an observation in the lessons register, with the incidents and patterns behind it.

    Example: civharm lessons add --title "Strikes near schools" --observation "Three hit schools"
    --incident CH-2026-000004 --pattern cause=heavy_weapons_explosive_munitions@2026-03
    """
    data = LessonCreate(
        title=title,
        observation=observation,
        topics=topic,
        incident_codes=incident,
        patterns=[_pattern(p) for p in pattern],
    )
    with app_context(ctx).session() as session:
        lesson = service.record_observation(session, data=data, actor=actor)
        typer.echo(lesson.code)


@app.command("identify")
def identify_command(
    ctx: typer.Context,
    code: str = typer.Argument(...),
    lesson: str = typer.Option(..., "--lesson", help="What should change, and why."),
) -> None:
    """Record the lesson identified for an observation.

    Example: civharm lessons identify LL-2026-000001 --lesson "Target packs must show schools in session"
    """
    with app_context(ctx).session() as session:
        service.identify(session, code=code, lesson_text=lesson)
    typer.echo(f"{code}: lesson identified")


@app.command("action")
def action_command(
    ctx: typer.Context,
    code: str = typer.Argument(...),
    description: str = typer.Option(..., "--description"),
    owner: str = typer.Option(..., "--owner"),
    area: ChangeArea = typer.Option(..., "--area", help="DOTMLPF-P area of change."),
    due: str | None = typer.Option(None, "--due", help="Due date, YYYY-MM-DD."),
) -> None:
    """Assign a remedial action to an identified lesson.

    Example: civharm lessons action LL-2026-000001 --description "Revise the school-hours SOP"
    --owner J3 --area doctrine --due 2026-06-30
    """
    data = ActionCreate(
        description=description, owner=owner, area=area, due_date=date.fromisoformat(due) if due else None
    )
    with app_context(ctx).session() as session:
        action = service.add_action(session, code=code, data=data)
        typer.echo(f"action {action.id} added to {code}")


@app.command("action-status")
def action_status_command(
    ctx: typer.Context,
    action_id: int = typer.Argument(...),
    status: ActionStatus = typer.Option(..., "--status"),
    evidence: str = typer.Option("", "--evidence", help="What shows it was done."),
) -> None:
    """Update a remedial action (done needs evidence).

    Example: civharm lessons action-status 3 --status done --evidence "SOP 4-12 rev. B signed 2026-05-02"
    """
    with app_context(ctx).session() as session:
        service.update_action(session, action_id=action_id, status=status, evidence=evidence)
    typer.echo(f"action {action_id}: {status.value}")


@app.command("learned")
def learned_command(
    ctx: typer.Context,
    code: str = typer.Argument(...),
    text: str = typer.Option(..., "--text", help="What changed and how it was shown to work."),
) -> None:
    """Mark a lesson learned once its actions are finished.

    Example: civharm lessons learned LL-2026-000001 --text "No school struck in session since the SOP changed"
    """
    with app_context(ctx).session() as session:
        service.mark_learned(session, code=code, text=text)
    typer.echo(f"{code}: lesson learned")


@app.command("list")
def list_command(
    ctx: typer.Context,
    stage: list[LessonStage] = typer.Option([], "--stage", help="Only these stages (repeatable)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List the lessons register.

    Example: civharm lessons list --stage action
    """
    with app_context(ctx).session() as session:
        items = [
            service.to_public(lesson).model_dump(mode="json")
            for lesson in service.list_lessons(session, stages=tuple(stage))
        ]
    if as_json:
        typer.echo(json.dumps(items, indent=2, ensure_ascii=False))
        return
    table = Table("code", "stage", "title", "incidents", "actions", title=f"{len(items)} lesson(s)")
    for item in items:
        table.add_row(
            item["code"],
            item["stage"],
            item["title"],
            str(len(item["incident_codes"])),
            str(len(item["actions"])),
        )
    Console(width=160).print(table)


@app.command("export")
def export_command(
    ctx: typer.Context,
    output: Path = typer.Option(..., "--output", help="pack.html, pack.pdf or pack.docx"),
    code: list[str] = typer.Option([], "--lesson", help="Lessons to include (repeatable); default: all."),
    title: str = typer.Option("Civilian harm: lessons", "--title"),
) -> None:
    """Export lessons as a training pack with their anonymised cases (codes only, no names).

    Example: civharm lessons export --output pack.pdf --lesson LL-2026-000001
    """
    with app_context(ctx).session() as session:
        lessons = (
            [service.get_lesson(session, code=c) for c in code] if code else service.list_lessons(session)
        )
        export_training_pack(session, lessons=lessons, path=output, today=date.today(), title=title)
    typer.echo(f"{len(lessons)} lesson(s) written to {output}")


@report_cli.command("monthly")
def monthly_command(
    ctx: typer.Context,
    month: str = typer.Option(..., "--month", help="YYYY-MM"),
    output: Path = typer.Option(..., "--output", help="report.html or report.pdf"),
) -> None:
    """The monthly civilian-harm report: charts, map, assessments, overdue work, patterns, lessons.

    Example: civharm report monthly --month 2026-03 --output march.pdf
    """
    with app_context(ctx).session() as session:
        report = write_monthly_report(session, month=month, path=output)
    typer.echo(f"{month}: {report.incidents} incident(s); report written to {output}")
