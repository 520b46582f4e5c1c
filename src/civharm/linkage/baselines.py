"""The naive matcher the engine must beat: "within K km and D days" joined by connected components.

This is what MELTT-style window matching does. It chains: A near B, B near C puts A, B and
C together however far apart A and C are.
"""

from __future__ import annotations

from collections import defaultdict

from civharm.linkage.comparisons import haversine_km
from civharm.linkage.records import LinkRecord


def window_match(records: list[LinkRecord], *, km: float, days: int) -> list[int]:
    """Cluster label per record: connected components of pairs within ``km`` and ``days``."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_day: dict[int, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        if record.date is not None and record.has_coordinates:
            by_day[record.date.toordinal()].append(index)
    for day, indices in by_day.items():
        for other_day in range(day, day + days + 1):
            for i in indices:
                a = records[i]
                for j in by_day.get(other_day, ()):
                    if (other_day == day and j <= i) or find(i) == find(j):
                        continue
                    b = records[j]
                    if haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) <= km:  # type: ignore[arg-type]
                        parent[find(i)] = find(j)
    return [find(i) for i in range(len(records))]
