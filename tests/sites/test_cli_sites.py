"""``civharm screen`` file to file and against the register, and ``civharm sites ...``."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from civharm.cli.main import app
from civharm.sites.geometry import haversine_km

runner = CliRunner()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_to_file_equals_brute_force(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    lat, lon = rng.uniform(34.0, 36.0, 400), rng.uniform(39.0, 41.5, 400)
    plat, plon = rng.uniform(34.0, 36.0, 60), rng.uniform(39.0, 41.5, 60)
    sites, points, output = tmp_path / "sites.csv", tmp_path / "points.csv", tmp_path / "hits.csv"
    sites.write_text(
        "site_id,name,category,latitude,longitude\n"
        + "".join(
            f"s{k},Site {k},school,{float(a)!r},{float(b)!r}\n"
            for k, (a, b) in enumerate(zip(lat, lon, strict=True))
        ),
        encoding="utf-8",
    )
    points.write_text(
        "point_id,latitude,longitude\n"
        + "".join(
            f"p{k},{float(a)!r},{float(b)!r}\n" for k, (a, b) in enumerate(zip(plat, plon, strict=True))
        ),
        encoding="utf-8",
    )
    args = [
        "screen",
        "--sites",
        str(sites),
        "--points",
        str(points),
        "--radius-km",
        "12",
        "--output",
        str(output),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = _rows(output)
    assert list(rows[0]) == ["point_id", "site_id", "distance_km"]
    distance = haversine_km(plat[:, None], plon[:, None], lat[None, :], lon[None, :])
    expected = {(f"p{p}", f"s{s}") for p, s in zip(*np.nonzero(distance <= 12), strict=True)}
    assert {(r["point_id"], r["site_id"]) for r in rows} == expected
    for r in rows[:20]:
        p, s = int(r["point_id"][1:]), int(r["site_id"][1:])
        assert abs(float(r["distance_km"]) - distance[p, s]) < 1e-4


def test_bad_input_is_one_clear_message_and_writes_nothing(tmp_path: Path) -> None:
    sites, points, output = tmp_path / "sites.csv", tmp_path / "points.csv", tmp_path / "hits.csv"
    sites.write_text(
        "site_id,name,category,latitude,longitude\nA,a,school,91,40\nA,b,school,35,40\n", encoding="utf-8"
    )
    points.write_text("point_id,latitude,longitude\nP,35,40\n", encoding="utf-8")
    output.write_text("previous results\n", encoding="utf-8")
    command = [
        "screen",
        "--sites",
        str(sites),
        "--points",
        str(points),
        "--radius-km",
        "5",
        "--output",
        str(output),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "civharm", *command],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert f"{sites}: row 2, field 'latitude': latitude must be between -90 and 90 (got '91')" in done.stderr
    assert (
        f"{sites}: row 3, field 'site_id': duplicate site id: already used in row 2 (got 'A')" in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert output.read_text(encoding="utf-8") == "previous results\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_register_commands_and_screening_against_the_store(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}"]
    assert runner.invoke(app, [*db, "init"]).exit_code == 0
    osm = tmp_path / "export.json"
    osm.write_text(
        json.dumps(
            {
                "elements": [
                    {
                        "type": "node",
                        "id": 1,
                        "lat": 35.02,
                        "lon": 40.45,
                        "tags": {"amenity": "hospital", "name": "H"},
                    },
                    {"type": "node", "id": 2, "lat": 35.5, "lon": 40.0, "tags": {"man_made": "water_tower"}},
                    {"type": "node", "id": 3, "lat": 35.0, "lon": 40.0, "tags": {"shop": "clothes"}},
                ]
            }
        ),
        encoding="utf-8",
    )
    imported = runner.invoke(app, [*db, "sites", "import", str(osm), "--format", "osm", "--json"])
    assert json.loads(imported.output) == {"file": str(osm), "new": 2, "updated": 0, "skipped": 1}
    listed = json.loads(runner.invoke(app, [*db, "sites", "list", "--json"]).output)
    assert [i["ref"] for i in listed["items"]] == ["osm:node/1", "osm:node/2"]
    grid = tmp_path / "people.csv"
    grid.write_text("latitude,longitude,population\n35.021,40.451,2500\n", encoding="utf-8")
    assert "2,500 people" in runner.invoke(app, [*db, "sites", "population", str(grid)]).output
    points, output, ratings = tmp_path / "p.csv", tmp_path / "hits.csv", tmp_path / "ratings.csv"
    points.write_text("point_id,latitude,longitude\nnear,35.021,40.451\nfar,10,10\n", encoding="utf-8")
    args = [
        "screen",
        "--points",
        str(points),
        "--radius-km",
        "1",
        "--output",
        str(output),
        "--ratings",
        str(ratings),
    ]
    assert runner.invoke(app, [*db, *args]).exit_code == 0
    assert [(r["point_id"], r["site_id"]) for r in _rows(output)] == [("near", "osm:node/1")]
    near, far = _rows(ratings)
    assert (near["population_exposed"], near["risk_level"], far["risk_level"]) == ("2500", "very_high", "low")
    one = runner.invoke(
        app, [*db, "sites", "screen", "--lat", "35.02", "--lon", "40.45", "--radius-km", "2", "--json"]
    )
    assert json.loads(one.output)["sites"][0]["ref"] == "osm:node/1"
    area = tmp_path / "area.geojson"
    square = [[40.44, 35.01], [40.46, 35.01], [40.46, 35.03], [40.44, 35.03], [40.44, 35.01]]
    area.write_text(json.dumps({"type": "Polygon", "coordinates": [square]}), encoding="utf-8")
    inside = runner.invoke(app, [*db, "sites", "screen", "--area", str(area), "--radius-km", "0", "--json"])
    (hit,) = json.loads(inside.output)["sites"]
    assert (hit["ref"], hit["distance_km"]) == ("osm:node/1", 0.0)
    area.write_text(json.dumps({"type": "Polygon", "coordinates": [square[:-1]]}), encoding="utf-8")
    refused = runner.invoke(app, [*db, "sites", "screen", "--area", str(area), "--radius-km", "1"])
    assert refused.exit_code == 1 and "planned area: polygon 1, ring 1: the polygon does not close" in str(
        refused.exception
    )
