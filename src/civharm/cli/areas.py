"""``civharm areas ...``: assess areas, follow trends of harm and forecast it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from civharm.areas.assessment import coverage, score_frame, sensitivity, write_scores
from civharm.areas.framework import Framework, default_framework_path, load_framework
from civharm.areas.indicators import latest_values, read_indicators
from civharm.areas.scoring import score_units

app = typer.Typer(
    help="Assess areas (human-security index), follow trends and forecast harm.", no_args_is_help=True
)

FRAMEWORK_HELP = "Framework file (YAML); default: civharm's human-security framework."


@app.command("framework")
def framework_command(
    output: Path | None = typer.Option(None, "--output", help="Write a copy of the default framework here."),
) -> None:
    """Show the default framework's tree, or copy it to start your own.

    Example: civharm areas framework --output my-framework.yaml
    """
    path = default_framework_path()
    if output is not None:
        output.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        typer.echo(f"wrote {output}")
        return
    framework = load_framework(path)
    typer.echo(f"{framework.name}\n{path}")
    for name, depth in _tree(framework.root, framework, 0):
        spec = framework.indicators.get(name)
        detail = (
            f"  [{spec.transform.value}, {'higher is worse' if spec.higher_is_worse else 'higher is better'}]"
            if spec
            else ""
        )
        typer.echo(f"{'  ' * depth}{name}{detail}")


def _tree(name: str, framework: Framework, depth: int) -> list[tuple[str, int]]:
    out = [(name, depth)]
    if name in framework.nodes:
        for child, _ in framework.nodes[name].children:
            out.extend(_tree(child, framework, depth + 1))
    return out


@app.command("validate")
def validate_command(
    framework_path: Path | None = typer.Option(None, "--framework", help=FRAMEWORK_HELP),
    indicators: Path | None = typer.Option(None, "--indicators", help="Also check this indicator CSV."),
) -> None:
    """Check a framework file (and an indicator CSV against it); every problem is listed.

    Example: civharm areas validate --framework my-framework.yaml --indicators indicators.csv
    """
    framework = load_framework(framework_path)
    message = f"framework ok: {len(framework.nodes)} nodes, {len(framework.used_indicators())} indicators"
    if indicators is not None:
        frame = read_indicators(indicators, framework)
        message += f"; {indicators}: {len(frame)} values for {frame['area_id'].nunique()} areas"
    typer.echo(message)


@app.command("score")
def score_command(
    indicators: Path = typer.Option(..., "--indicators", help="CSV: area_id, indicator, value, year."),
    output: Path = typer.Option(
        ..., "--output", help="Scores CSV: area_id, node, score, class, missing_share."
    ),
    framework_path: Path | None = typer.Option(None, "--framework", help=FRAMEWORK_HELP),
    coverage_path: Path | None = typer.Option(
        None,
        "--coverage",
        help="Also write, per area, which indicators are missing and which nodes have no score.",
    ),
    as_of: int | None = typer.Option(None, "--as-of", help="Use no value after this year."),
    max_age: int | None = typer.Option(
        None, "--max-age", min=0, help="Ignore values older than this many years."
    ),
) -> None:
    """Score every area on every node of the framework (0-10, five classes).

    Each area's latest year of each indicator is used. A coverage table of what is missing
    is printed.

    Example: civharm areas score --framework F.yaml --indicators I.csv --output scores.csv
    """
    framework = load_framework(framework_path)
    frame = read_indicators(indicators, framework)
    latest = latest_values(frame, framework, as_of=as_of, max_age=max_age)
    result = score_units(framework, latest.values)
    write_scores(score_frame(framework, latest, result), output)
    covered = coverage(framework, latest, result)
    if coverage_path is not None:
        covered.by_area.to_csv(coverage_path, index=False)
    console = Console()
    table = Table(title=f"Coverage of {len(latest.areas)} areas")
    for column in ("indicator", "areas with a value", "missing share", "years used"):
        table.add_column(column)
    for row in covered.by_indicator.itertuples():
        years = "" if row.oldest_year is None else f"{row.oldest_year!s}-{row.newest_year!s}"
        table.add_row(str(row.indicator), str(row.areas_with_value), f"{row.missing_share:.0%}", years)
    console.print(table)
    root = result.scores[framework.root]
    scored = int((root == root).sum())
    typer.echo(f"wrote {output}: {len(latest.areas)} areas, {scored} with a {framework.root} score")
    for name in result.flat_indicators:
        typer.echo(f"note: every area has the same {name}; it cannot rank them and scores 5 everywhere")


@app.command("sensitivity")
def sensitivity_command(
    indicators: Path = typer.Option(..., "--indicators", help="CSV: area_id, indicator, value, year."),
    output: Path = typer.Option(..., "--output", help="Per area: rank, best and worst rank, largest move."),
    framework_path: Path | None = typer.Option(None, "--framework", help=FRAMEWORK_HELP),
    moves: Path | None = typer.Option(
        None, "--moves", help="Also write every area's rank under every variant."
    ),
    node: str | None = typer.Option(None, "--node", help="Rank on this node (default: the root)."),
    as_of: int | None = typer.Option(None, "--as-of", help="Use no value after this year."),
) -> None:
    """How each area's rank moves when weights, aggregations or transforms change.

    One change at a time: each inner node with the other mean, each weight halved and
    doubled, each indicator with the other transform, and all weights equal.

    Example: civharm areas sensitivity --indicators I.csv --output sensitivity.csv --moves moves.csv
    """
    framework = load_framework(framework_path)
    latest = latest_values(read_indicators(indicators, framework), framework, as_of=as_of)
    if node is not None and node not in framework.nodes and node not in framework.indicators:
        raise typer.BadParameter(f"{node!r} is not a node of the framework", param_hint="--node")
    result = sensitivity(framework, latest, node=node)
    result.summary.to_csv(output, index=False, float_format="%.4f")
    if moves is not None:
        result.moves.to_csv(moves, index=False, float_format="%.4f")
    unstable = result.summary[(result.summary["worst_rank"] - result.summary["best_rank"]) > 0]
    typer.echo(
        f"wrote {output}: {len(result.summary)} areas; {len(unstable)} change rank under at least one variant"
    )
