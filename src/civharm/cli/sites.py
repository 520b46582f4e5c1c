"""``civharm screen`` and ``civharm sites import|list|population|screen``: the protected-objects register."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from civharm.cli.context import app_context
from civharm.errors import ValidationError
from civharm.security.principal import SYSTEM
from civharm.sites.categories import SiteCategory
from civharm.sites.hits import screen_files, write_hits, write_ratings
from civharm.sites.imports import read_points_csv, read_sites
from civharm.sites.population import read_population
from civharm.sites.schemas import MAX_RADIUS_KM, SitePublic
from civharm.sites.screening import point_area, screen_area, screen_points
from civharm.sites.service import import_sites, list_sites, load_population, sites_geojson

app = typer.Typer(help="The register of protected and critical civilian objects.", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.command("screen")(screen)
    root.add_typer(app, name="sites")


def _date(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{option} must be a date as YYYY-MM-DD, got {text!r}") from None


def screen(
    ctx: typer.Context,
    points: Path = typer.Option(
        ..., "--points", help="CSV of planned points: point_id, latitude, longitude."
    ),
    radius_km: float = typer.Option(
        ..., "--radius-km", min=0, max=MAX_RADIUS_KM, help="How far to look, in km."
    ),
    output: Path = typer.Option(..., "--output", help="CSV to write: point_id, site_id, distance_km."),
    sites: Path | None = typer.Option(
        None,
        "--sites",
        help="CSV of sites (site_id, name, category, latitude, longitude); default: the register.",
    ),
    ratings: Path | None = typer.Option(
        None,
        "--ratings",
        help="Also write one row per point with its risk rating and reasons (register only).",
    ),
    date_from: str | None = typer.Option(None, "--from", help="Past incidents on or after YYYY-MM-DD."),
    date_to: str | None = typer.Option(None, "--to", help="Past incidents on or before YYYY-MM-DD."),
) -> None:
    """Screen planned points: one output row per (point, site) pair within the radius.

    With --sites the two files are compared and no database is needed; without it the
    points are screened against the register, and --ratings adds past incidents, people
    exposed and a risk rating per point.

    Example: civharm screen --sites sites.csv --points points.csv --radius-km 2 --output hits.csv
    """
    planned = read_points_csv(points)
    if sites is not None:
        if ratings is not None:
            raise ValidationError("--ratings needs the register; leave out --sites")
        register_file = read_sites(sites)
        pairs = screen_files(register_file, planned, radius_km=radius_km)
        refs = [register_file.records[k].ref for k in pairs.site.tolist()]
        count = write_hits(output, point_ids=planned.ids, site_refs=refs, pairs=pairs)
        typer.echo(
            f"{len(planned.ids):,} points, {len(register_file.records):,} sites: {count:,} pairs -> {output}"
        )
        return
    with app_context(ctx).session() as session:
        batch = screen_points(
            session,
            principal=SYSTEM,
            point_ids=planned.ids,
            latitude=planned.latitude,
            longitude=planned.longitude,
            radius_km=radius_km,
            date_from=_date(date_from, "--from"),
            date_to=_date(date_to, "--to"),
        )
    count = write_hits(output, point_ids=planned.ids, site_refs=batch.site_refs, pairs=batch.pairs)
    if ratings is not None:
        write_ratings(ratings, batch.points)
    typer.echo(f"{len(planned.ids):,} points against the register: {count:,} pairs -> {output}")


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A CSV, GeoJSON or OpenStreetMap (Overpass JSON) file."),
    fmt: str | None = typer.Option(None, "--format", help="csv, geojson or osm (default: from the suffix)."),
    source: str | None = typer.Option(None, "--source", help="Source to record when rows give none."),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Add sites to the register; a site whose id is already there is replaced. All or nothing.

    Example: civharm sites import hospitals.geojson --source "Ministry of Health list, 2026"
    """
    found = read_sites(file, fmt=fmt, source=source)
    with app_context(ctx).session() as session:
        result = import_sites(session, sites=found, actor=SYSTEM.username)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    typer.echo(
        f"{result.file}: {result.new:,} new sites, {result.updated:,} updated, "
        f"{result.skipped:,} entries skipped (not a protected object)"
    )


@app.command("list")
def list_command(
    ctx: typer.Context,
    category: list[SiteCategory] = typer.Option([], "--category", help="Only these categories (repeatable)."),
    text: str | None = typer.Option(None, "--search", help="Words in the name or id."),
    limit: int = typer.Option(50, min=1, max=100_000),
    offset: int = typer.Option(0, min=0),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    geojson: bool = typer.Option(False, "--geojson", help="Print a GeoJSON FeatureCollection."),
) -> None:
    """List the register, by category and name.

    Example: civharm sites list --category medical --category water_sanitation
    """
    with app_context(ctx).session() as session:
        rows, total = list_sites(session, categories=tuple(category), text=text, limit=limit, offset=offset)
        if geojson:
            typer.echo(json.dumps(sites_geojson(rows), ensure_ascii=False))
            return
        items = [SitePublic.model_validate(r).model_dump(mode="json") for r in rows]
    if as_json:
        typer.echo(json.dumps({"total": total, "items": items}, indent=2, ensure_ascii=False))
        return
    for item in items:
        where = f"{item['latitude']:>9.4f} {item['longitude']:>9.4f}"
        typer.echo(f"{item['ref']:<24} {item['category']:<18} {where}  {item['name']}")
    typer.echo(f"{len(items)} of {total} sites")


@app.command("population")
def population_command(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="A GeoTIFF in EPSG:4326, or a CSV: latitude, longitude, population."
    ),
    name: str | None = typer.Option(None, "--name", help="Name of the grid (default: the file name)."),
    replace: bool = typer.Option(False, "--replace", help="Reload a grid of the same name."),
) -> None:
    """Load a population grid; screening then reports the people exposed.

    Example: civharm sites population syr_ppp_2020.tif --name "WorldPop 2020"
    """
    cells = read_population(file)
    with app_context(ctx).session() as session:
        grid = load_population(
            session,
            name=name or file.name,
            cells=cells,
            source=str(file),
            actor=SYSTEM.username,
            replace=replace,
        )
        typer.echo(f"{grid.name}: {grid.cells:,} populated cells, {grid.total_population:,.0f} people")


@app.command("screen")
def screen_one(
    ctx: typer.Context,
    latitude: float | None = typer.Option(None, "--lat", min=-90, max=90, help="Planned point, latitude."),
    longitude: float | None = typer.Option(
        None, "--lon", min=-180, max=180, help="Planned point, longitude."
    ),
    area: Path | None = typer.Option(
        None, "--area", help="A GeoJSON file with the planned area (a Polygon)."
    ),
    radius_km: float = typer.Option(
        ..., "--radius-km", min=0, max=MAX_RADIUS_KM, help="How far to look, in km."
    ),
    date_from: str | None = typer.Option(None, "--from", help="Past incidents on or after YYYY-MM-DD."),
    date_to: str | None = typer.Option(None, "--to", help="Past incidents on or before YYYY-MM-DD."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Screen one planned point or area: objects, past incidents, people exposed and a risk rating.

    Example: civharm sites screen --lat 35.02 --lon 40.45 --radius-km 5 --from 2026-01-01
    """
    geometry = _planned_geometry(latitude, longitude, area)
    with app_context(ctx).session() as session:
        result = screen_area(
            session,
            principal=SYSTEM,
            geometry=geometry,
            radius_km=radius_km,
            date_from=_date(date_from, "--from"),
            date_to=_date(date_to, "--to"),
        )
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    typer.echo(f"risk: {result.risk.level.value} ({result.risk.score:.1f} of 10)")
    for reason in result.risk.reasons:
        typer.echo(f"  - {reason}")
    typer.echo(f"{len(result.sites)} protected object(s) within {radius_km:g} km:")
    for hit in result.sites:
        typer.echo(f"  {hit.distance_km:>8.3f} km  {hit.category.value:<18} {hit.name}  [{hit.ref}]")
    typer.echo(f"{len(result.incidents)} past incident(s): {result.incident_topics or 'none'}")
    for incident in result.incidents[:20]:
        typer.echo(
            f"  {incident.distance_km:>8.3f} km  {incident.code}  {incident.date_start}  {incident.title}"
        )


def _planned_geometry(
    latitude: float | None, longitude: float | None, area: Path | None
) -> dict[str, object]:
    if area is not None:
        try:
            data = json.loads(area.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValidationError(f"{area}: cannot read a GeoJSON geometry: {exc}") from None
        if data.get("type") == "FeatureCollection":
            data = data["features"][0]
        geometry = data.get("geometry", data)
        if not isinstance(geometry, dict):
            raise ValidationError(f"{area}: holds no GeoJSON geometry")
        return geometry
    if latitude is None or longitude is None:
        raise ValidationError("give --lat and --lon, or --area")
    return point_area(latitude, longitude)
