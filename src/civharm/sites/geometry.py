"""Great-circle geometry on a sphere: distances, site shapes and their exact distance to points.

Everything is computed on a sphere of radius :data:`EARTH_RADIUS_KM` (the IUGG mean radius),
never on projected coordinates, so results hold at the poles and across the antimeridian.
Polygon edges are great-circle arcs (the shortest path between two vertices), which is what
a planner means by "the line between these two corners" and what keeps a polygon that crosses
the antimeridian in one piece.

No I/O here: callers hand in coordinates and get numbers back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

EARTH_RADIUS_KM = 6371.0088
#: A polygon site or planned area may reach at most this far from its centre. Larger shapes
#: are refused: they are regions, not objects, and the containment test needs a hemisphere.
MAX_SHAPE_RADIUS_KM = 2000.0

Floats = NDArray[np.float64]
Vectors = NDArray[np.float64]  # shape (n, 3): unit vectors on the sphere


class GeometryError(ValueError):
    """A shape that cannot be used; the message says what is wrong and where."""


def unit_vectors(latitude: Floats | float, longitude: Floats | float) -> Vectors:
    """Unit vectors (x, y, z) of points given in degrees; shape (n, 3)."""
    lat = np.radians(np.atleast_1d(np.asarray(latitude, dtype=np.float64)))
    lon = np.radians(np.atleast_1d(np.asarray(longitude, dtype=np.float64)))
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def haversine_km(
    lat1: Floats | float, lon1: Floats | float, lat2: Floats | float, lon2: Floats | float
) -> Floats:
    """Great-circle distance in km between points in degrees (numpy broadcasting)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    half_dphi = (phi2 - phi1) / 2.0
    half_dlambda = np.radians(np.asarray(lon2, dtype=np.float64) - lon1) / 2.0
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=np.float64)


def chord_for_km(distance_km: float) -> float:
    """The straight-line distance between unit vectors that are ``distance_km`` apart on the sphere.

    A hair of margin is added so that a KD-tree query with it returns every point whose
    haversine distance is within ``distance_km``; callers filter exactly afterwards.
    """
    angle = min(max(distance_km, 0.0) / EARTH_RADIUS_KM, math.pi)
    return 2.0 * math.sin(angle / 2.0) * (1.0 + 1e-9) + 1e-12


def angle_between(p: Vectors, q: Vectors) -> Floats:
    """Central angle in radians between rows of ``p`` and ``q`` (broadcasting), accurate at all sizes."""
    cross = np.linalg.norm(np.cross(p, q), axis=-1)
    dot = np.einsum("...i,...i->...", p, q)
    return np.asarray(np.arctan2(cross, dot), dtype=np.float64)


def to_lat_lon(vector: Vectors) -> tuple[float, float]:
    x, y, z = (float(v) for v in vector)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def mean_position(latitude: Floats, longitude: Floats) -> tuple[float, float]:
    """The normalised mean of points on the sphere, in degrees (meaningful for nearby points)."""
    total = unit_vectors(latitude, longitude).sum(axis=0)
    return to_lat_lon(total / max(float(np.linalg.norm(total)), 1e-300))


def arc_distance(points: Vectors, a: Vectors, b: Vectors) -> Floats:
    """Angular distance (radians) from each row of ``points`` to the great-circle arc from ``a`` to ``b``."""
    to_ends = np.minimum(angle_between(points, a), angle_between(points, b))
    normal = np.cross(a, b)
    length = float(np.linalg.norm(normal))
    if length < 1e-15:  # the arc is a single point (or spans half the globe; vertices refuse that)
        return to_ends
    normal = normal / length
    off_plane = points @ normal
    foot = points - np.outer(off_plane, normal)
    # The foot of the perpendicular lies on the arc when it is between a and b seen along the normal.
    between = (np.cross(a, foot) @ normal >= 0.0) & (np.cross(foot, b) @ normal >= 0.0)
    to_circle = np.arctan2(np.abs(off_plane), np.linalg.norm(foot, axis=1))
    return np.where(between, np.minimum(to_circle, to_ends), to_ends)


def _tangent_frame(centre: Vectors) -> tuple[Vectors, Vectors]:
    """East and north unit vectors at ``centre`` (any frame works at a pole)."""
    east = np.cross([0.0, 0.0, 1.0], centre)
    if np.linalg.norm(east) < 1e-12:
        east = np.array([0.0, 1.0, 0.0])
    east = east / np.linalg.norm(east)
    return east, np.cross(centre, east)


@dataclass(frozen=True)
class Ring:
    """One closed ring of a polygon, as unit vectors without the repeated closing vertex."""

    vectors: Vectors


@dataclass(frozen=True)
class Shape:
    """A point, or polygons with holes, with the smallest cap around it that the index uses.

    ``centre`` is the normalised mean of the vertices; ``radius_km`` is the greatest distance
    from it to any vertex, which bounds the whole shape because caps smaller than a hemisphere
    contain the arcs between their points.
    """

    kind: str  # "point" or "polygon"
    geojson: dict[str, Any]
    centre: Vectors
    radius_km: float
    polygons: tuple[tuple[Ring, ...], ...] = ()
    _planar: Any = field(default=None, compare=False, repr=False)

    @property
    def latitude(self) -> float:
        return to_lat_lon(self.centre)[0]

    @property
    def longitude(self) -> float:
        return to_lat_lon(self.centre)[1]

    def _gnomonic(self, points: Vectors) -> tuple[Floats, Floats, NDArray[np.bool_]]:
        # The gnomonic projection maps great circles to straight lines, so point-in-polygon on
        # the projected plane is exact for polygons whose edges are great-circle arcs.
        east, north = _tangent_frame(self.centre)
        depth = points @ self.centre
        front = depth > 1e-9
        safe = np.where(front, depth, 1.0)
        return (points @ east) / safe, (points @ north) / safe, front

    def _planar_polygons(self) -> Any:
        if self._planar is None:
            parts = [_project_rings(self, rings) for rings in self.polygons]
            object.__setattr__(self, "_planar", shapely.MultiPolygon(parts))
        return self._planar

    def contains(self, points: Vectors) -> NDArray[np.bool_]:
        """Which of ``points`` lie inside (or on the edge of) the shape; a point shape contains none."""
        if self.kind == "point":
            return np.zeros(len(points), dtype=bool)
        x, y, front = self._gnomonic(points)
        inside = shapely.intersects_xy(self._planar_polygons(), x, y)
        return np.asarray(inside & front, dtype=bool)

    def distance_km(self, points: Vectors) -> Floats:
        """Great-circle distance in km from each point to the shape (0 inside a polygon)."""
        points = np.atleast_2d(points)
        if self.kind == "point":
            return angle_between(points, self.centre) * EARTH_RADIUS_KM
        best = np.full(len(points), np.inf)
        for rings in self.polygons:
            for ring in rings:
                ends = np.roll(ring.vectors, -1, axis=0)
                for a, b in zip(ring.vectors, ends, strict=True):
                    best = np.minimum(best, arc_distance(points, a, b))
        return np.where(self.contains(points), 0.0, best * EARTH_RADIUS_KM)

    def vertices(self) -> Vectors:
        if self.kind == "point":
            return self.centre.reshape(1, 3)
        return np.vstack([ring.vectors for rings in self.polygons for ring in rings])

    def distance_to_shape_km(self, other: Shape) -> float:
        """Great-circle distance between two shapes: 0 when they touch or overlap."""
        if other.kind == "point":
            return float(self.distance_km(other.centre.reshape(1, 3))[0])
        if self.kind == "point":
            return other.distance_to_shape_km(self)
        if float(angle_between(self.centre, other.centre)) * EARTH_RADIUS_KM > 2 * MAX_SHAPE_RADIUS_KM:
            return float(np.min(other.distance_km(self.vertices())))
        # Both polygons fit in the hemisphere around this centre: overlap is exact in its projection.
        if bool(np.any(self.contains(other.vertices()))) or bool(np.any(other.contains(self.vertices()))):
            return 0.0
        other_planar = shapely.MultiPolygon([_project_rings(self, rings) for rings in other.polygons])
        if shapely.intersects(self._planar_polygons(), other_planar):
            return 0.0
        return float(
            min(np.min(self.distance_km(other.vertices())), np.min(other.distance_km(self.vertices())))
        )


def _project_rings(shape: Shape, rings: tuple[Ring, ...]) -> Any:
    """One polygon in the gnomonic plane of ``shape``'s centre."""
    projected = []
    for ring in rings:
        x, y, _ = shape._gnomonic(ring.vectors)
        projected.append(np.column_stack((x, y)))
    return shapely.Polygon(projected[0], projected[1:])


def _check_position(position: Any, where: str) -> tuple[float, float]:
    if not isinstance(position, Sequence) or isinstance(position, str) or len(position) < 2:
        raise GeometryError(f"{where}: a position must be [longitude, latitude]")
    try:
        lon, lat = float(position[0]), float(position[1])
    except (TypeError, ValueError):
        raise GeometryError(f"{where}: coordinates must be numbers") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise GeometryError(f"{where}: coordinates must be finite numbers")
    if not -90.0 <= lat <= 90.0:
        raise GeometryError(f"{where}: latitude {lat} is outside -90..90")
    if not -180.0 <= lon <= 180.0:
        raise GeometryError(f"{where}: longitude {lon} is outside -180..180")
    return lon, lat


def point_shape(latitude: float, longitude: float) -> Shape:
    """A point site or planned point; coordinates in degrees, checked for range."""
    lon, lat = _check_position([longitude, latitude], "point")
    return Shape(
        kind="point",
        geojson={"type": "Point", "coordinates": [lon, lat]},
        centre=unit_vectors(lat, lon)[0],
        radius_km=0.0,
    )


def _ring(coordinates: Any, where: str) -> tuple[list[tuple[float, float]], Ring]:
    if not isinstance(coordinates, Sequence) or isinstance(coordinates, str):
        raise GeometryError(f"{where}: a ring must be a list of positions")
    positions = [_check_position(p, f"{where}, position {i + 1}") for i, p in enumerate(coordinates)]
    if len(positions) < 4:
        raise GeometryError(f"{where}: a ring needs at least 4 positions (the last repeating the first)")
    if positions[0] != positions[-1]:
        first, last = positions[0], positions[-1]
        raise GeometryError(
            f"{where}: the polygon does not close: the first position {list(first)} "
            f"differs from the last {list(last)}"
        )
    distinct = positions[:-1]
    lons, lats = zip(*distinct, strict=True)
    return positions, Ring(unit_vectors(np.array(lats), np.array(lons)))


def polygon_shape(polygons: list[Any]) -> Shape:
    """Polygons given as GeoJSON ``MultiPolygon`` coordinates (lists of rings of [lon, lat])."""
    if not polygons:
        raise GeometryError("a polygon needs at least one ring")
    parsed: list[tuple[Ring, ...]] = []
    clean: list[list[list[list[float]]]] = []
    for p, rings in enumerate(polygons):
        if not isinstance(rings, Sequence) or not rings:
            raise GeometryError(f"polygon {p + 1}: needs an outer ring")
        pairs = [_ring(r, f"polygon {p + 1}, ring {i + 1}") for i, r in enumerate(rings)]
        parsed.append(tuple(ring for _, ring in pairs))
        clean.append([[list(pos) for pos in positions] for positions, _ in pairs])
    vertices = np.vstack([rings[0].vectors for rings in parsed])
    mean = vertices.mean(axis=0)
    if np.linalg.norm(mean) < 1e-9:
        raise GeometryError("the polygon is too large or degenerate to have a centre")
    centre = mean / np.linalg.norm(mean)
    every = np.vstack([ring.vectors for rings in parsed for ring in rings])
    radius = float(np.max(angle_between(every, centre))) * EARTH_RADIUS_KM * (1 + 1e-9)
    if radius > MAX_SHAPE_RADIUS_KM:
        raise GeometryError(
            f"the polygon reaches {radius:,.0f} km from its centre; at most {MAX_SHAPE_RADIUS_KM:,.0f}"
        )
    geojson: dict[str, Any] = (
        {"type": "Polygon", "coordinates": clean[0]}
        if len(clean) == 1
        else {"type": "MultiPolygon", "coordinates": clean}
    )
    return Shape(kind="polygon", geojson=geojson, centre=centre, radius_km=radius, polygons=tuple(parsed))


def shape_from_geojson(geometry: Any) -> Shape:
    """A shape from a GeoJSON geometry object (Point, Polygon or MultiPolygon)."""
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise GeometryError("not a GeoJSON geometry (an object with 'type' and 'coordinates')")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        lon, lat = _check_position(coordinates, "point")
        return point_shape(lat, lon)
    if kind == "Polygon":
        return polygon_shape([coordinates])
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list):
            raise GeometryError("MultiPolygon coordinates must be a list of polygons")
        return polygon_shape(coordinates)
    raise GeometryError(f"geometry type {kind!r} is not supported; use Point, Polygon or MultiPolygon")


def shape_from_wkt(text: str) -> Shape:
    """A shape from WKT (``POINT (lon lat)``, ``POLYGON ((lon lat, ...))``, ``MULTIPOLYGON``).

    Rings are checked for closure here, not by the WKT reader, so an open ring gets the same
    message from every input format.
    """
    try:
        geometry = shapely.from_wkt(text)
    except shapely.errors.GEOSException as exc:
        if "closed" in str(exc).lower():
            raise GeometryError(
                "the polygon does not close: the first position differs from the last"
            ) from None
        raise GeometryError(f"not valid WKT: {exc}") from None
    return shape_from_geojson(shapely.geometry.mapping(geometry))
