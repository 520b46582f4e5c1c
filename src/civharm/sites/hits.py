"""File-to-file screening and the CSV files screening writes.

Output files are written beside their destination and moved into place only when complete,
so a failure never leaves a half-written file behind.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import numpy as np

from civharm.sites.imports import PointFile, SiteFile
from civharm.sites.index import Pairs, SiteIndex
from civharm.sites.schemas import PointScreening

HIT_COLUMNS = ["point_id", "site_id", "distance_km"]


def site_index(sites: SiteFile) -> SiteIndex:
    """An index of a file's sites, numbered in file order."""
    latitude = np.fromiter((r.latitude for r in sites.records), dtype=np.float64, count=len(sites.records))
    longitude = np.fromiter((r.longitude for r in sites.records), dtype=np.float64, count=len(sites.records))
    shapes = {k: r.shape for k, r in enumerate(sites.records) if r.shape is not None}
    return SiteIndex(latitude, longitude, shapes)


def screen_files(sites: SiteFile, points: PointFile, *, radius_km: float) -> Pairs:
    """Every (point, site) pair of two files within ``radius_km``, by point, then distance."""
    if not sites.records or not len(points.ids):
        return site_index(sites).pairs_within(np.empty(0), np.empty(0), radius_km=radius_km)
    return site_index(sites).pairs_within(points.latitude, points.longitude, radius_km=radius_km).sorted()


@contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` only once the block finishes without error."""
    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_hits(path: Path, *, point_ids: Sequence[str], site_refs: Sequence[str], pairs: Pairs) -> int:
    """Write ``point_id, site_id, distance_km`` rows; ``site_refs[k]`` names the site of pair ``k``."""
    with atomic_text(path) as out:
        writer = csv.writer(out)
        writer.writerow(HIT_COLUMNS)
        for point, ref, distance in zip(
            pairs.point.tolist(), site_refs, pairs.distance_km.tolist(), strict=True
        ):
            writer.writerow((point_ids[point], ref, f"{distance:.4f}"))
    return len(pairs)


def write_ratings(path: Path, points: Sequence[PointScreening]) -> None:
    """One row per planned point: counts, nearest object, people exposed, rating and reasons."""
    columns = ["point_id", "sites", "nearest_site", "nearest_km", "incidents", "population_exposed"]
    with atomic_text(path) as out:
        writer = csv.writer(out)
        writer.writerow([*columns, "risk_level", "risk_score", "reasons"])
        for p in points:
            people = "" if p.population_exposed is None else f"{p.population_exposed:.0f}"
            nearest = "" if p.nearest_km is None else f"{p.nearest_km:.4f}"
            counts = [p.point_id, p.sites, p.nearest_site or "", nearest, p.incidents, people]
            writer.writerow([*counts, p.risk.level.value, f"{p.risk.score:.2f}", "; ".join(p.risk.reasons)])
