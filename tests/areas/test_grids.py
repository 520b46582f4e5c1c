"""PRIO-GRID's gid formula and H3 cells."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from civharm.areas.grids import (
    CELLS,
    H3Grid,
    PrioGrid,
    priogrid_bounds,
    priogrid_cells_in_bbox,
    priogrid_gid,
    priogrid_neighbours,
    priogrid_row_col,
)


@pytest.mark.parametrize(
    ("lat", "lon", "gid"),
    [
        (-90.0, -180.0, 1),  # the south-west corner is cell 1
        (-89.9, -179.6, 1),
        (-89.9, -179.4, 2),  # one cell east
        (-89.4, -179.9, 721),  # one row north
        (0.1, 0.1, 129_961),  # row 181, col 361: 180 * 720 + 361
        (34.802462, 36.707602, 179_714),  # Homs, as UCDP GED gives it
        (35.0198, 40.4515, 180_441),  # Al Mayadin: row 251, col 441
        (89.9, 179.9, CELLS),  # the north-east corner is the last cell
        (90.0, 180.0, CELLS),  # the edge of the world stays in the last row and column
    ],
)
def test_gid_formula_on_known_cells(lat: float, lon: float, gid: int) -> None:
    assert int(priogrid_gid(lat, lon)) == gid


def test_gid_matches_ucdp_for_every_event_of_the_real_file(shared_data: Path) -> None:
    with (shared_data / "ucdp_ged_syria_2016_2017.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lats = [float(r["latitude"]) for r in rows]
    lons = [float(r["longitude"]) for r in rows]
    ours = priogrid_gid(lats, lons).tolist()
    theirs = [int(r["priogrid_gid"]) for r in rows]
    assert ours == theirs


def test_cell_geometry_and_neighbours() -> None:
    assert priogrid_row_col(179_714) == (250, 434)
    assert priogrid_bounds(179_714) == (36.5, 34.5, 37.0, 35.0)
    assert sorted(priogrid_neighbours(179_714)) == [
        178_993,
        178_994,
        178_995,
        179_713,
        179_715,
        180_433,
        180_434,
        180_435,
    ]
    assert len(priogrid_neighbours(179_714, distance=2)) == 24
    # the first cell of a row wraps round to the last cell of the same row
    assert 720 in priogrid_neighbours(1) and 1440 in priogrid_neighbours(1)
    assert priogrid_cells_in_bbox((36.6, 34.6, 37.4, 34.9)) == [179_714, 179_715]
    ring = PrioGrid().polygon("179714")["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 5


def test_h3_cells_at_a_chosen_resolution() -> None:
    grid = H3Grid(level=5)
    (cell,) = grid.cells_of([34.8], [36.7])
    assert cell == "852da36bfffffff"
    assert len(grid.neighbours(cell)) == 6
    ring = grid.polygon(cell)["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 7
    assert cell in grid.cells_in_bbox((36.6, 34.7, 36.8, 34.9))
    with pytest.raises(ValueError, match="between 0 and 15"):
        H3Grid(level=16)
