"""Grid cells as areas: PRIO-GRID (0.5 degrees) and H3 hexagons at a chosen resolution.

PRIO-GRID numbers its 720 x 360 cells from the south-west corner, row by row:
``row = floor((lat + 90) * 2) + 1``, ``col = floor((lon + 180) * 2) + 1``,
``gid = (row - 1) * 720 + col``. Homs (34.80 N, 36.71 E) is in cell 179714.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import h3
import numpy as np
import numpy.typing as npt

CELL_DEGREES = 0.5
COLUMNS = 720
ROWS = 360
CELLS = COLUMNS * ROWS  # 259,200

BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


def priogrid_gid(latitude: npt.ArrayLike, longitude: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """The PRIO-GRID cell of each point; the north pole and lon 180 fall in the last row and column."""
    lat = np.asarray(latitude, dtype=np.float64)
    lon = np.asarray(longitude, dtype=np.float64)
    row = np.minimum(np.floor((lat + 90.0) * 2.0).astype(np.int64) + 1, ROWS)
    col = np.minimum(np.floor((lon + 180.0) * 2.0).astype(np.int64) + 1, COLUMNS)
    return (row - 1) * COLUMNS + col


def priogrid_row_col(gid: int) -> tuple[int, int]:
    if not 1 <= gid <= CELLS:
        raise ValueError(f"PRIO-GRID gid must be between 1 and {CELLS}, not {gid}")
    return (gid - 1) // COLUMNS + 1, (gid - 1) % COLUMNS + 1


def priogrid_bounds(gid: int) -> BBox:
    row, col = priogrid_row_col(gid)
    min_lat = (row - 1) * CELL_DEGREES - 90.0
    min_lon = (col - 1) * CELL_DEGREES - 180.0
    return min_lon, min_lat, min_lon + CELL_DEGREES, min_lat + CELL_DEGREES


def priogrid_centroid(gid: int) -> tuple[float, float]:
    """``(lat, lon)`` of the cell's centre."""
    min_lon, min_lat, max_lon, max_lat = priogrid_bounds(gid)
    return (min_lat + max_lat) / 2, (min_lon + max_lon) / 2


def priogrid_neighbours(gid: int, distance: int = 1) -> list[int]:
    """Cells whose row and column are within ``distance`` (queen contiguity); longitude wraps around."""
    row, col = priogrid_row_col(gid)
    out: list[int] = []
    for d_row in range(-distance, distance + 1):
        for d_col in range(-distance, distance + 1):
            if (d_row, d_col) == (0, 0) or not 1 <= row + d_row <= ROWS:
                continue
            wrapped = (col - 1 + d_col) % COLUMNS + 1
            out.append((row + d_row - 1) * COLUMNS + wrapped)
    return out


def priogrid_cells_in_bbox(bbox: BBox) -> list[int]:
    """Every cell that the box touches, south to north, west to east."""
    min_lon, min_lat, max_lon, max_lat = bbox
    low = priogrid_gid(min_lat, min_lon)
    high = priogrid_gid(max_lat, max_lon)
    (row0, col0), (row1, col1) = priogrid_row_col(int(low)), priogrid_row_col(int(high))
    return [(row - 1) * COLUMNS + col for row in range(row0, row1 + 1) for col in range(col0, col1 + 1)]


def polygon_of_bbox(bbox: BBox) -> dict[str, Any]:
    min_lon, min_lat, max_lon, max_lat = bbox
    ring = [
        [min_lon, min_lat],
        [max_lon, min_lat],
        [max_lon, max_lat],
        [min_lon, max_lat],
        [min_lon, min_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


class Grid(Protocol):
    """A regular tessellation whose cells can serve as areas."""

    @property
    def kind(self) -> str: ...

    @property
    def level(self) -> int: ...

    def cells_of(self, latitude: npt.ArrayLike, longitude: npt.ArrayLike) -> list[str]: ...

    def cells_in_bbox(self, bbox: BBox) -> list[str]: ...

    def neighbours(self, cell: str, distance: int = 1) -> list[str]: ...

    def polygon(self, cell: str) -> dict[str, Any]: ...

    def centroid(self, cell: str) -> tuple[float, float]: ...


@dataclass(frozen=True)
class PrioGrid:
    kind: str = "priogrid"
    level: int = 0

    def cells_of(self, latitude: npt.ArrayLike, longitude: npt.ArrayLike) -> list[str]:
        return [str(g) for g in priogrid_gid(latitude, longitude).tolist()]

    def cells_in_bbox(self, bbox: BBox) -> list[str]:
        return [str(g) for g in priogrid_cells_in_bbox(bbox)]

    def neighbours(self, cell: str, distance: int = 1) -> list[str]:
        return [str(g) for g in priogrid_neighbours(int(cell), distance)]

    def polygon(self, cell: str) -> dict[str, Any]:
        return polygon_of_bbox(priogrid_bounds(int(cell)))

    def centroid(self, cell: str) -> tuple[float, float]:
        return priogrid_centroid(int(cell))


@dataclass(frozen=True)
class H3Grid:
    """H3 hexagons; resolution 5 cells are about 253 km^2, 6 about 36 km^2."""

    level: int = 5
    kind: str = "h3"

    def __post_init__(self) -> None:
        if not 0 <= self.level <= 15:
            raise ValueError(f"H3 resolution must be between 0 and 15, not {self.level}")

    def cells_of(self, latitude: npt.ArrayLike, longitude: npt.ArrayLike) -> list[str]:
        lats = np.atleast_1d(np.asarray(latitude, dtype=np.float64)).tolist()
        lons = np.atleast_1d(np.asarray(longitude, dtype=np.float64)).tolist()
        return [h3.latlng_to_cell(lat, lon, self.level) for lat, lon in zip(lats, lons, strict=True)]

    def cells_in_bbox(self, bbox: BBox) -> list[str]:
        min_lon, min_lat, max_lon, max_lat = bbox
        shape = h3.LatLngPoly(
            [(min_lat, min_lon), (min_lat, max_lon), (max_lat, max_lon), (max_lat, min_lon)]
        )
        inside = set(h3.polygon_to_cells(shape, self.level))
        # Cells whose centre is just outside but that hold a point of the box's edge count too.
        edge = self.cells_of([min_lat, min_lat, max_lat, max_lat], [min_lon, max_lon, min_lon, max_lon])
        return sorted(inside | set(edge))

    def neighbours(self, cell: str, distance: int = 1) -> list[str]:
        return [c for c in h3.grid_disk(cell, distance) if c != cell]

    def polygon(self, cell: str) -> dict[str, Any]:
        ring = [[lon, lat] for lat, lon in h3.cell_to_boundary(cell)]
        return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}

    def centroid(self, cell: str) -> tuple[float, float]:
        lat, lon = h3.cell_to_latlng(cell)
        return float(lat), float(lon)


def grid_for(unit: str, resolution: int = 5) -> Grid:
    """``priogrid`` or ``h3`` (at ``resolution``)."""
    if unit == "priogrid":
        return PrioGrid()
    if unit == "h3":
        return H3Grid(level=resolution)
    raise ValueError(f"unknown grid {unit!r}; use priogrid or h3")
