"""Screening hits equal a brute-force great-circle computation, at the poles and the antimeridian too."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civharm.sites.geometry import EARTH_RADIUS_KM, haversine_km, shape_from_geojson, unit_vectors
from civharm.sites.index import SiteIndex
from civharm.sites.screening import reach_box


def _brute_force(
    site_lat: np.ndarray, site_lon: np.ndarray, lat: np.ndarray, lon: np.ndarray, radius_km: float
) -> set[tuple[int, int]]:
    distance = haversine_km(lat[:, None], lon[:, None], site_lat[None, :], site_lon[None, :])
    points, sites = np.nonzero(distance <= radius_km)
    return set(zip(points.tolist(), sites.tolist(), strict=True))


def _textbook_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """An independent haversine written from the formula, to check the distances reported."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def _cloud(rng: np.random.Generator, n: int, lat: tuple[float, float], lon: tuple[float, float]) -> tuple:
    return rng.uniform(*lat, n), rng.uniform(*lon, n)


REGIONS = {
    "north pole": ((84.0, 90.0), (-180.0, 180.0)),
    "south pole": ((-90.0, -85.0), (-180.0, 180.0)),
    "antimeridian": ((-10.0, 10.0), (-180.0, 180.0)),
    "euphrates": ((33.8, 36.8), (38.0, 42.5)),
}


@pytest.mark.parametrize("region", list(REGIONS))
@pytest.mark.parametrize("radius_km", [0.5, 25.0, 120.0])
def test_batch_hits_equal_brute_force(region: str, radius_km: float) -> None:
    lat_range, lon_range = REGIONS[region]
    rng = np.random.default_rng(abs(hash((region, radius_km))) % 2**32)
    if region == "antimeridian":  # crowd both sides of ±180°
        site_lat, site_lon = (
            rng.uniform(-10, 10, 3000),
            rng.choice([-1, 1], 3000) * rng.uniform(178, 180, 3000),
        )
        lat, lon = rng.uniform(-10, 10, 400), rng.choice([-1, 1], 400) * rng.uniform(179, 180, 400)
    else:
        site_lat, site_lon = _cloud(rng, 3000, lat_range, lon_range)
        lat, lon = _cloud(rng, 400, lat_range, lon_range)
    index = SiteIndex.from_points(site_lat, site_lon)
    pairs = index.pairs_within(lat, lon, radius_km=radius_km)
    found = set(zip(pairs.point.tolist(), pairs.site.tolist(), strict=True))
    assert found == _brute_force(site_lat, site_lon, lat, lon, radius_km)
    assert len(found) == len(pairs)  # no pair twice
    for k in range(0, len(pairs), max(1, len(pairs) // 50)):
        p, s = int(pairs.point[k]), int(pairs.site[k])
        expected = _textbook_km(lat[p], lon[p], site_lat[s], site_lon[s])
        assert pairs.distance_km[k] == pytest.approx(expected, abs=1e-8)


def test_hits_across_the_antimeridian_and_over_the_pole() -> None:
    index = SiteIndex.from_points(np.array([0.0, 0.0, 89.95, -89.99]), np.array([179.99, -179.99, 0.0, 77.0]))
    east = index.pairs_within(np.array([0.0]), np.array([-179.995]), radius_km=2.0)
    assert sorted(east.site.tolist()) == [0, 1]
    pole = index.pairs_within(np.array([89.95]), np.array([180.0]), radius_km=11.2)
    assert pole.site.tolist() == [2]  # 0.1° of latitude across the pole is 11.12 km
    south = index.pairs_within(np.array([-89.99]), np.array([-103.0]), radius_km=2.3)
    assert south.site.tolist() == [3]


coordinates = st.tuples(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(
    sites=st.lists(coordinates, min_size=1, max_size=60),
    points=st.lists(coordinates, min_size=1, max_size=20),
    radius_km=st.floats(0.0, 20_100.0, allow_nan=False),
)
def test_any_points_anywhere(sites: list, points: list, radius_km: float) -> None:
    site_lat, site_lon = (np.array(v, dtype=float) for v in zip(*sites, strict=True))
    lat, lon = (np.array(v, dtype=float) for v in zip(*points, strict=True))
    pairs = SiteIndex.from_points(site_lat, site_lon).pairs_within(lat, lon, radius_km=radius_km)
    found = set(zip(pairs.point.tolist(), pairs.site.tolist(), strict=True))
    assert found == _brute_force(site_lat, site_lon, lat, lon, radius_km)


def _densified_distance(shape_coords: list, lat: float, lon: float, steps: int = 400) -> float:
    """Brute force: sample every edge as a great-circle arc and take the nearest sample."""
    best = math.inf
    ring = shape_coords[0]
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(ring):
        a, b = unit_vectors(lat1, lon1)[0], unit_vectors(lat2, lon2)[0]
        omega = math.acos(max(-1.0, min(1.0, float(a @ b))))
        for t in np.linspace(0, 1, steps):
            v = (math.sin((1 - t) * omega) * a + math.sin(t * omega) * b) / math.sin(omega)
            vlat, vlon = math.degrees(math.asin(v[2])), math.degrees(math.atan2(v[1], v[0]))
            best = min(best, _textbook_km(lat, lon, vlat, vlon))
    return best


@pytest.mark.parametrize(
    "ring",
    [
        [[40.0, 35.0], [40.2, 35.0], [40.2, 35.1], [40.0, 35.1], [40.0, 35.0]],  # a compound
        [[179.8, -16.0], [-179.7, -16.0], [-179.7, -15.6], [179.8, -15.6], [179.8, -16.0]],  # over ±180°
        [[0.0, 88.0], [120.0, 88.0], [-120.0, 88.0], [0.0, 88.0]],  # around the North Pole
        [[10.0, 0.0], [12.0, 0.0], [12.0, 2.0], [11.0, 0.5], [10.0, 2.0], [10.0, 0.0]],  # concave
    ],
)
def test_polygon_distance_matches_densified_brute_force(ring: list) -> None:
    shape = shape_from_geojson({"type": "Polygon", "coordinates": [ring]})
    rng = np.random.default_rng(3)
    lats = np.clip(shape.latitude + rng.normal(0, 2.0, 40), -90, 90)
    lons = (shape.longitude + rng.normal(0, 4.0, 40) + 180) % 360 - 180
    exact = shape.distance_km(unit_vectors(lats, lons))
    inside = shape.contains(unit_vectors(lats, lons))
    for k in range(len(lats)):
        if inside[k]:
            assert exact[k] == 0.0
        else:
            assert exact[k] == pytest.approx(_densified_distance([ring], lats[k], lons[k]), abs=0.05)


def test_a_point_in_the_notch_of_a_concave_polygon_is_outside() -> None:
    ring = [[10.0, 0.0], [12.0, 0.0], [12.0, 2.0], [11.0, 0.5], [10.0, 2.0], [10.0, 0.0]]
    shape = shape_from_geojson({"type": "Polygon", "coordinates": [ring]})
    notch, body = unit_vectors(np.array([1.5, 0.2]), np.array([11.0, 11.0]))
    assert shape.distance_km(np.array([notch, body])).tolist()[1] == 0.0
    assert shape.distance_km(np.array([notch]))[0] > 50.0


def test_polygon_sites_are_found_by_their_edge_not_their_centre() -> None:
    square = {
        "type": "Polygon",
        "coordinates": [[[40.0, 35.0], [40.5, 35.0], [40.5, 35.5], [40.0, 35.5], [40.0, 35.0]]],
    }
    shape = shape_from_geojson(square)
    index = SiteIndex(np.array([shape.latitude, 0.0]), np.array([shape.longitude, 0.0]), {0: shape})
    # 1 km east of the east edge: 28 km from the centre, but 1 km from the polygon.
    lon_1km_east = 40.5 + 1.0 / (111.195 * math.cos(math.radians(35.25)))
    pairs = index.pairs_within(np.array([35.25]), np.array([lon_1km_east]), radius_km=1.5)
    assert pairs.site.tolist() == [0]
    assert pairs.distance_km[0] == pytest.approx(1.0, abs=0.01)
    inside = index.pairs_within(np.array([35.2]), np.array([40.2]), radius_km=0.0)
    assert (inside.site.tolist(), inside.distance_km.tolist()) == ([0], [0.0])


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(-90, 90, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
    reach_km=st.floats(0.001, 3000, allow_nan=False),
    bearing=st.floats(0, 360, allow_nan=False),
    fraction=st.floats(0, 1, allow_nan=False),
)
def test_the_store_candidate_box_holds_every_point_in_reach(
    lat: float, lon: float, reach_km: float, bearing: float, fraction: float
) -> None:
    # A point `fraction * reach` away in any direction (the destination formula on the sphere).
    delta, theta, phi = fraction * reach_km / EARTH_RADIUS_KM, math.radians(bearing), math.radians(lat)
    lat2 = math.asin(math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta))
    lon2 = math.radians(lon) + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi), math.cos(delta) - math.sin(phi) * math.sin(lat2)
    )
    target_lat, target_lon = math.degrees(lat2), (math.degrees(lon2) + 540) % 360 - 180
    low, high, ranges = reach_box(np.array([lat]), np.array([lon]), reach_km)
    assert low <= target_lat <= high
    assert ranges is None or any(a <= target_lon <= b for a, b in ranges)
