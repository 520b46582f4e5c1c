"""How precise a place or a date is, kept explicit and never hidden.

Each source codes precision its own way (UCDP ``where_prec``/``date_prec``, ACLED
``geo_precision``/``time_precision``, Airwars' geolocation accuracy). civharm keeps the
source's own code and maps it onto one ordered scale, with a nominal uncertainty that the
linkage engine uses to decide how far apart two reports of one event may be.
"""

from __future__ import annotations

from enum import StrEnum


class LocationPrecision(StrEnum):
    """Ordered from most to least precise."""

    EXACT = "exact"  # the spot, a landmark or a street
    NEIGHBOURHOOD = "neighbourhood"
    SETTLEMENT = "settlement"  # the town or village
    NEAR = "near"  # near a town, or within about 25 km
    ADMIN2 = "admin2"  # a second-order administrative unit (district)
    ADMIN1 = "admin1"  # a first-order administrative unit (governorate, province)
    REGION = "region"  # larger than a first-order unit
    COUNTRY = "country"
    WATER_AIRSPACE = "water_airspace"
    UNKNOWN = "unknown"


class DatePrecision(StrEnum):
    """Ordered from most to least precise."""

    DAY = "day"
    DAYS = "days"  # within two to six days
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


#: Nominal radius, in km, within which the true place lies.
LOCATION_UNCERTAINTY_KM: dict[LocationPrecision, float] = {
    LocationPrecision.EXACT: 1.0,
    LocationPrecision.NEIGHBOURHOOD: 3.0,
    LocationPrecision.SETTLEMENT: 8.0,
    LocationPrecision.NEAR: 25.0,
    LocationPrecision.ADMIN2: 50.0,
    LocationPrecision.ADMIN1: 150.0,
    LocationPrecision.REGION: 400.0,
    LocationPrecision.COUNTRY: 800.0,
    LocationPrecision.WATER_AIRSPACE: 100.0,
    LocationPrecision.UNKNOWN: 800.0,
}

#: Nominal number of days either side of the recorded date within which the event fell.
DATE_UNCERTAINTY_DAYS: dict[DatePrecision, int] = {
    DatePrecision.DAY: 0,
    DatePrecision.DAYS: 6,
    DatePrecision.WEEK: 7,
    DatePrecision.MONTH: 31,
    DatePrecision.YEAR: 366,
    DatePrecision.UNKNOWN: 366,
}

UCDP_WHERE_PREC: dict[int, LocationPrecision] = {
    1: LocationPrecision.EXACT,
    2: LocationPrecision.NEAR,
    3: LocationPrecision.ADMIN2,
    4: LocationPrecision.ADMIN1,
    5: LocationPrecision.REGION,
    6: LocationPrecision.COUNTRY,
    7: LocationPrecision.WATER_AIRSPACE,
}

UCDP_DATE_PREC: dict[int, DatePrecision] = {
    1: DatePrecision.DAY,
    2: DatePrecision.DAYS,
    3: DatePrecision.WEEK,
    4: DatePrecision.MONTH,
    5: DatePrecision.YEAR,
}

ACLED_GEO_PRECISION: dict[int, LocationPrecision] = {
    1: LocationPrecision.SETTLEMENT,
    2: LocationPrecision.NEAR,
    3: LocationPrecision.ADMIN1,
}

ACLED_TIME_PRECISION: dict[int, DatePrecision] = {
    1: DatePrecision.DAY,
    2: DatePrecision.WEEK,
    3: DatePrecision.MONTH,
}

AIRWARS_GEOLOCATION: dict[str, LocationPrecision] = {
    "exact location": LocationPrecision.EXACT,
    "nearby landmark": LocationPrecision.EXACT,
    "street": LocationPrecision.EXACT,
    "neighbourhood": LocationPrecision.NEIGHBOURHOOD,
    "village": LocationPrecision.SETTLEMENT,
    "city": LocationPrecision.SETTLEMENT,
    "subdistrict": LocationPrecision.ADMIN2,
    "district": LocationPrecision.ADMIN2,
    "governorate/province": LocationPrecision.ADMIN1,
}


def location_uncertainty_km(precision: LocationPrecision | str | None) -> float:
    """Nominal uncertainty radius for a precision level (unknown when ``None``)."""
    level = LocationPrecision(precision) if precision else LocationPrecision.UNKNOWN
    return LOCATION_UNCERTAINTY_KM[level]


def date_uncertainty_days(precision: DatePrecision | str | None) -> int:
    """Nominal uncertainty in days for a precision level (unknown when ``None``)."""
    level = DatePrecision(precision) if precision else DatePrecision.UNKNOWN
    return DATE_UNCERTAINTY_DAYS[level]
