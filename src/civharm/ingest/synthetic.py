"""Generate large ACLED-layout files from the real sample, for benchmarks and crash tests.

Rows are copies of real ACLED rows with fresh ids and slightly moved dates and places, so
the text, quoting and value distributions stay those of real data.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)


def write_acled_like(sample: Path, target: Path, rows: int, *, seed: int = 1) -> Path:
    """Write ``rows`` ACLED-layout rows to ``target`` by varying the rows of ``sample``."""
    rng = random.Random(seed)
    with sample.open(encoding="utf-8", newline="") as handle:
        originals = list(csv.DictReader(handle))
    if not originals:
        raise ValueError(f"{sample} has no rows to vary")
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for n in range(rows):
            row = dict(originals[n % len(originals)])
            day = date.fromisoformat(row["event_date"]) + timedelta(days=rng.randint(-400, 400))
            row["event_id_cnty"] = f"SYN{n:08d}"
            row["event_date"] = day.isoformat()
            row["year"] = str(day.year)
            row["latitude"] = f"{max(-90.0, min(90.0, float(row['latitude']) + rng.uniform(-0.2, 0.2))):.4f}"
            row["longitude"] = (
                f"{max(-180.0, min(180.0, float(row['longitude']) + rng.uniform(-0.2, 0.2))):.4f}"
            )
            writer.writerow(row)
    return target
