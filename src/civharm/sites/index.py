"""A spatial index of sites that answers "what lies within R km" exactly, in bulk.

Sites are kept as unit vectors in a 3-D KD-tree (``scipy.spatial.cKDTree``). A search radius
R on the sphere is the chord 2·sin(R / 2r) in 3-D, so the tree returns a superset of the
answer with no projection, no special case at the poles and none at the antimeridian; each
candidate is then kept only if its great-circle (haversine) distance is within R. Polygon
sites sit in a second tree at their centre and are searched with R plus the largest polygon
radius, then measured exactly to their edges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from civharm.sites.geometry import EARTH_RADIUS_KM, Floats, Shape, chord_for_km, haversine_km, unit_vectors

Ints = NDArray[np.int64]
#: Distances from chords are good to ~1e-9 km; nearer than this to the radius, haversine decides.
BOUNDARY_KM = 1e-6


@dataclass(frozen=True)
class Pairs:
    """Pairs within reach: ``point[k]`` is ``distance_km[k]`` from site number ``site[k]``."""

    point: Ints
    site: Ints
    distance_km: Floats

    def __len__(self) -> int:
        return len(self.point)

    def sorted(self) -> Pairs:
        """Ordered by point, then distance, then site."""
        order = np.lexsort((self.site, self.distance_km, self.point))
        return Pairs(self.point[order], self.site[order], self.distance_km[order])


def _empty() -> Pairs:
    return Pairs(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))


def _concat(parts: Sequence[Pairs]) -> Pairs:
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    return Pairs(
        np.concatenate([p.point for p in parts]),
        np.concatenate([p.site for p in parts]),
        np.concatenate([p.distance_km for p in parts]),
    )


class SiteIndex:
    """Sites numbered 0..n-1 in the order given: points by coordinates, polygons by shape.

    Example::

        index = SiteIndex.from_points(lats, lons)
        pairs = index.pairs_within(point_lats, point_lons, radius_km=5.0)
    """

    def __init__(
        self,
        latitude: Floats,
        longitude: Floats,
        shapes: dict[int, Shape] | None = None,
    ) -> None:
        self.latitude = np.ascontiguousarray(latitude, dtype=np.float64)
        self.longitude = np.ascontiguousarray(longitude, dtype=np.float64)
        self.shapes = {k: v for k, v in (shapes or {}).items() if v.kind == "polygon"}
        count = len(self.latitude)
        is_polygon = np.zeros(count, dtype=bool)
        is_polygon[list(self.shapes)] = True
        self._point_ids = np.flatnonzero(~is_polygon)
        self._polygon_ids = np.flatnonzero(is_polygon)
        self._point_tree = cKDTree(
            unit_vectors(self.latitude[self._point_ids], self.longitude[self._point_ids])
        )
        centres = np.array([self.shapes[int(i)].centre for i in self._polygon_ids]).reshape(-1, 3)
        self._polygon_tree = cKDTree(centres)
        self._max_polygon_radius = max((s.radius_km for s in self.shapes.values()), default=0.0)

    @classmethod
    def from_points(cls, latitude: Floats, longitude: Floats) -> SiteIndex:
        return cls(latitude, longitude)

    def __len__(self) -> int:
        return len(self.latitude)

    def pairs_within(self, latitude: Floats, longitude: Floats, *, radius_km: float) -> Pairs:
        """Every (point, site) pair whose great-circle distance is at most ``radius_km``."""
        lat = np.atleast_1d(np.asarray(latitude, dtype=np.float64))
        lon = np.atleast_1d(np.asarray(longitude, dtype=np.float64))
        vectors = unit_vectors(lat, lon)
        found = [self._point_pairs(vectors, lat, lon, radius_km)]
        if len(self._polygon_ids):
            found.append(self._polygon_pairs(vectors, radius_km))
        return _concat(found)

    def _candidates(self, tree: cKDTree, vectors: Floats, reach_km: float) -> tuple[Ints, Ints, Floats]:
        """(query row, tree row, distance in km from the chord) for chords within that of ``reach_km``."""
        chord = chord_for_km(reach_km)
        if len(vectors) == 1:
            hits = np.asarray(tree.query_ball_point(vectors[0], chord), dtype=np.int64)
            rows = np.zeros(len(hits), dtype=np.int64)
            chords = np.linalg.norm(tree.data[hits] - vectors[0], axis=1) if len(hits) else np.empty(0)
        else:
            # One dual-tree traversal in C returns the pairs as arrays; it beats per-point queries
            # whose Python lists cost more to flatten than the search itself.
            found = cKDTree(vectors).sparse_distance_matrix(tree, chord, output_type="ndarray")
            rows, hits, chords = found["i"].astype(np.int64), found["j"].astype(np.int64), found["v"]
        distance = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chords / 2.0, 1.0))
        return rows, hits, distance

    def _point_pairs(self, vectors: Floats, lat: Floats, lon: Floats, radius_km: float) -> Pairs:
        rows, tree_rows, distance = self._candidates(self._point_tree, vectors, radius_km)
        sites = self._point_ids[tree_rows]
        # The chord gives the distance to a nanometre; where that is too close to the radius to
        # call, the haversine formula decides, so the answer is exactly the brute-force one.
        close = np.flatnonzero(np.abs(distance - radius_km) <= BOUNDARY_KM)
        if len(close):
            distance[close] = haversine_km(
                lat[rows[close]], lon[rows[close]], self.latitude[sites[close]], self.longitude[sites[close]]
            )
        keep = distance <= radius_km
        return Pairs(rows[keep], sites[keep], distance[keep])

    def _polygon_pairs(self, vectors: Floats, radius_km: float) -> Pairs:
        rows, tree_rows, _ = self._candidates(
            self._polygon_tree, vectors, radius_km + self._max_polygon_radius
        )
        sites = self._polygon_ids[tree_rows]
        found = []
        for site in np.unique(sites):
            mine = rows[sites == site]
            distance = self.shapes[int(site)].distance_km(vectors[mine])
            keep = distance <= radius_km
            found.append(Pairs(mine[keep], np.full(int(keep.sum()), site, dtype=np.int64), distance[keep]))
        return _concat(found)

    def within_shape(self, area: Shape, *, radius_km: float) -> Pairs:
        """Sites within ``radius_km`` of a planned area (a polygon, or a point); ``point`` is all 0."""
        if area.kind == "point":
            lat, lon = area.latitude, area.longitude
            return self.pairs_within(np.array([lat]), np.array([lon]), radius_km=radius_km)
        centre = area.centre.reshape(1, 3)
        found = []
        reach = radius_km + area.radius_km
        rows, tree_rows, _ = self._candidates(self._point_tree, centre, reach)
        if len(tree_rows):
            sites = self._point_ids[tree_rows]
            distance = area.distance_km(unit_vectors(self.latitude[sites], self.longitude[sites]))
            keep = distance <= radius_km
            found.append(Pairs(rows[keep], sites[keep], distance[keep]))
        if len(self._polygon_ids):
            _, tree_rows, _ = self._candidates(self._polygon_tree, centre, reach + self._max_polygon_radius)
            for site in self._polygon_ids[tree_rows]:
                d = area.distance_to_shape_km(self.shapes[int(site)])
                if d <= radius_km:
                    found.append(Pairs(np.zeros(1, np.int64), np.array([site]), np.array([d])))
        return _concat(found)
