"""Administrative units from GeoJSON, and which unit each point falls in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape

from civharm.errors import InputFileError, RowError

POLYGON_TYPES = ("Polygon", "MultiPolygon")


@dataclass
class AreaFeature:
    """One administrative unit read from a GeoJSON feature."""

    code: str
    name: str
    geometry: dict[str, Any]
    parent_code: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        min_lon, min_lat, max_lon, max_lat = shape(self.geometry).bounds
        return float(min_lon), float(min_lat), float(max_lon), float(max_lat)

    @property
    def centroid(self) -> tuple[float, float]:
        """``(lat, lon)`` of a point inside the unit (the centroid when it is inside)."""
        polygon = shape(self.geometry)
        point = polygon.centroid if polygon.contains(polygon.centroid) else polygon.representative_point()
        return float(point.y), float(point.x)


def read_geojson_areas(
    path: Path, *, code_property: str, name_property: str | None = None, parent_property: str | None = None
) -> list[AreaFeature]:
    """The polygon features of a GeoJSON FeatureCollection, each with its code.

    Every problem (a feature without a code, a repeated code, a geometry that is not a
    polygon or is invalid) is reported with its feature number, and nothing is returned.
    """
    name = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputFileError(name, [RowError(name, 0, "", "file not found")]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(name, [RowError(name, 0, "", f"is not valid GeoJSON: {exc}")]) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise InputFileError(name, [RowError(name, 0, "features", "is not a GeoJSON FeatureCollection")])
    errors: list[RowError] = []
    areas: list[AreaFeature] = []
    seen: set[str] = set()
    for number, feature in enumerate(features, start=1):

        def fail(field_name: str, message: str, value: Any = None, number: int = number) -> None:
            errors.append(RowError(name, number, field_name, message, None if value is None else str(value)))

        properties = feature.get("properties") or {} if isinstance(feature, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        code = str(properties.get(code_property) or "").strip()
        if not code:
            fail(f"properties.{code_property}", "is required: the area's code")
        elif code in seen:
            fail(f"properties.{code_property}", "repeats the code of an earlier feature", code)
        seen.add(code)
        if not isinstance(geometry, dict) or geometry.get("type") not in POLYGON_TYPES:
            kind = geometry.get("type") if isinstance(geometry, dict) else None
            fail("geometry", "must be a Polygon or MultiPolygon", kind)
            continue
        try:
            polygon = shape(geometry)
        except (ValueError, TypeError, AttributeError, IndexError) as exc:
            fail("geometry", f"cannot be read: {exc}")
            continue
        if polygon.is_empty or not polygon.is_valid:
            fail("geometry", f"is not a valid polygon ({shapely.is_valid_reason(polygon)})")
            continue
        label = str(properties.get(name_property) or code) if name_property else code
        parent = str(properties.get(parent_property) or "").strip() or None if parent_property else None
        areas.append(AreaFeature(code, label, geometry, parent, dict(properties)))
    if errors:
        raise InputFileError(name, errors[:200], truncated=max(0, len(errors) - 200))
    return areas


class PolygonIndex:
    """Finds the polygon each point falls in (the first, where polygons overlap)."""

    def __init__(self, codes: list[str], geometries: list[dict[str, Any]]) -> None:
        self.codes = codes
        self._shapes = [shape(g) for g in geometries]
        self._tree = shapely.STRtree(self._shapes)

    def locate(self, latitude: npt.ArrayLike, longitude: npt.ArrayLike) -> list[str | None]:
        lats = np.atleast_1d(np.asarray(latitude, dtype=np.float64))
        lons = np.atleast_1d(np.asarray(longitude, dtype=np.float64))
        points = shapely.points(lons, lats)
        point_index, polygon_index = self._tree.query(points, predicate="intersects")
        found: list[str | None] = [None] * len(lats)
        for p, g in zip(point_index.tolist(), polygon_index.tolist(), strict=True):
            if found[p] is None:
                found[p] = self.codes[g]
        return found
