"""Realistic multi-source report sets made from real events (UCDP GED), with the truth kept aside.

Why not simply jitter UCDP rows: UCDP codes an imprecise event (``where_prec`` ≥ 2) at an
administrative centroid and a city-level event at the city's point, so in the real file
distinct events *stack* on identical coordinates (1,389 pairs of distinct 2016 events share
place and day). Those identical coordinates are a coding artefact, not how the events
happened: two shellings of Aleppo on one day hit different neighbourhoods at different
hours, and the sources of each name its own particulars.

So each real event first gets a hidden *truth* (:mod:`civharm.linkage.generator_truth`):
where inside its town or area it really happened (spread by ``where_prec`` and by how big
the place is), the neighbourhood or landmark, weapon, target and time of day, civilian
dead and injured, and the original article (the event's real UCDP headline, which a daily
round-up shares with other events). Then one to several sources tell it
(:mod:`civharm.linkage.generator_reports`), each with its own noise at the documented
rates of :class:`~civharm.linkage.generator_reports.ReportingRates`: a source that knows
the spot places it there, most only name the town and get the town's point (so reports of
different events still stack); dates a day or more off; spelling variants and Arabic
script; counts that disagree; particulars sometimes omitted or wrong; a few reports without
coordinates; now and then a source reporting one event twice.

Deterministic for a seed. To reach large sizes, events are replicated across shifted
dates (two years per copy) and places. ``bench/linkage.py`` checks the result against the
issue's own description of real data: the naive "within K km and D days" matcher must
score about 0.8 B-cubed F1 at its best setting and a pairwise F1 near 0.3.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from civharm.linkage.generator_reports import RATES, ReportingRates, report_of, sources_of
from civharm.linkage.generator_truth import EventTruth, truth_of
from civharm.linkage.records import LinkRecord, iter_record_rows

YEAR_SHIFT_DAYS = 731


@dataclass(frozen=True)
class Event:
    """One real UCDP GED event: the fields a source might report, as UCDP coded them."""

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
    deaths: int  # civilian plus unknown deaths (UCDP ``best`` split)
    low: int
    high: int
    headline: str
    #: How many events of the whole file UCDP put on exactly these coordinates (a city point
    #: or an administrative centroid collects hundreds).
    point_events: int = 1


def _place_name(where: str) -> str:
    words = where.replace("(", " ").replace(")", " ").split()
    while len(words) > 1 and words[-1].lower() in {
        "town", "village", "city", "suburb", "district", "area", "camp", "governorate", "field",
        "farms", "farm",
    }:  # fmt: skip
        words.pop()
    return " ".join(words)


def _event(row: dict[str, str], point_events: int) -> Event:
    start = date.fromisoformat(row["date_start"][:10])
    best = int(row["best"] or 0)
    return Event(
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
        point_events=point_events,
    )


def read_events(path: Path, *, years: tuple[int, ...] | None = None) -> list[Event]:
    """The UCDP GED events in ``path`` (optionally only those of ``years``)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    per_point = Counter((row["latitude"], row["longitude"]) for row in rows)
    return [
        _event(row, per_point[row["latitude"], row["longitude"]])
        for row in rows
        if not years or int(row["date_start"][:4]) in years
    ]


def generate(
    events: list[Event],
    *,
    seed: int = 1,
    copies: int = 1,
    limit: int | None = None,
    rates: ReportingRates = RATES,
) -> tuple[list[LinkRecord], list[str]]:
    """Reports for ``events`` (replicated ``copies`` times) and, aside, each report's true event."""
    records: list[tuple[LinkRecord, str]] = []
    for copy in range(copies):
        for event in events:
            rng = random.Random(seed * 1_000_003 + copy * 7_919 + int(event.key))
            truth = truth_of(_moved(event, copy), rng)
            if rng.random() >= rates.event_reported:
                continue
            for source in sources_of(rng, truth, rates):
                records.append((report_of(rng, truth, source, rates), f"{event.key}-{copy}"))
            if limit and len(records) >= limit:
                break
        if limit and len(records) >= limit:
            break
    random.Random(seed).shuffle(records)
    records = records[:limit] if limit else records
    out = [replace(record, report_id=f"R{index + 1:07d}") for index, (record, _) in enumerate(records)]
    return out, [event for _, event in records]


def generate_copies(
    events: list[Event], *, seed: int = 1, copies: int = 1, rates: ReportingRates = RATES
) -> Iterator[tuple[list[LinkRecord], list[str]]]:
    """:func:`generate` one copy at a time, so a million reports need not be held as objects.

    The reports of a copy are the ones :func:`generate` draws for it (same seed, same events),
    shuffled within the copy; ids run on across copies. Copies are two years apart and never
    meet, so linking the chunks' reports together is linking :func:`generate`'s reports.
    """
    first = 0
    for copy in range(copies):
        records: list[tuple[LinkRecord, str]] = []
        for event in events:
            rng = random.Random(seed * 1_000_003 + copy * 7_919 + int(event.key))
            truth = truth_of(_moved(event, copy), rng)
            if rng.random() >= rates.event_reported:
                continue
            for source in sources_of(rng, truth, rates):
                records.append((report_of(rng, truth, source, rates), f"{event.key}-{copy}"))
        random.Random(seed * 31 + copy).shuffle(records)
        yield (
            [replace(r, report_id=f"R{first + i + 1:07d}") for i, (r, _) in enumerate(records)],
            [key for _, key in records],
        )
        first += len(records)


def truths(events: list[Event], *, seed: int = 1) -> dict[str, EventTruth]:
    """The hidden truth of each event as :func:`generate` drew it (for analysing errors)."""
    out = {}
    for event in events:
        rng = random.Random(seed * 1_000_003 + int(event.key))
        out[f"{event.key}-0"] = truth_of(event, rng)
    return out


def _moved(event: Event, copy: int) -> Event:
    # Copies sit two years apart and a little aside, so copies of one event never meet.
    if copy == 0:
        return event
    offset = 0.03 * (copy % 4)
    shift = copy * YEAR_SHIFT_DAYS
    return replace(
        event,
        key=f"{event.key}-{copy}",
        day=date.fromordinal(event.day.toordinal() + shift),
        day_end=date.fromordinal(event.day_end.toordinal() + shift),
        latitude=event.latitude + offset,
        longitude=event.longitude - offset,
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
