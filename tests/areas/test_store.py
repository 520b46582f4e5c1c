"""Areas in the store, on SQLite and PostgreSQL: import, assignment, scores, forecasts, profile."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civharm.areas.geometry import read_geojson_areas
from civharm.areas.grids import PrioGrid
from civharm.areas.models import Area, AreaAssignment
from civharm.areas.queries import area_profile, areas_geojson
from civharm.areas.service import (
    assign_records,
    import_areas,
    save_forecasts,
    save_indicator_values,
    save_scores,
)
from civharm.errors import InputFileError, ValidationError
from civharm.vocabulary import Topic
from tests.factories import make_incident, make_report


def square(min_lon: float, min_lat: float, size: float) -> dict[str, object]:
    ring = [
        [min_lon, min_lat],
        [min_lon + size, min_lat],
        [min_lon + size, min_lat + size],
        [min_lon, min_lat + size],
        [min_lon, min_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def districts(tmp_path: Path) -> Path:
    """Two made-up districts side by side around Al Mayadin (40.45 E, 35.02 N)."""
    features = [
        {"type": "Feature", "properties": {"pcode": "D1", "name": "West", "adm1": "P1"},
         "geometry": square(40.0, 34.8, 0.4)},
        {"type": "Feature", "properties": {"pcode": "D2", "name": "East", "adm1": "P1"},
         "geometry": square(40.4, 34.8, 0.4)},
    ]  # fmt: skip
    path = tmp_path / "districts.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_admin_units_take_incidents_and_reports_by_point_in_polygon(session: Session, tmp_path: Path) -> None:
    features = read_geojson_areas(districts(tmp_path), code_property="pcode", name_property="name",
                                  parent_property="adm1")  # fmt: skip
    assert import_areas(session, features=features, level=2, source="districts.geojson").created == 2
    east = make_incident(session, latitude=35.0198, longitude=40.4515, topics=[Topic.POC, Topic.CPP])
    make_incident(session, latitude=35.0, longitude=40.1)  # West
    make_incident(session, latitude=None, longitude=None)  # cannot be placed
    make_incident(session, latitude=36.0, longitude=38.0)  # outside both
    report = make_report(session, latitude=35.05, longitude=40.5)
    result = assign_records(session, kind="admin", level=2, report_sources=["intake"])
    assert (result.incidents, result.without_coordinates, result.outside) == (2, 1, 1)
    east_area = session.scalars(select(Area).where(Area.code == "D2")).one()
    assert east_area.parent_code == "P1" and east_area.name == "East"
    columns = select(AreaAssignment.incident_id, AreaAssignment.report_id)
    placed = list(session.execute(columns.where(AreaAssignment.area_id == east_area.id)))
    assert sorted(placed, key=str) == sorted([(east.id, None), (None, report.id)], key=str)
    assert result.reports == 1
    # assigning again replaces, never duplicates
    assign_records(session, kind="admin", level=2)
    assert (
        session.scalar(select(func.count(AreaAssignment.id)).where(AreaAssignment.incident_id.is_not(None)))
        == 2
    )
    profile = area_profile(session, area_id=east_area.id)
    assert {(h["month"], h["topic"]) for h in profile["harm_by_month"]} == {
        ("2026-03", "poc"),
        ("2026-03", "cpp"),
    }
    assert profile["harm_by_month"][0]["civilians_killed"] == 2
    # re-importing updates the stored units in place
    assert import_areas(session, features=features, level=2, source="again").updated == 2


def test_grid_cells_are_created_as_needed(session: Session) -> None:
    make_incident(session, latitude=35.0198, longitude=40.4515)
    make_incident(session, latitude=34.802462, longitude=36.707602)
    result = assign_records(session, kind="priogrid", grid=PrioGrid())
    assert result.incidents == 2
    codes = set(session.scalars(select(Area.code).where(Area.kind == "priogrid")))
    assert codes == {"180441", "179714"}
    cell = session.scalars(select(Area).where(Area.code == "179714")).one()
    assert (cell.min_lon, cell.min_lat, cell.max_lon, cell.max_lat) == (36.5, 34.5, 37.0, 35.0)


def test_scores_indicators_and_forecasts_feed_the_map(session: Session, tmp_path: Path) -> None:
    import_areas(session, features=read_geojson_areas(districts(tmp_path), code_property="pcode"), level=2,
                 source="t")  # fmt: skip
    values = pd.DataFrame(
        {"area_id": ["D1", "D2", "D2"], "indicator": ["literacy_rate"] * 3, "value": [80.0, 50.0, 55.0],
         "year": [2024, 2023, 2024]}
    )  # fmt: skip
    assert save_indicator_values(session, frame=values, kind="admin", source="synthetic (test)") == 3
    scores = pd.DataFrame(
        {"area_id": ["D1", "D1", "D2", "D2"], "node": ["risk", "literacy_rate"] * 2,
         "score": [2.0, 2.0, float("nan"), 4.5], "class": ["low", "low", "", "medium"],
         "missing_share": [0.0, 0.0, 1.0, 0.0]}
    )  # fmt: skip
    save_scores(session, framework="test", scores=scores, kind="admin")
    save_scores(session, framework="test", scores=scores, kind="admin")  # replaces, never duplicates
    with pytest.raises(ValidationError, match="1 area code\\(s\\) are not stored as admin areas: D9"):
        save_scores(session, framework="test", scores=scores.assign(area_id="D9"), kind="admin")
    geojson = areas_geojson(session, kind="admin", framework="test")
    by_code = {f["properties"]["code"]: f["properties"] for f in geojson["features"]}
    assert by_code["D1"]["score"] == 2.0 and by_code["D1"]["class"] == "low"
    assert by_code["D2"]["score"] is None and by_code["D2"]["missing_share"] == 1.0

    predictions = pd.DataFrame(
        {"area_id": ["179714", "179714", "180441"], "month": ["2018-01", "2018-02", "2018-01"],
         "horizon": [1, 2, 1], "model": ["civharm"] * 3, "predicted": [4.0, 6.0, 0.0]}
    )  # fmt: skip
    assert save_forecasts(session, run="r1", predictions=predictions, grid=PrioGrid()) == 3
    cells = areas_geojson(session, kind="priogrid", run="r1", month="2018-01")
    forecast = {f["properties"]["code"]: f["properties"] for f in cells["features"]}
    assert forecast["179714"]["forecast"] == 4.0 and forecast["179714"]["forecast_score"] == 10.0
    assert forecast["180441"]["forecast_score"] == 0.0
    d2 = session.scalars(select(Area).where(Area.code == "D2")).one()
    profile = area_profile(session, area_id=d2.id)
    assert profile["indicators"] == [
        {"indicator": "literacy_rate", "value": 55.0, "year": 2024, "source": "synthetic (test)"}
    ]
    assert [s["node"] for s in profile["scores"]] == ["risk", "literacy_rate"]


def test_bad_geojson_is_refused_with_the_feature_named(tmp_path: Path) -> None:
    features = [
        {"type": "Feature", "properties": {"pcode": "D1"}, "geometry": square(40.0, 34.8, 0.4)},
        {"type": "Feature", "properties": {"pcode": "D1"}, "geometry": square(40.4, 34.8, 0.4)},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [40, 35]}},
    ]
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_geojson_areas(path, code_property="pcode")
    message = str(caught.value)
    assert "row 2, field 'properties.pcode': repeats the code of an earlier feature (got 'D1')" in message
    assert "row 3, field 'properties.pcode': is required" in message
    assert "row 3, field 'geometry': must be a Polygon or MultiPolygon (got 'Point')" in message
