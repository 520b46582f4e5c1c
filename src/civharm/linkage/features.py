"""Derived columns the model blocks and compares on, one row per report.

Blocking keys are equality keys, so candidate pairs come from joins rather than from
comparing all pairs: the H3 cell of a report and its neighbours (a report near a cell edge
still meets its twin on the other side), and date buckets spanning the report's own date
uncertainty (a report dated "that week" reaches every day of the week).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd
from h3.api import basic_int as h3

from civharm.ingest.countries import iso3_from_name
from civharm.linkage.normalise import fold_admin, fold_place, text_details, text_tokens
from civharm.linkage.records import LinkRecord
from civharm.precision import date_uncertainty_days, location_uncertainty_km

#: H3 resolution of the spatial blocking key (≈36 km² cells, ≈3.7 km edge).
H3_RESOLUTION = 6
#: Days per date bucket; a report covers every bucket its date window touches.
BUCKET_DAYS = 3
#: Every report's blocking window reaches at least this many days either side.
MIN_WINDOW_DAYS = 2
#: The widest window used for blocking: a date known only to the year blocks like one known to the month.
MAX_WINDOW_DAYS = 45
#: Reports less precise than this (km) are also blocked by first-order division and name.
COARSE_KM = 25.0

COLUMNS = [
    "rid", "source", "day", "date_unc", "dbuckets", "lat", "lon", "loc_unc", "cells", "coarse",
    "place_key", "admin1_key", "country_key", "killed_lo", "killed_hi", "injured_lo", "injured_hi",
    "tokens", "ntok", "cell5", "week", "weapon", "target", "tod",
]  # fmt: skip
#: Coarser keys for the pairs EM trains on (Splink trains only on rules without exploded arrays).
TRAINING_RESOLUTION = 5
TRAINING_BUCKET_DAYS = 4


def date_buckets(day: int | None, uncertainty: int) -> list[int] | None:
    if day is None:
        return None
    window = min(max(uncertainty, MIN_WINDOW_DAYS), MAX_WINDOW_DAYS)
    return list(range((day - window) // BUCKET_DAYS, (day + window) // BUCKET_DAYS + 1))


def h3_neighbourhood(latitude: float | None, longitude: float | None) -> list[int] | None:
    if latitude is None or longitude is None:
        return None
    return list(_neighbourhood(latitude, longitude))


# Many reports carry the very same coordinates (a town's gazetteer point): compute each once.
@lru_cache(maxsize=400_000)
def _neighbourhood(latitude: float, longitude: float) -> tuple[int, ...]:
    # The integer API: no hexadecimal strings made and parsed back for every cell.
    return tuple(sorted(h3.grid_disk(h3.latlng_to_cell(latitude, longitude, H3_RESOLUTION), 1)))


@lru_cache(maxsize=400_000)
def _training_cell(latitude: float, longitude: float) -> int:
    return int(h3.latlng_to_cell(latitude, longitude, TRAINING_RESOLUTION))


def country_key(country: str | None) -> str | None:
    if not country:
        return None
    text = country.strip()
    if len(text) == 3 and text.isalpha() and text.isupper():
        return text
    return iso3_from_name(text) or text.lower()


def description_tokens(text: str, place_name: str | None) -> list[str]:
    """The words of a description that are not compared elsewhere: no place name, no numbers.

    Distinct events in one town share the town's name and are told with similar tolls; those
    are the place and count comparisons' evidence, and counting them again in the text made
    the text agree most for exactly the pairs that are hardest to tell apart.
    """
    tokens = text_tokens(text)
    place = _place_words(place_name) if place_name else frozenset()
    return [t for t in tokens if t not in place and not t.isdigit()]


@lru_cache(maxsize=200_000)
def _place_words(place_name: str) -> frozenset[str]:
    return frozenset(text_tokens(place_name))


def feature_row(rid: int, record: LinkRecord) -> dict[str, Any]:
    """The derived columns of one report (also used to score a single new report)."""
    day = record.date.toordinal() if record.date else None
    date_unc = date_uncertainty_days(record.date_precision)
    killed, injured = record.killed, record.injured
    # A place called "... camp" or "... bridge" is not the target: read particulars without the name.
    text = record.description.replace(record.place_name, " ") if record.place_name else record.description
    tokens = description_tokens(text, record.place_name)
    details = text_details(text)
    loc_unc = location_uncertainty_km(record.location_precision)
    return {
        "rid": rid,
        "source": (record.source or "").strip().lower() or None,
        "day": day,
        "date_unc": date_unc,
        "dbuckets": date_buckets(day, date_unc),
        "lat": record.latitude,
        "lon": record.longitude,
        "loc_unc": loc_unc,
        "cells": h3_neighbourhood(record.latitude, record.longitude),
        "coarse": (not record.has_coordinates) or loc_unc > COARSE_KM,
        "place_key": fold_place(record.place_name),
        "admin1_key": fold_admin(record.admin1),
        "country_key": country_key(record.country),
        "killed_lo": killed[0] if killed else None,
        "killed_hi": killed[1] if killed else None,
        "injured_lo": injured[0] if injured else None,
        "injured_hi": injured[1] if injured else None,
        "tokens": tokens,
        "ntok": len(tokens),
        "cell5": (
            _training_cell(record.latitude, record.longitude)
            if record.latitude is not None and record.longitude is not None
            else None
        ),
        "week": day // TRAINING_BUCKET_DAYS if day is not None else None,
        "weapon": details["weapon"],
        "target": details["target"],
        "tod": details["time"],
    }


def feature_frame(records: list[LinkRecord], *, first_rid: int = 0) -> pd.DataFrame:
    """The model's input table: row ``rid`` is ``records[rid - first_rid]``."""
    rows = [feature_row(rid, record) for rid, record in enumerate(records, start=first_rid)]
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS)
    for column in ("day", "week", "cell5", "killed_lo", "killed_hi", "injured_lo", "injured_hi"):
        frame[column] = frame[column].astype("Int64")
    for column in ("lat", "lon", "loc_unc"):
        frame[column] = frame[column].astype("float64")
    return frame
