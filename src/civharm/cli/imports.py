"""``civharm import ...``: bring source files into the store."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from civharm.cli.context import app_context
from civharm.ingest.acled import AcledExport
from civharm.ingest.pipeline import ImportResult, SourceFormat, import_csv
from civharm.ingest.ucdp import UcdpGed
from civharm.vocabulary import Reliability

app = typer.Typer(help="Import source files into the store.", no_args_is_help=True)

SKIP_HELP = "Import the valid rows and write the refused ones, with reasons, to a rejects file."
REJECTS_HELP = "Where to write refused rows (default: FILE.rejects.csv)."
RELIABILITY_HELP = "HURIDOCS reliability to record for this source."


def _run_import(
    ctx: typer.Context,
    path: Path,
    fmt: SourceFormat,
    *,
    skip_invalid: bool,
    rejects: Path | None,
    as_json: bool,
) -> None:
    engine = app_context(ctx).ready_engine()
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True, disable=as_json) as progress:
        task = progress.add_task(
            f"importing {path.name}", total=path.stat().st_size if path.is_file() else None
        )
        result = import_csv(
            engine,
            path,
            fmt,
            skip_invalid=skip_invalid,
            rejects_path=rejects,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    _print_result(result, as_json)


def _print_result(result: ImportResult, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    typer.echo(
        f"{result.file}: {result.rows_read:,} rows read, {result.inserted:,} new reports, "
        f"{result.unchanged:,} already in the store, {result.rejected:,} refused"
    )
    if result.warning_count:
        typer.echo(f"{result.warning_count:,} warning(s):")
        for warning in result.warnings[:20]:
            typer.echo(f"  {warning}")
        if result.warning_count > 20:
            typer.echo(f"  ... and {result.warning_count - 20:,} more (kept with the import run)")
    if result.rejects_file:
        typer.echo(f"refused rows and reasons written to {result.rejects_file}")


@app.command("ucdp")
def import_ucdp(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A UCDP GED CSV file."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help=SKIP_HELP),
    rejects: Path | None = typer.Option(None, "--rejects", help=REJECTS_HELP),
    reliability: Reliability = typer.Option(Reliability.UNKNOWN, help=RELIABILITY_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Import a UCDP Georeferenced Event Dataset CSV; one report per event.

    Example: civharm import ucdp GEDEvent_v19_1.csv --skip-invalid
    """
    fmt = UcdpGed(reliability=reliability)
    _run_import(ctx, file, fmt, skip_invalid=skip_invalid, rejects=rejects, as_json=as_json)


@app.command("acled")
def import_acled(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="An ACLED export CSV file."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help=SKIP_HELP),
    rejects: Path | None = typer.Option(None, "--rejects", help=REJECTS_HELP),
    reliability: Reliability = typer.Option(Reliability.UNKNOWN, help=RELIABILITY_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Import an ACLED export CSV; one report per event.

    Example: civharm import acled 2022-01-01-2022-03-31.csv
    """
    fmt = AcledExport(reliability=reliability)
    _run_import(ctx, file, fmt, skip_invalid=skip_invalid, rejects=rejects, as_json=as_json)
