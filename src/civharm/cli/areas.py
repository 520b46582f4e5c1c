"""``civharm areas ...``: assess areas, follow trends of harm and forecast it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from civharm.areas.framework import Framework, default_framework_path, load_framework
from civharm.areas.grids import Grid, grid_for
from civharm.cli.context import app_context
from civharm.errors import ValidationError

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(
    help="Assess areas (human-security index), follow trends and forecast harm.", no_args_is_help=True
)

METRIC_COLUMNS = ["model", "horizon", "mse", "msle"]
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
    from civharm.areas.indicators import read_indicators

    framework = load_framework(framework_path)
    message = f"framework ok: {len(framework.nodes)} nodes, {len(framework.used_indicators())} indicators"
    if indicators is not None:
        frame = read_indicators(indicators, framework)
        message += f"; {indicators}: {len(frame)} values for {frame['area_id'].nunique()} areas"
    typer.echo(message)


@app.command("score")
def score_command(
    ctx: typer.Context,
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
    save: str | None = typer.Option(
        None, "--save", help="Also store the values and scores under this name (areas must be stored)."
    ),
    kind: str = typer.Option("admin", "--kind", help="With --save: admin, priogrid or h3 areas."),
) -> None:
    """Score every area on every node of the framework (0-10, five classes).

    Each area's latest year of each indicator is used. A coverage table of what is missing
    is printed.

    Example: civharm areas score --framework F.yaml --indicators I.csv --output scores.csv
    """
    from civharm.areas.assessment import coverage, score_frame, write_scores
    from civharm.areas.indicators import latest_values, read_indicators
    from civharm.areas.scoring import score_units
    from civharm.areas.service import save_indicator_values, save_scores

    framework = load_framework(framework_path)
    frame = read_indicators(indicators, framework)
    latest = latest_values(frame, framework, as_of=as_of, max_age=max_age)
    result = score_units(framework, latest.values, workers=2)
    scores = score_frame(framework, latest, result)
    write_scores(scores, output)
    if save:
        with app_context(ctx).session() as session:
            save_indicator_values(session, frame=frame, kind=kind, source=indicators.name)
            save_scores(session, framework=save, scores=scores, kind=kind)
        typer.echo(f"stored the scores as {save!r}")
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
    from civharm.areas.assessment import sensitivity
    from civharm.areas.indicators import latest_values, read_indicators

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


def _events(ctx: typer.Context, source: str, max_where_prec: int) -> pd.DataFrame:
    """Events from a UCDP GED or ACLED file, or from the store's incidents (``store``)."""
    from civharm.areas.events import read_events, store_events

    if source == "store":
        with app_context(ctx).session() as session:
            return store_events(session)
    return read_events(Path(source), max_where_prec=max_where_prec)


def _month(text: str, option: str) -> int:
    from civharm.areas.events import parse_month

    try:
        return parse_month(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


@app.command("forecast")
def forecast_command(
    ctx: typer.Context,
    events: str = typer.Option(
        ..., "--events", help="UCDP GED or ACLED CSV, or 'store' for the store's incidents."
    ),
    train_until: str = typer.Option(
        ..., "--train-until", help="Last month the models may learn from (YYYY-MM)."
    ),
    output: Path = typer.Option(..., "--output", help="Metrics CSV: model, horizon, mse, msle."),
    predictions: Path = typer.Option(
        ..., "--predictions", help="CSV: area_id, month, horizon, model, predicted."
    ),
    unit: str = typer.Option("priogrid", "--unit", help="priogrid or h3."),
    resolution: int = typer.Option(5, "--resolution", min=0, max=15, help="H3 resolution (with --unit h3)."),
    horizon: int = typer.Option(6, "--horizon", min=1, max=12, help="Months ahead."),
    last_origin: str | None = typer.Option(
        None, "--last-origin", help="Rolling origins: refit at every month from --train-until to this one."
    ),
    max_where_prec: int = typer.Option(
        5, "--max-where-prec", min=1, max=7, help="UCDP: leave out vaguer places."
    ),
    save: str | None = typer.Option(None, "--save", help="Also store the forecasts under this run name."),
) -> None:
    """Forecast civilian deaths per area-month 1..N months ahead and score the models.

    The civharm model (gradient boosting on lagged, rolling and neighbouring deaths) is
    scored with MSE and MSLE against three baselines: last value, mean of the last 12
    months, zero. Every cell of the study area counts, with zeros where nothing happened.

    Example: civharm areas forecast --events ged.csv --unit priogrid --train-until 2017-06 --horizon 6
    --output metrics.csv --predictions predictions.csv
    """
    from civharm.areas.forecast import build_panel, rolling_forecast
    from civharm.areas.service import save_forecasts

    first = _month(train_until, "--train-until")
    last = _month(last_origin, "--last-origin") if last_origin else first
    grid = _grid(unit, resolution)
    frame = _events(ctx, events, max_where_prec)
    if frame.empty:
        raise typer.BadParameter("there are no events to learn from", param_hint="--events")
    # The panel ends with the data: months after the last event are unknown, not quiet.
    panel = build_panel(frame, grid)
    try:
        result = rolling_forecast(panel, first_origin=first, last_origin=last, horizon=horizon)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    result.metrics.to_csv(output, index=False, columns=METRIC_COLUMNS, float_format="%.6f")
    result.predictions.to_csv(predictions, index=False, float_format="%.4f")
    table = Table(
        title=f"{len(panel.cells)} cells x {len(panel.months)} months; scored cell-months per row: n"
    )
    for column in ("model", "horizon", "mse", "msle", "n"):
        table.add_column(column, justify="right" if column != "model" else "left")
    for row in result.metrics.itertuples():
        table.add_row(str(row.model), str(row.horizon), f"{row.mse:.2f}", f"{row.msle:.4f}", str(row.n))
    Console().print(table)
    if result.metrics.empty:
        typer.echo("no forecast month is in the data yet, so nothing was scored")
    if save:
        with app_context(ctx).session() as session:
            count = save_forecasts(session, run=save, predictions=result.predictions, grid=grid)
        typer.echo(f"stored {count} forecasts as run {save!r}")
    typer.echo(f"wrote {output} and {predictions}")


def _grid(unit: str, resolution: int) -> Grid:
    try:
        return grid_for(unit, resolution)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--unit") from None


@app.command("trends")
def trends_command(
    ctx: typer.Context,
    events: str = typer.Option(
        ..., "--events", help="UCDP GED or ACLED CSV, or 'store' for the store's incidents."
    ),
    output: Path = typer.Option(..., "--output", help="CSV per area, month and topic."),
    unit: str = typer.Option("priogrid", "--unit", help="priogrid, h3 or admin (stored units)."),
    resolution: int = typer.Option(5, "--resolution", min=0, max=15, help="H3 resolution (with --unit h3)."),
    level: int | None = typer.Option(None, "--level", help="Admin level (with --unit admin)."),
    summary: Path | None = typer.Option(
        None, "--summary", help="Also write, per area and topic, the recent trend."
    ),
    window: int = typer.Option(6, "--window", min=2, max=24, help="Months compared in the summary."),
    max_where_prec: int = typer.Option(
        5, "--max-where-prec", min=1, max=7, help="UCDP: leave out vaguer places."
    ),
) -> None:
    """Harm per area and month by topic (events, civilian deaths, all deaths), and where it is rising.

    Example: civharm areas trends --events ged.csv --unit priogrid --output trends.csv --summary rising.csv
    """
    from civharm.areas.queries import admin_locator
    from civharm.areas.trends import monthly_harm, trend_summary

    frame = _events(ctx, events, max_where_prec)
    if unit == "admin":
        with app_context(ctx).session() as session:
            locate = admin_locator(session, level=level)
    else:
        locate = _grid(unit, resolution).cells_of
    monthly = monthly_harm(frame, locate)
    monthly.to_csv(output, index=False)
    typer.echo(f"wrote {output}: {monthly['area_id'].nunique()} areas, {len(monthly)} area-month-topic rows")
    if summary is not None:
        trend = trend_summary(monthly, window=window)
        trend.to_csv(summary, index=False, float_format="%.4f")
        rising = trend[(trend["direction"] == "rising") & (trend["topic"] == "all")]
        typer.echo(f"wrote {summary}: {len(rising)} areas where civilian deaths are rising")


@app.command("import")
def import_command(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="GeoJSON FeatureCollection of Polygon/MultiPolygon features."),
    code_property: str = typer.Option(
        ..., "--code-property", help="Feature property holding the area's code."
    ),
    name_property: str | None = typer.Option(None, "--name-property", help="Property holding its name."),
    parent_property: str | None = typer.Option(
        None, "--parent-property", help="Property holding the parent's code."
    ),
    level: int = typer.Option(1, "--level", min=0, max=6, help="Administrative level of these units."),
) -> None:
    """Import administrative units from GeoJSON, with their codes; re-importing updates them.

    Example: civharm areas import adm2.geojson --code-property ADM2_PCODE --name-property ADM2_EN --level 2
    """
    from civharm.areas.geometry import read_geojson_areas
    from civharm.areas.service import import_areas

    features = read_geojson_areas(
        path, code_property=code_property, name_property=name_property, parent_property=parent_property
    )
    with app_context(ctx).session() as session:
        result = import_areas(session, features=features, level=level, source=path.name)
    typer.echo(f"{path}: {result.created} areas added, {result.updated} updated")


@app.command("assign")
def assign_command(
    ctx: typer.Context,
    unit: str = typer.Option("admin", "--unit", help="admin, priogrid or h3."),
    level: int | None = typer.Option(None, "--level", help="Admin level (with --unit admin)."),
    resolution: int = typer.Option(5, "--resolution", min=0, max=15, help="H3 resolution (with --unit h3)."),
    reports: list[str] = typer.Option(
        [], "--reports", help="Also place reports of this source system (repeatable), e.g. ucdp-ged, acled."
    ),
    events: Path | None = typer.Option(
        None, "--events", help="Instead, place the events of a UCDP GED or ACLED file (needs --output)."
    ),
    output: Path | None = typer.Option(None, "--output", help="With --events: CSV of event_id, area_id, ..."),
) -> None:
    """Place the store's incidents (and context reports), or the events of a file, in areas.

    Example: civharm areas assign --unit priogrid --reports ucdp-ged --reports acled
    """
    from civharm.areas.service import assign_records

    grid = None if unit == "admin" else _grid(unit, resolution)
    if events is not None:
        if output is None:
            raise typer.BadParameter(
                "give --output for the assignments of a file's events", param_hint="--output"
            )
        _assign_file(ctx, events, output, grid, level)
        return
    with app_context(ctx).session() as session:
        result = assign_records(session, kind=unit, grid=grid, level=level, report_sources=reports)
    typer.echo(
        f"assigned {result.incidents} incidents and {result.reports} reports to {unit} areas; "
        f"{result.without_coordinates} without coordinates, {result.outside} outside every area"
    )


def _assign_file(
    ctx: typer.Context, events: Path, output: Path, grid: Grid | None, level: int | None
) -> None:
    from civharm.areas.events import read_events
    from civharm.areas.queries import admin_locator

    frame = read_events(events, max_where_prec=7)
    if grid is None:
        with app_context(ctx).session() as session:
            locate = admin_locator(session, level=level)
    else:
        locate = grid.cells_of
    frame.insert(1, "area_id", list(locate(frame["latitude"].to_numpy(), frame["longitude"].to_numpy())))
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    frame.to_csv(output, index=False)
    placed = int(frame["area_id"].notna().sum())
    typer.echo(f"wrote {output}: {placed} of {len(frame)} events placed in an area")
