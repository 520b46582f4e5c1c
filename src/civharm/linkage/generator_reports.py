"""How one source reports a generated event: its own date, place, counts, words and mistakes.

All rates are in :class:`ReportingRates` (documented in ``docs/linkage.md``). They were set
from how casualty recorders describe their sources (a local council or an activist names
the street, a wire story names the town; round-ups are re-dated "yesterday"; counts grow
as the dead are found) and then checked against the issue's description of real data: the
naive "within K km and D days" matcher reaches a B-cubed F1 of about 0.8 and a pairwise F1
near 0.3 on the generated sets (``bench/linkage.py`` prints both).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from civharm.linkage.generator_text import arabic_name, describe, spelling_variant
from civharm.linkage.generator_truth import EventTruth
from civharm.linkage.records import LinkRecord
from civharm.precision import UCDP_DATE_PREC, UCDP_WHERE_PREC, DatePrecision, LocationPrecision


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    language: str
    #: Chance that this kind of source places the event at its spot (a street, a landmark)
    #: rather than at the point of the town or area it names.
    spot: float


#: (kind, language, how many such sources, weight of each, chance of placing the spot)
SOURCE_KINDS = (
    ("media", "en", 8, 10, 0.25),
    ("media-ar", "ar", 6, 8, 0.3),
    ("ngo", "en", 4, 5, 0.45),
    ("un", "en", 2, 2, 0.4),
    ("social", "ar", 6, 6, 0.45),
    ("council", "ar", 3, 3, 0.6),
    ("claims-desk", "ar", 1, 1, 0.5),
    ("own-force-log", "en", 1, 1, 0.9),
)  # fmt: skip
SOURCES = tuple(
    Source(f"{kind}-{n + 1:02d}", kind, language, spot)
    for kind, language, count, _, spot in SOURCE_KINDS
    for n in range(count)
)
SOURCE_WEIGHTS = tuple(weight for _, _, count, weight, _ in SOURCE_KINDS for _ in range(count))


@dataclass(frozen=True)
class ReportingRates:
    """How often sources do what; every rate the generator uses, in one place."""

    #: Share of real events that reach the cell's sources at all. UCDP compiles every event it
    #: can find from hundreds of outlets; a cell's intake hears of fewer, most of all on days
    #: with many events in one town (a round-up names the town, not each strike).
    event_reported: float = 1.0
    #: Sources per event (1..6) as weights, by civilian deaths: none, 1–4, 5 or more.
    sources_no_deaths: tuple[int, ...] = (50, 27, 13, 6, 3, 1)
    sources_few_deaths: tuple[int, ...] = (32, 28, 20, 11, 6, 3)
    sources_many_deaths: tuple[int, ...] = (15, 22, 22, 18, 12, 11)
    #: A source reports the same event a second time (an update).
    repeat: float = 0.04
    #: Days between the event and a report's date (exact dates): shift → weight.
    date_shifts: dict[int, int] = field(default_factory=lambda: {0: 60, 1: 22, -1: 7, 2: 7, 3: 4})
    #: The same for events with five or more civilian deaths: the toll grows as the dead are
    #: found, and later reports carry the day they were written.
    date_shifts_many_deaths: dict[int, int] = field(
        default_factory=lambda: {0: 35, 1: 30, -1: 5, 2: 15, 3: 10, 4: 5}
    )
    #: Where UCDP did not know the spot (``where_prec`` ≥ 3), sources know it less often too.
    spot_factor_vague: float = 0.5
    #: In a town or city whose point collects many events, local sources name the quarter
    #: and place it (a neighbourhood's point) more often than elsewhere (at most 0.95).
    spot_factor_town: float = 3.0
    #: The kinds of source that factor applies to (all, after calibration: see docs/linkage.md).
    local_kinds: tuple[str, ...] = (
        "media", "media-ar", "ngo", "un", "social", "council", "claims-desk", "own-force-log",
    )  # fmt: skip
    #: Jitter (km, one standard deviation) of a report placed at the spot.
    spot_jitter_km: float = 0.8
    #: A report placed at the town's point uses UCDP's very point (same gazetteer) this often;
    #: otherwise another gazetteer's point, this far off (km, sd) for a town, more for areas.
    same_gazetteer: float = 0.55
    gazetteer_km: dict[int, float] = field(
        default_factory=lambda: {1: 0.6, 2: 2.0, 3: 4.0, 4: 6.0, 5: 10.0, 6: 15.0, 7: 5.0}
    )
    #: Social media posts and claims at the desk give no coordinates this often.
    no_coordinates: float = 0.25
    #: Arabic-language sources write the place in Arabic script / the text in Arabic.
    arabic_place: float = 0.7
    arabic_text: float = 0.6
    #: Counts: not given; given as a range; exactly right (else a little off).
    count_missing: float = 0.1
    count_range: float = 0.1
    count_exact: float = 0.45
    injured_given: float = 0.65
    #: Particulars: how often a source names each, and how often it gets it wrong.
    mention_area_at_spot: float = 0.7
    mention_area_from_afar: float = 0.3
    mention_weapon: float = 0.85
    mention_target: float = 0.6
    mention_time: float = 0.45
    wrong_particular: float = 0.05
    #: English-language sources quote the original article's headline this often.
    quote_headline: float = 0.35
    #: The province is given / written with "Governorate".
    admin1_given: float = 0.9
    admin1_suffix: float = 0.4


RATES = ReportingRates()


def sources_of(rng: random.Random, truth: EventTruth, rates: ReportingRates = RATES) -> list[Source]:
    """The sources that tell ``truth``: more of them the more civilians died."""
    killed = truth.killed
    weights = (
        rates.sources_no_deaths
        if killed == 0
        else rates.sources_few_deaths
        if killed < 5
        else rates.sources_many_deaths
    )
    count = rng.choices(range(1, len(weights) + 1), weights=weights)[0]
    chosen: list[Source] = []
    while len(chosen) < count:
        source = rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0]
        if source not in chosen:
            chosen.append(source)
    if rng.random() < rates.repeat:
        chosen.append(chosen[0])
    return chosen


def _day(rng: random.Random, truth: EventTruth, rates: ReportingRates) -> tuple[int, DatePrecision]:
    event = truth.event
    if event.date_prec > 1:  # the source knows no more than UCDP: some day of the span, imprecise
        span = (event.day_end - event.day).days
        day = event.day + timedelta(days=rng.randint(0, span) if span else 0)
        return day.toordinal(), UCDP_DATE_PREC.get(event.date_prec, DatePrecision.UNKNOWN)
    shifts = rates.date_shifts_many_deaths if truth.killed >= 5 else rates.date_shifts
    shift = rng.choices(list(shifts), weights=list(shifts.values()))[0]
    return truth.day.toordinal() + shift, DatePrecision.DAY


def _place(
    rng: random.Random, truth: EventTruth, source: Source, rates: ReportingRates
) -> tuple[float | None, float | None, LocationPrecision, bool]:
    """Coordinates, their precision, and whether the source knew the spot."""
    event = truth.event
    spot = source.spot * (rates.spot_factor_vague if event.where_prec >= 3 else 1.0)
    if truth.town_point and event.where_prec == 1 and source.kind in rates.local_kinds:
        spot = min(0.95, spot * rates.spot_factor_town)
    if source.kind in ("social", "claims-desk") and rng.random() < rates.no_coordinates:
        at_spot = rng.random() < spot
        precision = LocationPrecision.NEIGHBOURHOOD if at_spot else _town_precision(truth)
        return None, None, precision, at_spot
    if rng.random() < spot:
        precision = LocationPrecision.EXACT if rng.random() < 0.6 else LocationPrecision.NEIGHBOURHOOD
        lat, lon = _jitter(rng, truth.latitude, truth.longitude, rates.spot_jitter_km)
        return lat, lon, precision, True
    sigma = 0.0 if rng.random() < rates.same_gazetteer else rates.gazetteer_km.get(event.where_prec, 5.0)
    lat, lon = _jitter(rng, event.latitude, event.longitude, sigma)
    return lat, lon, _town_precision(truth), False


def _town_precision(truth: EventTruth) -> LocationPrecision:
    if truth.event.where_prec == 1:
        return LocationPrecision.SETTLEMENT
    return UCDP_WHERE_PREC.get(truth.event.where_prec, LocationPrecision.UNKNOWN)


def _jitter(rng: random.Random, lat: float, lon: float, sigma_km: float) -> tuple[float, float]:
    if sigma_km <= 0:
        return round(lat, 5), round(lon, 5)
    return round(lat + rng.gauss(0, sigma_km / 111.0), 5), round(lon + rng.gauss(0, sigma_km / 91.0), 5)


def _count(
    rng: random.Random, true: int, low: float, high: float, rates: ReportingRates
) -> tuple[int, int] | None:
    roll = rng.random()
    if roll < rates.count_missing:
        return None
    if roll < rates.count_missing + rates.count_range and true:
        return max(0, round(true * low)), max(round(true * high), round(true * low))
    if roll < rates.count_missing + rates.count_range + rates.count_exact:
        return true, true
    value = max(
        0, true + rng.choice([-2, -1, 1, 1, 2]) if true < 10 else round(true * rng.uniform(0.75, 1.3))
    )
    return value, value


def report_of(
    rng: random.Random, truth: EventTruth, source: Source, rates: ReportingRates = RATES
) -> LinkRecord:
    """One source's report of ``truth`` (``report_id`` is filled in later)."""
    event = truth.event
    day, date_precision = _day(rng, truth, rates)
    latitude, longitude, location_precision, at_spot = _place(rng, truth, source, rates)
    arabic = source.language == "ar" and rng.random() < rates.arabic_place
    place = arabic_name(event.place) if arabic else spelling_variant(rng, event.place)
    low = min(event.low / max(event.high, 1), 1.0)
    high = max(event.high / max(event.low, 1), 1.0)
    killed = _count(rng, truth.killed, low, high, rates)
    injured = _count(rng, truth.injured, 0.8, 1.25, rates) if rng.random() < rates.injured_given else None
    admin1 = event.admin1.replace(" Governorate", "") if rng.random() > rates.admin1_suffix else event.admin1
    return LinkRecord(
        report_id="",
        source=source.name,
        date=date.fromordinal(day),
        date_precision=date_precision,
        latitude=latitude,
        longitude=longitude,
        location_precision=location_precision,
        place_name=place,
        admin1=admin1 if rng.random() < rates.admin1_given else None,
        country=rng.choice(["Syria", "SYR", "Syria", "Syrian Arab Republic"]),
        killed=killed,
        injured=injured,
        description=describe(
            rng,
            truth,
            place,
            killed,
            arabic=arabic and rng.random() < rates.arabic_text,
            at_spot=at_spot,
            quotes=source.language == "en" and rng.random() < rates.quote_headline,
            rates=rates,
        ),
    )
