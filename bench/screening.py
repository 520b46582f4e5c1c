"""Benchmark of screening: 1,000,000 sites, one-point queries and a 100,000-point batch.

civharm's index (unit vectors in a 3-D KD-tree, chord search, exact haversine at the edge)
runs beside a plain shapely STRtree baseline in the same process on the same data: sites as
lon/lat points, queried with a box of the radius in degrees widened by the latitude, then
filtered with the same haversine. Both answers are compared pair for pair.

    .venv/bin/python -m bench.screening                     # the full run (1,000,000 sites)
    .venv/bin/python -m bench.screening --sites 100000 --points 10000   # a quick look
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from numpy.typing import NDArray

from civharm.sites.geometry import EARTH_RADIUS_KM, haversine_km
from civharm.sites.index import Pairs as IndexPairs
from civharm.sites.index import SiteIndex

#: In "middle-east" the sites lie over the Middle East (lon 25-60, lat 12-42), about 10 million km²:
#: ~0.1 sites per km², as dense as a national register with every school and clinic.
AREA = (25.0, 12.0, 60.0, 42.0)
Pairs = tuple[NDArray[np.int64], NDArray[np.int64]]


def _cloud(rng: np.random.Generator, n: int, region: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if region == "globe":  # uniform on the sphere, poles and the antimeridian included
        return np.degrees(np.arcsin(rng.uniform(-1, 1, n))), rng.uniform(-180, 180, n)
    min_lon, min_lat, max_lon, max_lat = AREA
    return rng.uniform(min_lat, max_lat, n), rng.uniform(min_lon, max_lon, n)


class StrTreeBaseline:
    """Sites as shapely points in degrees; a query box per point, then exact haversine."""

    def __init__(self, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> None:
        self.lat, self.lon = lat, lon
        self.tree = shapely.STRtree(shapely.points(lon, lat))

    def pairs(self, lat: NDArray[np.float64], lon: NDArray[np.float64], radius_km: float) -> Pairs:
        dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
        dlon = dlat / np.cos(np.radians(np.minimum(np.abs(lat) + dlat, 89.9)))
        boxes = shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)
        point, site = self.tree.query(boxes)
        distance = haversine_km(lat[point], lon[point], self.lat[site], self.lon[site])
        keep = distance <= radius_km
        return point[keep].astype(np.int64), site[keep].astype(np.int64)


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def _single_queries(query: Callable[[int], object], count: int) -> list[float]:
    times = []
    for k in range(count):
        start = time.perf_counter()
        query(k)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _pairs_of(found: IndexPairs) -> Pairs:
    return found.point, found.site


def _missing(found: Pairs, reference: Pairs) -> int:
    """How many reference pairs ``found`` lacks (or has extra)."""
    key_found = np.unique(found[0] * 10_000_000 + found[1])
    key_reference = np.unique(reference[0] * 10_000_000 + reference[1])
    return len(np.setxor1d(key_found, key_reference))


def _write_csv(folder: Path, sites: int, points: int) -> None:
    """The middle-east data as the CSV files ``civharm screen --sites`` reads, to time it end to end."""
    rng = np.random.default_rng(2026)
    site_lat, site_lon = _cloud(rng, sites, "middle-east")
    lat, lon = _cloud(rng, points, "middle-east")
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "sites.csv").open("w", encoding="utf-8") as out:
        out.write("site_id,name,category,latitude,longitude\n")
        out.writelines(
            f"s{k},Site {k},school,{a:.6f},{b:.6f}\n"
            for k, (a, b) in enumerate(zip(site_lat, site_lon, strict=True))
        )
    with (folder / "points.csv").open("w", encoding="utf-8") as out:
        out.write("point_id,latitude,longitude\n")
        out.writelines(f"p{k},{a:.6f},{b:.6f}\n" for k, (a, b) in enumerate(zip(lat, lon, strict=True)))
    print(f"wrote {folder / 'sites.csv'} ({sites:,} sites) and {folder / 'points.csv'} ({points:,} points)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sites", type=int, default=1_000_000)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--single", type=int, default=1000, help="one-point queries to time")
    parser.add_argument("--radii", default="1,5,10", help="radii in km, comma-separated")
    parser.add_argument("--globe-radii", default="10,100", help="radii in km for the globe")
    parser.add_argument(
        "--write-csv", metavar="DIR", help="only write sites.csv and points.csv for `civharm screen`"
    )
    parser.add_argument("--regions", default="middle-east,globe", help="middle-east and/or globe")
    args = parser.parse_args()
    if args.write_csv:
        _write_csv(Path(args.write_csv), args.sites, args.points)
        return
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        f"{args.sites:,} sites, {args.points:,} planned points, {os.cpu_count()} cores, load average {load}"
    )
    for region in args.regions.split(","):
        _run_region(region, args)
    print(f"\nload average after the run: {os.getloadavg()[0]:.2f}")


def _run_region(region: str, args: argparse.Namespace) -> None:
    rng = np.random.default_rng(2026)
    site_lat, site_lon = _cloud(rng, args.sites, region)
    lat, lon = _cloud(rng, args.points, region)
    build_index, index = _timed(lambda: SiteIndex.from_points(site_lat, site_lon))
    build_tree, baseline = _timed(lambda: StrTreeBaseline(site_lat, site_lon))
    assert isinstance(index, SiteIndex) and isinstance(baseline, StrTreeBaseline)
    print(f"\n## {region}: build civharm KD-tree {build_index:.2f} s, shapely STRtree {build_tree:.2f} s\n")
    columns = f"{'radius km':>9} | {'method':<16} | {'p50 ms':>7} | {'p95 ms':>7} | {'batch s':>8}"
    header = f"{columns} | {'pairs':>11} | wrong"
    print(header)
    print("-" * len(header))
    radii = args.globe_radii if region == "globe" else args.radii
    for radius in (float(r) for r in radii.split(",")):
        reference: Pairs | None = None
        for name, single, batch in (
            (
                "civharm KD-tree",
                lambda k, r=radius: index.pairs_within(lat[k : k + 1], lon[k : k + 1], radius_km=r),
                lambda r=radius: _pairs_of(index.pairs_within(lat, lon, radius_km=r)),
            ),
            (
                "shapely STRtree",
                lambda k, r=radius: baseline.pairs(lat[k : k + 1], lon[k : k + 1], r),
                lambda r=radius: baseline.pairs(lat, lon, r),
            ),
        ):
            times = _single_queries(single, args.single)
            seconds, found = _timed(batch)
            assert isinstance(found, tuple)
            pairs: Pairs = found
            reference = pairs if reference is None else reference
            p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[-1]
            row = f"{radius:>9g} | {name:<16} | {p50:>7.3f} | {p95:>7.3f} | {seconds:>8.2f}"
            print(f"{row} | {len(pairs[0]):>11,} | {_missing(pairs, reference):,}")


if __name__ == "__main__":
    main()
