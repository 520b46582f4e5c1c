"""Read population grids: a GeoTIFF in longitude/latitude (WorldPop, GHS-POP, ...) or a CSV of cells.

Only populated cells are kept. A cell counts as exposed when its centre is within reach of
the planned point or area, so exposure is exact to about half a cell (documented in docs/sites.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tifffile

from civharm.errors import InputFileError, RowError
from civharm.ingest import fields
from civharm.ingest.csvfile import open_csv
from civharm.ingest.fields import FieldError
from civharm.sites.geometry import Floats

# GeoTIFF tags and keys (OGC GeoTIFF 1.1).
MODEL_PIXEL_SCALE = 33550
MODEL_TIEPOINT = 33922
GEO_KEY_DIRECTORY = 34735
GDAL_NODATA = 42113
GT_MODEL_TYPE = 1024
MODEL_TYPE_GEOGRAPHIC = 2
GEOGRAPHIC_TYPE = 2048
RASTER_TYPE = 1025
RASTER_PIXEL_IS_POINT = 2
WGS84_LIKE = {4326, 4030, 4269, 4258}  # WGS 84 and datums within a metre or two of it


@dataclass
class PopulationCells:
    """Populated cells by their centre, with the grid's cell size in degrees when known."""

    latitude: Floats
    longitude: Floats
    population: Floats
    cell_height_deg: float | None = None
    cell_width_deg: float | None = None

    @property
    def total(self) -> float:
        return float(self.population.sum())


def _refuse(path: Path, message: str, field: str = "") -> InputFileError:
    return InputFileError(str(path), [RowError(str(path), 0, field, message)])


def _geo_keys(directory: Any) -> dict[int, int]:
    values = [int(v) for v in directory]
    keys: dict[int, int] = {}
    for start in range(4, 4 + 4 * values[3], 4):
        key, location, _, value = values[start : start + 4]
        if location == 0:
            keys[key] = value
    return keys


def read_population_geotiff(path: Path) -> PopulationCells:
    """Cells of a single-band GeoTIFF whose model is geographic (degrees of longitude/latitude)."""
    if not path.is_file():
        raise _refuse(path, "file not found")
    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages[0]
            tags = {tag.code: tag.value for tag in page.tags.values()}  # type: ignore[union-attr]
            raster = np.asarray(page.asarray(), dtype=np.float64)
    except (tifffile.TiffFileError, OSError, ValueError) as exc:
        raise _refuse(path, f"is not a readable TIFF: {exc}") from None
    if MODEL_PIXEL_SCALE not in tags or MODEL_TIEPOINT not in tags:
        raise _refuse(path, "has no GeoTIFF georeference (ModelPixelScale and ModelTiepoint tags)")
    keys = _geo_keys(tags[GEO_KEY_DIRECTORY]) if GEO_KEY_DIRECTORY in tags else {}
    if keys.get(GT_MODEL_TYPE, MODEL_TYPE_GEOGRAPHIC) != MODEL_TYPE_GEOGRAPHIC:
        raise _refuse(path, "is in a projected coordinate system; reproject it to EPSG:4326 first")
    if keys.get(GEOGRAPHIC_TYPE, 4326) not in WGS84_LIKE:
        raise _refuse(path, f"uses geographic CRS EPSG:{keys[GEOGRAPHIC_TYPE]}; reproject it to EPSG:4326")
    if raster.ndim == 3:
        raster = raster[..., 0] if raster.shape[-1] <= 4 else raster[0]
    scale_x, scale_y = float(tags[MODEL_PIXEL_SCALE][0]), float(tags[MODEL_PIXEL_SCALE][1])
    i, j, _, x, y, _ = (float(v) for v in tags[MODEL_TIEPOINT][:6])
    # Tie point (i, j) -> (x, y); pixel-is-area rasters put it at a cell's corner, so centres are +0.5.
    shift = 0.0 if keys.get(RASTER_TYPE) == RASTER_PIXEL_IS_POINT else 0.5
    populated = np.isfinite(raster) & (raster > 0)
    if GDAL_NODATA in tags:
        nodata = float(str(tags[GDAL_NODATA]).strip("\x00 ") or "nan")
        populated &= raster != nodata
    rows, cols = np.nonzero(populated)
    lon = x + (cols - i + shift) * scale_x
    lat = y - (rows - j + shift) * scale_y
    if len(lat) and (lat.min() < -90 or lat.max() > 90 or lon.min() < -180 or lon.max() > 180):
        raise _refuse(path, "cell centres fall outside -90..90 / -180..180; is it really in degrees?")
    return PopulationCells(
        lat.astype(np.float64),
        lon.astype(np.float64),
        raster[rows, cols],
        cell_height_deg=scale_y,
        cell_width_deg=scale_x,
    )


def read_population_csv(path: Path) -> PopulationCells:
    """Cells from CSV: ``latitude, longitude, population`` (cell centres)."""
    with open_csv(path) as csv:
        errors: list[RowError] = [
            RowError(csv.name, 1, c, "column is missing from the header row")
            for c in ("latitude", "longitude", "population")
            if c not in csv.columns
        ]
        if errors:
            raise InputFileError(csv.name, errors)
        lats: list[float] = []
        lons: list[float] = []
        counts: list[float] = []
        for number, row in enumerate(csv.rows, start=2):
            for column, parse, out in (
                ("latitude", fields.parse_latitude, lats),
                ("longitude", fields.parse_longitude, lons),
                ("population", fields.parse_float, counts),
            ):
                try:
                    out.append(parse(row.get(column)))
                except FieldError as exc:
                    out.append(0.0)
                    if len(errors) < 50:
                        errors.append(RowError(csv.name, number, column, str(exc), row.get(column)))
            if counts[-1] < 0 and len(errors) < 50:
                errors.append(
                    RowError(csv.name, number, "population", "must not be negative", row.get("population"))
                )
    if errors:
        raise InputFileError(str(path), errors)
    population = np.array(counts)
    keep = population > 0
    return PopulationCells(np.array(lats)[keep], np.array(lons)[keep], population[keep])


def read_population(path: Path) -> PopulationCells:
    """A population grid from a ``.tif``/``.tiff`` GeoTIFF or a ``.csv`` of cells."""
    if path.suffix.lower() in (".tif", ".tiff"):
        return read_population_geotiff(path)
    return read_population_csv(path)
