"""Realistic multi-source report sets made from real events (UCDP GED), with the truth kept aside.

Each real event is told by one to several sources, each in its own way: dates a day or
more apart (a report dated "that week" when the event's date is imprecise), coordinates
jittered more the less precisely the event is located (UCDP ``where_prec``), place names
spelled differently or written in Arabic script, counts that disagree within and around
UCDP's low–high range, and descriptions worded differently (some quote the real headline,
some are in Arabic, some name the parties by another name). A few sources report one
event twice; a few reports have no coordinates. Deterministic for a seed. To reach large
sizes, events are replicated across shifted dates (two years per copy) and places.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from civharm.linkage.generator_text import arabic_name, describe, spelling_variant
from civharm.linkage.normalise import DETAIL_LEXICON
from civharm.linkage.records import LinkRecord, iter_record_rows
from civharm.precision import UCDP_DATE_PREC, UCDP_WHERE_PREC, DatePrecision, LocationPrecision

#: Coordinate jitter (km, one standard deviation) by UCDP ``where_prec``.
JITTER_KM = {1: 0.6, 2: 4.0, 3: 10.0, 4: 20.0, 5: 35.0, 6: 50.0, 7: 20.0}
#: How many sources tell one event (1..6), as weights.
SOURCES_PER_EVENT = (30, 28, 20, 12, 6, 4)
#: Days a report's date differs from the event's, for exactly dated events.
DATE_SHIFTS = (0,) * 12 + (1,) * 5 + (-1,) * 2 + (2,) * 2 + (3,)
SOURCE_KINDS = (
    ("media", "en", 8, 10),
    ("media-ar", "ar", 6, 8),
    ("ngo", "en", 4, 5),
    ("un", "en", 2, 2),
    ("social", "ar", 6, 6),
    ("council", "ar", 3, 3),
    ("claims-desk", "ar", 1, 1),
    ("own-force-log", "en", 1, 1),
)  # fmt: skip  (kind, language, how many such sources, weight of each)
YEAR_SHIFT_DAYS = 731


@dataclass(frozen=True)
class Event:
    """One real UCDP GED event, the parts a source might report."""

    key: str
    day: date
    day_end: date
    date_prec: int
    latitude: float
    longitude: float
    where_prec: int
    place: str
    admin1: str
    side_a: str
    side_b: str
    violence: int
    deaths: int
    low: int
    high: int
    headline: str
    weapon: str = "gunfire"
    target: str = "home"
    time_of_day: str = "morning"


#: The weapon an event's sources name, by UCDP type of violence (weights per weapon class).
WEAPONS_BY_VIOLENCE = {
    1: {"air": 35, "artillery": 35, "barrel": 10, "gunfire": 20},
    2: {"gunfire": 60, "artillery": 25, "explosive": 15},
    3: {"gunfire": 40, "explosive": 30, "air": 30},
}


def _particulars(key: str, violence: int) -> dict[str, str]:
    """What every source of one event could mention: drawn once per event, from its id."""
    rng = random.Random(int(key) * 7 + 3)
    weapons = WEAPONS_BY_VIOLENCE.get(violence, WEAPONS_BY_VIOLENCE[1])
    return {
        "weapon": rng.choices(list(weapons), weights=list(weapons.values()))[0],
        "target": rng.choice(list(DETAIL_LEXICON["target"])),
        "time_of_day": rng.choice(list(DETAIL_LEXICON["time"])),
    }


def _place_name(where: str) -> str:
    words = where.replace("(", " ").replace(")", " ").split()
    while len(words) > 1 and words[-1].lower() in {
        "town", "village", "city", "suburb", "district", "area", "camp", "governorate", "field", "farms", "farm",
    }:  # fmt: skip
        words.pop()
    return " ".join(words)


def read_events(path: Path, *, years: tuple[int, ...] | None = None) -> list[Event]:
    """The UCDP GED events in ``path`` (optionally only those of ``years``)."""
    events = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            start = date.fromisoformat(row["date_start"][:10])
            if years and start.year not in years:
                continue
            best = int(row["best"] or 0)
            events.append(
                Event(
                    key=row["id"],
                    day=start,
                    day_end=max(start, date.fromisoformat(row["date_end"][:10])),
                    date_prec=int(row["date_prec"] or 1),
                    latitude=float(row["latitude"]),
                    longitude=float(row["longitude"]),
                    where_prec=int(row["where_prec"] or 1),
                    place=_place_name(row["where_coordinates"]),
                    admin1=row["adm_1"],
                    side_a=row["side_a"],
                    side_b=row["side_b"],
                    violence=int(row["type_of_violence"] or 1),
                    deaths=int(row["deaths_civilians"] or 0) + int(row["deaths_unknown"] or 0),
                    low=min(int(row["low"] or best), best),
                    high=max(int(row["high"] or best), best),
                    headline=row["source_headline"],
                    **_particulars(row["id"], int(row["type_of_violence"] or 1)),
                )
            )
    return events


def _sources(rng: random.Random) -> list[tuple[str, str]]:
    pool = [
        (f"{kind}-{n + 1:02d}", language) for kind, language, count, _ in SOURCE_KINDS for n in range(count)
    ]
    weights = [weight for _, _, count, weight in SOURCE_KINDS for _ in range(count)]
    count = rng.choices(range(1, len(SOURCES_PER_EVENT) + 1), weights=SOURCES_PER_EVENT)[0]
    chosen: list[tuple[str, str]] = []
    while len(chosen) < count:
        source = rng.choices(pool, weights=weights)[0]
        if source not in chosen:
            chosen.append(source)
    if rng.random() < 0.04:  # a source updates its own earlier report
        chosen.append(chosen[0])
    return chosen


def _count(rng: random.Random, true: int, low: float, high: float) -> tuple[int, int] | None:
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.2 and true:
        return max(0, round(true * low)), max(round(true * high), round(true * low))
    if roll < 0.55:
        return true, true
    value = max(
        0, true + rng.choice([-2, -1, 1, 1, 2]) if true < 10 else round(true * rng.uniform(0.75, 1.3))
    )
    return value, value


def _report(rng: random.Random, event: Event, source: str, language: str, shift: int) -> LinkRecord:
    span = (event.day_end - event.day).days
    day = event.day + timedelta(days=shift + (rng.randint(0, span) if span else rng.choice(DATE_SHIFTS)))
    precision = UCDP_WHERE_PREC.get(event.where_prec, LocationPrecision.UNKNOWN)
    sigma = JITTER_KM.get(event.where_prec, 20.0)
    if event.where_prec == 1 and not source.startswith(("un", "own")) and rng.random() < 0.25:
        precision, sigma = LocationPrecision.SETTLEMENT, 2.0
    latitude: float | None = round(event.latitude + rng.gauss(0, sigma / 111.0), 5)
    longitude: float | None = round(event.longitude + rng.gauss(0, sigma / 91.0), 5)
    if source.startswith(("social", "claims")) and rng.random() < 0.25:
        latitude = longitude = None  # only the place's name is given
    arabic = language == "ar" and rng.random() < 0.7
    place = arabic_name(event.place) if arabic else spelling_variant(rng, event.place)
    scale_low, scale_high = event.low / max(event.high, 1), event.high / max(event.low, 1)
    killed = _count(rng, event.deaths, min(scale_low, 1.0), max(scale_high, 1.0))
    injured_true = int(event.deaths * (0.5 + (int(event.key) % 7) / 4)) + int(event.key) % 3
    injured = _count(rng, injured_true, 0.8, 1.25) if rng.random() < 0.65 else None
    admin1 = event.admin1.replace(" Governorate", "") if rng.random() < 0.6 else event.admin1
    return LinkRecord(
        report_id="",
        source=source,
        date=day,
        date_precision=UCDP_DATE_PREC.get(event.date_prec, DatePrecision.UNKNOWN),
        latitude=latitude,
        longitude=longitude,
        location_precision=precision,
        place_name=place,
        admin1=admin1 if rng.random() < 0.9 else None,
        country=rng.choice(["Syria", "SYR", "Syria", "Syrian Arab Republic"]),
        killed=killed,
        injured=injured,
        description=describe(rng, event, place, killed, arabic=arabic and rng.random() < 0.6),
    )


def generate(
    events: list[Event], *, seed: int = 1, copies: int = 1, limit: int | None = None
) -> tuple[list[LinkRecord], list[str]]:
    """Reports for ``events`` (replicated ``copies`` times) and, aside, each report's true event."""
    records: list[tuple[LinkRecord, str]] = []
    for copy in range(copies):
        shift = copy * YEAR_SHIFT_DAYS
        for event in events:
            rng = random.Random(seed * 1_000_003 + copy * 7_919 + int(event.key))
            moved = event if copy == 0 else _moved(event, copy)
            for source, language in _sources(rng):
                records.append((_report(rng, moved, source, language, shift), f"{event.key}-{copy}"))
            if limit and len(records) >= limit:
                break
        if limit and len(records) >= limit:
            break
    random.Random(seed).shuffle(records)
    records = records[:limit] if limit else records
    out = [_with_id(record, index) for index, (record, _) in enumerate(records)]
    return out, [truth for _, truth in records]


def _moved(event: Event, copy: int) -> Event:
    # Copies sit two years apart and a little aside, so copies of one event never meet.
    offset = 0.03 * (copy % 4)
    return Event(
        **{**event.__dict__, "latitude": event.latitude + offset, "longitude": event.longitude - offset}
    )


def _with_id(record: LinkRecord, index: int) -> LinkRecord:
    return LinkRecord(
        **{**{f: getattr(record, f) for f in record.__slots__}, "report_id": f"R{index + 1:07d}"}
    )


def write_reports(path: Path, records: list[LinkRecord], truth: list[str] | None = None) -> None:
    """Write a reports file (``civharm link --input``) and, if given, the truth beside it."""
    rows: Iterator[dict[str, str]] = iter_record_rows(records)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
    if truth is not None:
        with truth_path(path).open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["report_id", "event_id"])
            out.writerows((r.report_id, t) for r, t in zip(records, truth, strict=True))


def truth_path(path: Path) -> Path:
    return path.with_name(path.stem + ".truth.csv")
