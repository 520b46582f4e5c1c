"""Small pure geometry helpers: great-circle distance, bounding boxes, outline simplification."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

EARTH_RADIUS_KM = 6371.0088

Point = tuple[float, float]  # (longitude, latitude), GeoJSON order
BBox = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km. Example: ``haversine_km(35.0, 40.45, 35.1, 40.45)`` ≈ 11.1."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def degrees_around(latitude: float, km: float) -> tuple[float, float]:
    """How many degrees of latitude and of longitude ``km`` spans at ``latitude`` (a search box)."""
    dlat = km / 111.32
    cos_lat = max(math.cos(math.radians(latitude)), 0.01)
    return dlat, min(180.0, km / (111.32 * cos_lat))


def simplify_ring(ring: Sequence[Sequence[float]], tolerance: float, digits: int = 3) -> list[list[float]]:
    """Drop points closer than ``tolerance`` degrees to the last kept one, rounding to ``digits``.

    Closed rings stay closed and keep at least four points, so the result is still valid
    GeoJSON; tiny rings that would collapse are returned unchanged (rounded).
    """
    rounded = [[round(float(x), digits), round(float(y), digits)] for x, y, *_ in ring]
    if len(rounded) <= 4:
        return rounded
    kept = [rounded[0]]
    for point in rounded[1:-1]:
        last = kept[-1]
        if abs(point[0] - last[0]) >= tolerance or abs(point[1] - last[1]) >= tolerance:
            kept.append(point)
    kept.append(rounded[-1])
    if len(kept) < 4:
        return rounded
    return kept


def simplify_geometry(geometry: dict[str, Any], tolerance: float) -> dict[str, Any]:
    """A Polygon or MultiPolygon with every ring simplified by :func:`simplify_ring`."""
    kind = geometry["type"]
    if kind == "Polygon":
        rings = [simplify_ring(r, tolerance) for r in geometry["coordinates"]]
        return {"type": kind, "coordinates": rings}
    if kind == "MultiPolygon":
        polygons = [[simplify_ring(r, tolerance) for r in p] for p in geometry["coordinates"]]
        return {"type": kind, "coordinates": polygons}
    raise ValueError(f"cannot simplify a {kind}; expected Polygon or MultiPolygon")


def _points(geometry: dict[str, Any]) -> Iterable[Sequence[float]]:
    coords = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        coords = [coords]
    for polygon in coords:
        for ring in polygon:
            yield from ring


def bbox_of(geometry: dict[str, Any]) -> BBox:
    """The bounding box of a Polygon or MultiPolygon."""
    xs, ys = [], []
    for x, y, *_ in _points(geometry):
        xs.append(float(x))
        ys.append(float(y))
    return (min(xs), min(ys), max(xs), max(ys))


def bbox_union(boxes: Iterable[BBox]) -> BBox:
    items = list(boxes)
    return (
        min(b[0] for b in items),
        min(b[1] for b in items),
        max(b[2] for b in items),
        max(b[3] for b in items),
    )
