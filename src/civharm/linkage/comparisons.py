"""The model's comparisons: for each field, ordered levels of agreement between two reports.

Every level is written twice from the same thresholds: as SQL (for Splink on DuckDB or
Spark) and as Python (to score one new report against a few candidates in milliseconds).
``tests/linkage/test_model.py`` checks that both give the same level for real pairs.
The first level of every comparison is the *null* level (nothing to compare, no evidence).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from rapidfuzz.distance import Levenshtein

Row = Mapping[str, Any]

#: Distance levels, as multiples of the two reports' combined place uncertainty.
DISTANCE_RATIOS = (0.35, 0.8, 1.6, 3.0)
#: Reports placed at least this precisely (uncertainty, km) are compared in plain km ...
PRECISE_KM = 3.0
#: ... at these distances.
PRECISE_DISTANCE_KM = (0.5, 1.2, 2.5)
#: Date levels: days between the two date windows (0 means the windows overlap).
DATE_GAPS = (1, 3, 7)
#: Place-name levels: normalised Levenshtein similarity of the folded names.
NAME_SIMILARITY = (0.75, 0.5)
#: Text levels: Jaccard similarity of the content words.
TEXT_JACCARD = (0.45, 0.25, 0.12)


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    m: float
    u: float


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: tuple[Level, ...]  # null level first, "else" last
    level_of: Callable[[Row, Row], int]  # index into ``levels``


def _sql(dialect: str) -> dict[str, str]:
    """Snippets whose spelling differs between DuckDB and Spark SQL."""
    if dialect == "spark":
        return {"intersect": "size(array_intersect(tokens_l, tokens_r))"}
    return {"intersect": "len(list_intersect(tokens_l, tokens_r))"}


# --- distance --------------------------------------------------------------------------------

_HAVERSINE = (
    "(2 * 6371.0 * asin(sqrt(power(sin(radians(lat_r - lat_l) / 2), 2) + cos(radians(lat_l)) "
    "* cos(radians(lat_r)) * power(sin(radians(lon_r - lon_l) / 2), 2))))"
)
_SIGMA = "sqrt(loc_unc_l * loc_unc_l + loc_unc_r * loc_unc_r)"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _distance_level(left: Row, right: Row) -> int:
    if left["lat"] is None or right["lat"] is None:
        return 0
    km = haversine_km(left["lat"], left["lon"], right["lat"], right["lon"])
    if left["loc_unc"] <= PRECISE_KM and right["loc_unc"] <= PRECISE_KM:
        return 1 + next((i for i, limit in enumerate(PRECISE_DISTANCE_KM) if km <= limit), 3)
    ratio = km / math.sqrt(left["loc_unc"] ** 2 + right["loc_unc"] ** 2)
    return 5 + next((i for i, limit in enumerate(DISTANCE_RATIOS) if ratio <= limit), len(DISTANCE_RATIOS))


def _distance(dialect: str) -> Comparison:
    """Two precisely placed reports are compared in km; otherwise relative to their uncertainty.

    A report placed at a street and one placed at the town's point can only agree on the
    town; two reports placed at streets 2 km apart tell of different spots.
    """
    precise = f"loc_unc_l <= {PRECISE_KM} AND loc_unc_r <= {PRECISE_KM}"
    levels = [Level("no coordinates", "lat_l IS NULL OR lat_r IS NULL", 1.0, 1.0)]
    for limit, m, u in zip(PRECISE_DISTANCE_KM, (0.7, 0.2, 0.07), (0.1, 0.15, 0.25), strict=True):
        levels.append(
            Level(f"both precise, within {limit} km", f"{precise} AND {_HAVERSINE} <= {limit}", m, u)
        )
    levels.append(Level("both precise, farther apart", precise, 0.03, 0.5))
    ms, us = (0.45, 0.3, 0.15, 0.06, 0.04), (0.15, 0.2, 0.2, 0.15, 0.3)
    for limit, m, u in zip(DISTANCE_RATIOS, ms, us, strict=False):
        levels.append(
            Level(f"within {limit} x place uncertainty", f"{_HAVERSINE} <= {limit} * {_SIGMA}", m, u)
        )
    levels.append(Level("farther apart", "ELSE", ms[-1], us[-1]))
    return Comparison(
        "distance", "distance relative to both reports' place precision", tuple(levels), _distance_level
    )


# --- date ------------------------------------------------------------------------------------

_DATE_GAP = "greatest(abs(day_l - day_r) - date_unc_l - date_unc_r, 0)"


def _date_level(left: Row, right: Row) -> int:
    if left["day"] is None or right["day"] is None:
        return 0
    if left["day"] == right["day"] and left["date_unc"] == 0 and right["date_unc"] == 0:
        return 1
    gap = max(abs(left["day"] - right["day"]) - left["date_unc"] - right["date_unc"], 0)
    return 2 + next((i for i, limit in enumerate(DATE_GAPS) if gap <= limit), len(DATE_GAPS))


def _date(dialect: str) -> Comparison:
    levels = [
        Level("no date", "day_l IS NULL OR day_r IS NULL", 1.0, 1.0),
        Level("same day, both exact", "day_l = day_r AND date_unc_l = 0 AND date_unc_r = 0", 0.5, 0.05),
    ]
    for limit, m, u in zip(DATE_GAPS, (0.35, 0.1, 0.03), (0.15, 0.25, 0.3), strict=True):
        levels.append(Level(f"date windows within {limit} day(s)", f"{_DATE_GAP} <= {limit}", m, u))
    levels.append(Level("further apart", "ELSE", 0.02, 0.25))
    return Comparison(
        "date",
        "days between the reports' date windows (date precision respected)",
        tuple(levels),
        _date_level,
    )


# --- casualty counts -------------------------------------------------------------------------


def _count_gap(lo_l: int, hi_l: int, lo_r: int, hi_r: int) -> tuple[int, int]:
    return max(lo_r - hi_l, lo_l - hi_r, 0), max(hi_l, hi_r)


def _count_level_of(prefix: str) -> Callable[[Row, Row], int]:
    def level(left: Row, right: Row) -> int:
        if left[f"{prefix}_lo"] is None or right[f"{prefix}_lo"] is None:
            return 0
        if left[f"{prefix}_hi"] == 0 and right[f"{prefix}_hi"] == 0:
            return 1
        if left[f"{prefix}_lo"] == right[f"{prefix}_lo"] and left[f"{prefix}_hi"] == right[f"{prefix}_hi"]:
            return 2
        gap, scale = _count_gap(
            left[f"{prefix}_lo"], left[f"{prefix}_hi"], right[f"{prefix}_lo"], right[f"{prefix}_hi"]
        )
        if gap == 0:
            return 3
        if gap <= max(1, 0.34 * scale):
            return 4
        if gap <= max(3, 0.75 * scale):
            return 5
        return 6

    return level


def _count(prefix: str, what: str) -> Comparison:
    gap = f"greatest({prefix}_lo_r - {prefix}_hi_l, {prefix}_lo_l - {prefix}_hi_r, 0)"
    scale = f"greatest({prefix}_hi_l, {prefix}_hi_r)"
    levels = (
        Level(f"{what} not given", f"{prefix}_lo_l IS NULL OR {prefix}_lo_r IS NULL", 1.0, 1.0),
        Level("both none", f"{prefix}_hi_l = 0 AND {prefix}_hi_r = 0", 0.3, 0.3),
        Level(
            "same count",
            f"{prefix}_lo_l = {prefix}_lo_r AND {prefix}_hi_l = {prefix}_hi_r",
            0.3,
            0.08,
        ),
        Level("ranges overlap", f"{gap} = 0", 0.15, 0.1),
        Level("close (within a third)", f"{gap} <= greatest(1, 0.34 * {scale})", 0.15, 0.15),
        Level("somewhat apart", f"{gap} <= greatest(3, 0.75 * {scale})", 0.06, 0.15),
        Level("far apart", "ELSE", 0.04, 0.25),
    )
    return Comparison(prefix, f"civilians {what} (ranges overlap)", levels, _count_level_of(prefix))


# --- names and text --------------------------------------------------------------------------


def name_similarity(a: str, b: str) -> float:
    return 1.0 - Levenshtein.distance(a, b) / max(len(a), len(b), 1)


def _place_level(left: Row, right: Row) -> int:
    a, b = left["place_key"], right["place_key"]
    if a is None or b is None:
        return 0
    if a == b:
        return 1
    similarity = name_similarity(a, b)
    return 2 + next(
        (i for i, limit in enumerate(NAME_SIMILARITY) if similarity >= limit), len(NAME_SIMILARITY)
    )


def _place(dialect: str) -> Comparison:
    similarity = (
        "(1.0 - levenshtein(place_key_l, place_key_r) / greatest(length(place_key_l), length(place_key_r)))"
    )
    levels = [
        Level("no place name", "place_key_l IS NULL OR place_key_r IS NULL", 1.0, 1.0),
        Level("same name (any spelling or script)", "place_key_l = place_key_r", 0.7, 0.1),
    ]
    for limit, m, u in zip(NAME_SIMILARITY, (0.15, 0.08), (0.1, 0.2), strict=True):
        levels.append(Level(f"similar names (>= {limit})", f"{similarity} >= {limit}", m, u))
    levels.append(Level("different names", "ELSE", 0.07, 0.6))
    return Comparison("place", "place names across spellings and scripts", tuple(levels), _place_level)


def _equality_level(key: str) -> Callable[[Row, Row], int]:
    """Levels of a three-level equality comparison on ``key``: 0 when either side lacks it, 1 when
    both agree, 2 when they differ (the SQL levels of ``_admin`` and ``_source``, in order)."""

    def level(left: Row, right: Row) -> int:
        if left[key] is None or right[key] is None:
            return 0
        return 1 if left[key] == right[key] else 2

    return level


def _admin(dialect: str) -> Comparison:
    levels = (
        Level("no province", "admin1_key_l IS NULL OR admin1_key_r IS NULL", 1.0, 1.0),
        Level("same province", "admin1_key_l = admin1_key_r", 0.9, 0.5),
        Level("different province", "ELSE", 0.1, 0.5),
    )
    return Comparison("admin1", "first-order administrative division", levels, _equality_level("admin1_key"))


def _jaccard_at_least(limit: float) -> tuple[int, int]:
    """``limit`` as a fraction p/q: Jaccard c / (n - c) >= p / q  <=>  (p + q) * c >= p * n, in integers.

    Whole numbers give the same answer in SQL and Python, and the SQL needs the intersection of
    the two word lists once per level instead of twice (the costliest comparison at scale).
    """
    fraction = Fraction(limit).limit_denominator(1000)
    return fraction.numerator, fraction.denominator


def _text_level(left: Row, right: Row) -> int:
    if not left["ntok"] or not right["ntok"]:
        return 0
    common = len(set(left["tokens"]) & set(right["tokens"]))
    total = len(left["tokens"]) + len(right["tokens"])
    for index, limit in enumerate(TEXT_JACCARD):
        p, q = _jaccard_at_least(limit)
        if (p + q) * common >= p * total:
            return 1 + index
    return 1 + len(TEXT_JACCARD)


def _text(dialect: str) -> Comparison:
    intersect = _sql(dialect)["intersect"]
    levels = [
        Level("no description", "ntok_l = 0 OR ntok_r = 0 OR ntok_l IS NULL OR ntok_r IS NULL", 1.0, 1.0)
    ]
    for limit, m, u in zip(TEXT_JACCARD, (0.4, 0.3, 0.2), (0.02, 0.08, 0.3), strict=True):
        p, q = _jaccard_at_least(limit)
        condition = f"{p + q} * {intersect} >= {p} * (ntok_l + ntok_r)"
        levels.append(Level(f"descriptions share >= {limit:.0%} of words", condition, m, u))
    levels.append(Level("descriptions differ", "ELSE", 0.1, 0.6))
    return Comparison("text", "free-text similarity of the descriptions", tuple(levels), _text_level)


_DETAILS = ("weapon", "target", "tod")


def _details_level(left: Row, right: Row) -> int:
    agree = sum(1 for d in _DETAILS if left[d] is not None and left[d] == right[d])
    conflict = sum(
        1 for d in _DETAILS if left[d] is not None and right[d] is not None and left[d] != right[d]
    )
    if agree == 0 and conflict == 0:
        return 0
    if conflict == 0:
        return 1 if agree >= 2 else 2
    return 3 if agree >= 1 else 4


def _details(dialect: str) -> Comparison:
    agree = " + ".join(f"(CASE WHEN {d}_l = {d}_r THEN 1 ELSE 0 END)" for d in _DETAILS)
    conflict = " + ".join(f"(CASE WHEN {d}_l <> {d}_r THEN 1 ELSE 0 END)" for d in _DETAILS)
    levels = (
        Level("no particulars to compare", f"({agree}) = 0 AND ({conflict}) = 0", 1.0, 1.0),
        Level("two or more particulars agree", f"({conflict}) = 0 AND ({agree}) >= 2", 0.4, 0.05),
        Level("one particular agrees", f"({conflict}) = 0", 0.45, 0.3),
        Level("particulars partly disagree", f"({agree}) >= 1", 0.1, 0.3),
        Level("particulars disagree", "ELSE", 0.05, 0.35),
    )
    return Comparison(
        "details", "weapon, target and time of day named in the descriptions", levels, _details_level
    )


def _source(dialect: str) -> Comparison:
    levels = (
        Level("source unknown", "source_l IS NULL OR source_r IS NULL", 1.0, 1.0),
        Level("same source", "source_l = source_r", 0.03, 0.1),
        Level("different sources", "ELSE", 0.97, 0.9),
    )
    return Comparison(
        "source", "the same source rarely reports one incident twice", levels, _equality_level("source")
    )


def comparisons(dialect: str = "duckdb") -> list[Comparison]:
    """The model's comparisons, with SQL for ``dialect`` (``duckdb`` or ``spark``)."""
    return [
        _distance(dialect),
        _date(dialect),
        _count("killed", "killed"),
        _count("injured", "injured"),
        _place(dialect),
        _admin(dialect),
        _text(dialect),
        _details(dialect),
        _source(dialect),
    ]
