"""Read side of areas: GeoJSON for maps, an area's profile, point location on stored units."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from civharm.areas.geometry import PolygonIndex
from civharm.areas.models import Area, AreaAssignment, AreaForecast, AreaScore, IndicatorValue
from civharm.errors import NotFoundError
from civharm.incidents.models import Incident, IncidentTopic


def admin_locator(session: Session, *, level: int | None = None) -> Any:
    """A function ``(lats, lons) -> codes`` over the stored administrative units (``None`` outside all)."""
    query = select(Area.code, Area.geometry).where(Area.kind == "admin")
    if level is not None:
        query = query.where(Area.level == level)
    stored = list(session.execute(query))
    if not stored:
        raise NotFoundError("no administrative areas are stored; import them with `civharm areas import`")
    index = PolygonIndex([a.code for a in stored], [a.geometry for a in stored])

    def locate(lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]) -> Sequence[str | None]:
        return index.locate(lats, lons)

    return locate


def _areas_query(kind: str | None, level: int | None) -> Select[tuple[Area]]:
    query = select(Area).order_by(Area.kind, Area.level, Area.code)
    if kind is not None:
        query = query.where(Area.kind == kind)
    if level is not None:
        query = query.where(Area.level == level)
    return query


def frameworks(session: Session) -> list[str]:
    return list(session.scalars(select(AreaScore.framework).distinct().order_by(AreaScore.framework)))


def forecast_runs(session: Session) -> list[dict[str, Any]]:
    """Each stored forecast run with its months and models."""
    query = (
        select(AreaForecast.run, func.min(AreaForecast.month), func.max(AreaForecast.month))
        .group_by(AreaForecast.run)
        .order_by(AreaForecast.run)
    )
    return [
        {"run": run, "first_month": first, "last_month": last} for run, first, last in session.execute(query)
    ]


def areas_geojson(
    session: Session,
    *,
    kind: str | None = None,
    level: int | None = None,
    framework: str | None = None,
    node: str | None = None,
    run: str | None = None,
    month: str | None = None,
    model: str = "civharm",
) -> dict[str, Any]:
    """A FeatureCollection of areas with ``score``/``class``/``missing_share`` (a framework node) and
    ``forecast`` (civilian deaths forecast for ``month`` in ``run``) as properties.

    ``score`` is 0-10 and drives the choropleth; ``forecast_score`` puts the forecast on the
    same 0-10 scale (10 * ln(1 + deaths) / ln(1 + largest forecast)) for maps.
    """
    areas = list(session.scalars(_areas_query(kind, level)))
    scores: dict[int, AreaScore] = {}
    if framework is not None:
        score_query = select(AreaScore).where(AreaScore.framework == framework)
        if node is not None:
            score_query = score_query.where(AreaScore.node == node)
        else:
            score_query = score_query.where(AreaScore.node == _root_node(session, framework))
        scores = {s.area_id: s for s in session.scalars(score_query)}
    forecasts: dict[int, float] = {}
    if run is not None:
        # One value per area: the shortest horizon available for the month (the freshest forecast).
        forecasts = _freshest(session, run=run, model=model, month=month)
    largest = max(forecasts.values(), default=0.0)
    if kind is None and (framework is not None or run is not None):
        # Without a kind, show only the areas scored or forecast, not every unit of every kind.
        areas = [a for a in areas if a.id in scores or a.id in forecasts]
    features = []
    for area in areas:
        properties: dict[str, Any] = {
            "id": area.id,
            "code": area.code,
            "name": area.name,
            "kind": area.kind,
            "level": area.level,
            "url": f"/areas/{area.id}",
        }
        score = scores.get(area.id)
        if score is not None:
            properties.update(
                {"score": score.score, "class": score.score_class, "missing_share": score.missing_share}
            )
        if area.id in forecasts:
            value = forecasts[area.id]
            properties["forecast"] = round(value, 3)
            properties["forecast_score"] = 10 * np.log1p(value) / np.log1p(largest) if largest > 0 else 0.0
        features.append({"type": "Feature", "geometry": area.geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def _root_node(session: Session, framework: str) -> str:
    """The framework's root: score tables list it first for every area, so it is saved first."""
    first = session.scalar(
        select(AreaScore.node).where(AreaScore.framework == framework).order_by(AreaScore.id)
    )
    return first or ""


def _freshest(session: Session, *, run: str, model: str, month: str | None) -> dict[int, float]:
    query = select(
        AreaForecast.area_id, AreaForecast.month, AreaForecast.horizon, AreaForecast.predicted
    ).where(AreaForecast.run == run, AreaForecast.model == model)
    if month is not None:
        query = query.where(AreaForecast.month == month)
    best: dict[int, tuple[str, int, float]] = {}
    for area_id, month_, horizon, predicted in session.execute(query):
        current = best.get(area_id)
        # Without a month: the first month forecast; for a month: the shortest horizon.
        if current is None or (month_, horizon) < (current[0], current[1]):
            best[area_id] = (month_, horizon, predicted)
    return {area_id: value for area_id, (_, _, value) in best.items()}


def area_profile(
    session: Session, *, area_id: int, incidents: Select[tuple[Incident]] | None = None
) -> dict[str, Any]:
    """Everything known about one area: scores per framework and node, latest indicator values,
    monthly incidents and civilian deaths by topic, and stored forecasts.

    ``incidents`` is the query of incidents the caller may see (the visibility policy);
    counts are taken over it only.
    """
    area = session.get(Area, area_id)
    if area is None:
        raise NotFoundError(f"area {area_id} does not exist")
    scores = [
        {
            "framework": s.framework,
            "node": s.node,
            "score": s.score,
            "class": s.score_class,
            "missing_share": s.missing_share,
        }
        for s in session.scalars(select(AreaScore).where(AreaScore.area_id == area_id).order_by(AreaScore.id))
    ]
    values = session.scalars(
        select(IndicatorValue)
        .where(IndicatorValue.area_id == area_id)
        .order_by(IndicatorValue.indicator, IndicatorValue.year)
    )
    latest: dict[str, IndicatorValue] = {}
    for value in values:
        latest[value.indicator] = value
    visible = (incidents if incidents is not None else select(Incident)).subquery()
    harm_query = (
        select(Incident.date_start, Incident.killed_min, IncidentTopic.topic)
        .join(AreaAssignment, AreaAssignment.incident_id == Incident.id)
        .join(visible, visible.c.id == Incident.id)
        .join(IncidentTopic, IncidentTopic.incident_id == Incident.id, isouter=True)
        .where(AreaAssignment.area_id == area_id, Incident.date_start.is_not(None))
    )
    monthly: dict[tuple[str, str], dict[str, float]] = {}
    for day, killed, topic in session.execute(harm_query):
        key = (f"{day:%Y-%m}", str(topic.value if topic is not None else "none"))
        entry = monthly.setdefault(key, {"incidents": 0, "civilians_killed": 0})
        entry["incidents"] += 1
        entry["civilians_killed"] += killed or 0
    forecasts = [
        {"run": f.run, "month": f.month, "horizon": f.horizon, "model": f.model, "predicted": f.predicted}
        for f in session.scalars(
            select(AreaForecast)
            .where(AreaForecast.area_id == area_id)
            .order_by(AreaForecast.run, AreaForecast.month, AreaForecast.horizon, AreaForecast.model)
        )
    ]
    return {
        "area": {
            "id": area.id,
            "kind": area.kind,
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "parent_code": area.parent_code,
            "centroid": [area.centroid_lat, area.centroid_lon],
            "geometry": area.geometry,
        },
        "scores": scores,
        "indicators": [
            {"indicator": v.indicator, "value": v.value, "year": v.year, "source": v.source}
            for v in latest.values()
        ],
        "harm_by_month": [
            {"month": month, "topic": topic, **counts} for (month, topic), counts in sorted(monthly.items())
        ],
        "forecasts": forecasts,
    }
