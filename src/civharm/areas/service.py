"""Areas in the store: import, grid cells, assignment of incidents and reports, saved scores and forecasts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Select, delete, insert, select, update
from sqlalchemy.orm import Session

from civharm.areas.geometry import AreaFeature, PolygonIndex
from civharm.areas.grids import Grid
from civharm.areas.models import Area, AreaAssignment, AreaForecast, AreaScore, IndicatorValue
from civharm.db.base import utcnow
from civharm.errors import NotFoundError, ValidationError
from civharm.incidents.models import Incident
from civharm.reports.models import Report

ADMIN = "admin"
KINDS = (ADMIN, "priogrid", "h3")


@dataclass
class AreaImport:
    created: int = 0
    updated: int = 0


def import_areas(session: Session, *, features: Sequence[AreaFeature], level: int, source: str) -> AreaImport:
    """Add administrative units, or update the ones whose code is already stored (same kind)."""
    existing = {a.code: a for a in session.scalars(select(Area).where(Area.kind == ADMIN))}
    result = AreaImport()
    for feature in features:
        min_lon, min_lat, max_lon, max_lat = feature.bbox
        lat, lon = feature.centroid
        values: dict[str, Any] = {
            "name": feature.name,
            "level": level,
            "parent_code": feature.parent_code,
            "geometry": feature.geometry,
            "min_lon": min_lon,
            "min_lat": min_lat,
            "max_lon": max_lon,
            "max_lat": max_lat,
            "centroid_lat": lat,
            "centroid_lon": lon,
            "properties": feature.properties,
            "source": source,
        }
        area = existing.get(feature.code)
        if area is None:
            session.add(Area(kind=ADMIN, code=feature.code, **values))
            result.created += 1
        else:
            for key, value in values.items():
                setattr(area, key, value)
            result.updated += 1
    session.flush()
    return result


def ensure_grid_areas(
    session: Session, *, grid: Grid, cells: Iterable[str], source: str = "grid"
) -> dict[str, int]:
    """The ids of these grid cells as areas, creating the cells not stored yet."""
    wanted = list(dict.fromkeys(str(c) for c in cells))
    known = area_ids(session, kind=grid.kind, codes=wanted)
    missing = [c for c in wanted if c not in known]
    rows = []
    for cell in missing:
        polygon = grid.polygon(cell)
        ring = polygon["coordinates"][0]
        lat, lon = grid.centroid(cell)
        rows.append(
            {
                "kind": grid.kind,
                "code": cell,
                "name": f"{grid.kind} {cell}",
                "level": grid.level,
                "parent_code": None,
                "geometry": polygon,
                "min_lon": min(p[0] for p in ring),
                "min_lat": min(p[1] for p in ring),
                "max_lon": max(p[0] for p in ring),
                "max_lat": max(p[1] for p in ring),
                "centroid_lat": lat,
                "centroid_lon": lon,
                "properties": {},
                "source": source,
                "created_at": utcnow(),
            }
        )
    for start in range(0, len(rows), 5000):
        session.execute(insert(Area), rows[start : start + 5000])
    return {**known, **area_ids(session, kind=grid.kind, codes=missing)} if missing else known


def area_ids(session: Session, *, kind: str, codes: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(codes), 900):  # stay under SQLite's limit on bound parameters
        chunk = list(codes[start : start + 900])
        query = select(Area.code, Area.id).where(Area.kind == kind, Area.code.in_(chunk))
        found.update(session.execute(query).tuples().all())
    return found


@dataclass
class Assignment:
    incidents: int = 0
    reports: int = 0
    #: Records without coordinates, which cannot be placed.
    without_coordinates: int = 0
    #: Records with coordinates outside every area of the kind (admin units only).
    outside: int = 0


def assign_records(
    session: Session,
    *,
    kind: str,
    grid: Grid | None = None,
    level: int | None = None,
    incidents: Select[tuple[Incident]] | None = None,
    report_sources: Sequence[str] = (),
) -> Assignment:
    """Place incidents (and reports from ``report_sources``, e.g. ``ucdp-ged``) in areas by their coordinates.

    ``kind`` is ``admin`` (point in polygon over the stored units, optionally one ``level``)
    or a grid (``grid`` given: its cells are created as needed). Earlier assignments of the
    same records to areas of that kind are replaced.
    """
    result = Assignment()
    incident_query = incidents if incidents is not None else select(Incident)
    incident_rows = [(i.id, i.latitude, i.longitude) for i in session.scalars(incident_query)]
    report_rows: list[tuple[int, float | None, float | None]] = []
    if report_sources:
        query = select(Report.id, Report.latitude, Report.longitude)
        report_rows = [
            tuple(r) for r in session.execute(query.where(Report.source_system.in_(report_sources)))
        ]
    kind_areas = select(Area.id).where(Area.kind == kind)
    if level is not None:
        kind_areas = kind_areas.where(Area.level == level)
    for column, rows in (
        (AreaAssignment.incident_id, incident_rows),
        (AreaAssignment.report_id, report_rows),
    ):
        placed = [
            (id_, float(lat), float(lon)) for id_, lat, lon in rows if lat is not None and lon is not None
        ]
        result.without_coordinates += len(rows) - len(placed)
        ids = [id_ for id_, _, _ in placed]
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            session.execute(
                delete(AreaAssignment).where(column.in_(chunk), AreaAssignment.area_id.in_(kind_areas))
            )
        targets = _locate(session, kind=kind, grid=grid, level=level, points=placed)
        result.outside += sum(1 for t in targets if t is None)
        now = utcnow()
        values = [
            {"area_id": area, column.key: id_, "assigned_at": now}
            for (id_, _, _), area in zip(placed, targets, strict=True)
            if area is not None
        ]
        for start in range(0, len(values), 5000):
            session.execute(insert(AreaAssignment), values[start : start + 5000])
        if column is AreaAssignment.incident_id:
            result.incidents = len(values)
        else:
            result.reports = len(values)
    return result


def _locate(
    session: Session,
    *,
    kind: str,
    grid: Grid | None,
    level: int | None,
    points: Sequence[tuple[int, float, float]],
) -> list[int | None]:
    lats = [p[1] for p in points]
    lons = [p[2] for p in points]
    if not points:
        return []
    if grid is not None:
        cells = grid.cells_of(lats, lons)
        ids = ensure_grid_areas(session, grid=grid, cells=cells)
        return [ids[c] for c in cells]
    query = select(Area.id, Area.code, Area.geometry).where(Area.kind == kind)
    if level is not None:
        query = query.where(Area.level == level)
    stored = list(session.execute(query))
    if not stored:
        raise NotFoundError(
            f"no {kind} areas are stored" + (f" at level {level}" if level is not None else "")
        )
    index = PolygonIndex([str(a.id) for a in stored], [a.geometry for a in stored])
    return [int(code) if code is not None else None for code in index.locate(lats, lons)]


def _codes_to_ids(session: Session, *, kind: str, codes: Sequence[str]) -> dict[str, int]:
    unique = list(dict.fromkeys(codes))
    ids = area_ids(session, kind=kind, codes=unique)
    unknown = [c for c in unique if c not in ids]
    if unknown:
        shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
        raise ValidationError(f"{len(unknown)} area code(s) are not stored as {kind} areas: {shown}")
    return ids


def save_indicator_values(session: Session, *, frame: pd.DataFrame, kind: str, source: str) -> int:
    """Store long-format values (``area_id`` holds area codes), replacing the indicators' old values."""
    ids = _codes_to_ids(session, kind=kind, codes=frame["area_id"].astype(str).tolist())
    rows = [
        {
            "area_id": ids[str(code)],
            "indicator": indicator,
            "year": int(year),
            "value": float(value),
            "source": source,
        }
        for code, indicator, value, year in frame[["area_id", "indicator", "value", "year"]].itertuples(
            index=False
        )
    ]
    area_list = sorted({r["area_id"] for r in rows})
    indicators = sorted({r["indicator"] for r in rows})
    for start in range(0, len(area_list), 900):
        session.execute(
            delete(IndicatorValue).where(
                IndicatorValue.area_id.in_(area_list[start : start + 900]),
                IndicatorValue.indicator.in_(indicators),
            )
        )
    for start in range(0, len(rows), 5000):
        session.execute(insert(IndicatorValue), rows[start : start + 5000])
    return len(rows)


def save_scores(session: Session, *, framework: str, scores: pd.DataFrame, kind: str) -> int:
    """Store a score table (``area_id, node, score, class, missing_share``), replacing older ones."""
    ids = _codes_to_ids(session, kind=kind, codes=scores["area_id"].astype(str).tolist())
    area_list = sorted(set(ids.values()))
    for start in range(0, len(area_list), 900):
        chunk = area_list[start : start + 900]
        session.execute(
            delete(AreaScore).where(AreaScore.framework == framework, AreaScore.area_id.in_(chunk))
        )
    now = utcnow()
    rows = [
        {
            "area_id": ids[str(code)],
            "framework": framework,
            "node": node,
            "score": None if pd.isna(score) else float(score),
            "score_class": str(label or ""),
            "missing_share": float(missing),
            "computed_at": now,
        }
        for code, node, score, label, missing in scores[
            ["area_id", "node", "score", "class", "missing_share"]
        ].itertuples(index=False)
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(AreaScore), rows[start : start + 5000])
    return len(rows)


def save_forecasts(session: Session, *, run: str, predictions: pd.DataFrame, grid: Grid) -> int:
    """Store forecasts (``area_id, month, horizon, model, predicted``) under ``run``, replacing that run."""
    ids = ensure_grid_areas(session, grid=grid, cells=predictions["area_id"].astype(str).tolist())
    session.execute(delete(AreaForecast).where(AreaForecast.run == run))
    now = utcnow()
    rows = [
        {
            "area_id": ids[str(code)],
            "run": run,
            "month": month,
            "horizon": int(horizon),
            "model": model,
            "predicted": float(predicted),
            "created_at": now,
        }
        for code, month, horizon, model, predicted in predictions[
            ["area_id", "month", "horizon", "model", "predicted"]
        ].itertuples(index=False)
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(AreaForecast), rows[start : start + 5000])
    return len(rows)


def touch_area(session: Session, *, area_id: int, name: str) -> None:
    """Rename an area (used by the demo to give grid cells the name of the town they hold)."""
    session.execute(update(Area).where(Area.id == area_id).values(name=name))
