"""GeoJSON (RFC 7946): incidents as features, the checks the RFC sets, and features read as rows."""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

from civharm.exchange.tables import cell_text

GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


def feature_collection(incidents: list[dict[str, Any]], *, meta: dict[str, Any]) -> dict[str, Any]:
    """Incidents as Point features (no geometry where the coordinates are withheld or unknown)."""
    features = []
    for incident in incidents:
        properties = {k: v for k, v in incident.items() if k not in ("latitude", "longitude")}
        latitude, longitude = incident.get("latitude"), incident.get("longitude")
        geometry = None
        if latitude is not None and longitude is not None:
            geometry = {"type": "Point", "coordinates": [round(longitude, 6), round(latitude, 6)]}
        features.append(
            {"type": "Feature", "id": incident["code"], "geometry": geometry, "properties": properties}
        )
    # Foreign members are allowed by RFC 7946 section 6.1; a "crs" member is not (section 4).
    return {"type": "FeatureCollection", "civharm": meta, "features": features}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _position(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or len(value) not in (2, 3) or not all(_number(v) for v in value):
        return [f"{where}: a position is an array of two or three numbers"]
    longitude, latitude = value[0], value[1]
    problems = []
    if not -180 <= longitude <= 180:
        problems.append(
            f"{where}: longitude {longitude} is outside -180..180 (positions are [longitude, latitude])"
        )
    if not -90 <= latitude <= 90:
        problems.append(f"{where}: latitude {latitude} is outside -90..90")
    return problems


def _ring_area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in pairwise(ring)) / 2


def _ring(ring: Any, where: str, exterior: bool) -> list[str]:
    if not isinstance(ring, list) or len(ring) < 4:
        return [f"{where}: a linear ring has four or more positions"]
    problems = [p for i, pos in enumerate(ring) for p in _position(pos, f"{where}[{i}]")]
    if problems:
        return problems
    if ring[0] != ring[-1]:
        return [f"{where}: a linear ring ends where it starts"]
    area = _ring_area(ring)
    if (area < 0) if exterior else (area > 0):  # RFC 7946 3.1.6: exterior rings counterclockwise
        return [f"{where}: {'exterior rings run counterclockwise' if exterior else 'holes run clockwise'}"]
    return []


def _coordinates(kind: str, value: Any, where: str) -> list[str]:
    if kind == "Point":
        return _position(value, where)
    if not isinstance(value, list):
        return [f"{where}: coordinates of a {kind} are an array"]
    if kind == "MultiPoint":
        return [p for i, v in enumerate(value) for p in _position(v, f"{where}[{i}]")]
    if kind == "LineString":
        found = [p for i, v in enumerate(value) for p in _position(v, f"{where}[{i}]")]
        return found or ([] if len(value) >= 2 else [f"{where}: a LineString has two or more positions"])
    if kind == "MultiLineString":
        return [p for i, v in enumerate(value) for p in _coordinates("LineString", v, f"{where}[{i}]")]
    if kind == "Polygon":
        return [p for i, ring in enumerate(value) for p in _ring(ring, f"{where}[{i}]", i == 0)]
    return [p for i, v in enumerate(value) for p in _coordinates("Polygon", v, f"{where}[{i}]")]


def geometry_problems(geometry: Any, where: str) -> list[str]:
    if geometry is None:
        return []
    if not isinstance(geometry, dict):
        return [f"{where}: a geometry is an object or null"]
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list):
            return [f"{where}: a GeometryCollection has a 'geometries' array"]
        return [p for i, g in enumerate(members) for p in geometry_problems(g, f"{where}.geometries[{i}]")]
    if kind not in GEOMETRY_TYPES:
        return [f"{where}: {kind!r} is not a GeoJSON geometry type"]
    if "coordinates" not in geometry:
        return [f"{where}: a {kind} has 'coordinates'"]
    return _coordinates(kind, geometry["coordinates"], f"{where}.coordinates")


def _bbox(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) not in (4, 6) or not all(_number(v) for v in value):
        return [f"{where}.bbox: a bounding box is an array of 4 or 6 numbers"]
    return []


def feature_problems(feature: Any, where: str) -> list[str]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [f"{where}: a feature is an object with type 'Feature'"]
    problems = []
    if "geometry" not in feature:
        problems.append(f"{where}: a feature has a 'geometry' member (null if unlocated)")
    if "properties" not in feature or not isinstance(feature["properties"], dict | None):
        problems.append(f"{where}: a feature has a 'properties' member, an object or null")
    if "id" in feature and not isinstance(feature["id"], str | int | float):
        problems.append(f"{where}.id: a feature id is a string or a number")
    return (
        problems
        + geometry_problems(feature.get("geometry"), f"{where}.geometry")
        + _bbox(feature.get("bbox"), where)
    )


def rfc7946_problems(document: Any) -> list[str]:
    """Every way ``document`` breaks RFC 7946 (empty when it is valid GeoJSON)."""
    if not isinstance(document, dict):
        return ["the document is not a JSON object"]
    problems = []
    if "crs" in document:
        problems.append("'crs' is not part of RFC 7946: coordinates are WGS 84 longitude, latitude")
    problems += _bbox(document.get("bbox"), "document")
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            return [*problems, "a FeatureCollection has a 'features' array"]
        return problems + [
            p for i, f in enumerate(features, start=1) for p in feature_problems(f, f"feature {i}")
        ]
    if kind == "Feature":
        return problems + feature_problems(document, "feature 1")
    return problems + geometry_problems(document, "geometry")


def feature_rows(document: dict[str, Any]) -> list[tuple[int, dict[str, str]]]:
    """Features as numbered rows: properties as text, ``latitude``/``longitude`` from a Point, ``id``."""
    features = document["features"] if document.get("type") == "FeatureCollection" else [document]
    rows = []
    for number, feature in enumerate(features, start=1):
        row = {str(k): cell_text(v) for k, v in (feature.get("properties") or {}).items()}
        if "id" in feature:
            row.setdefault("id", cell_text(feature["id"]))
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Point":
            row["longitude"], row["latitude"] = (cell_text(v) for v in geometry["coordinates"][:2])
        elif geometry:
            row["_geometry"] = str(geometry.get("type"))
        rows.append((number, row))
    return rows
