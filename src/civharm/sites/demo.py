"""A synthetic register and population grid for the demo area (the Euphrates valley).

The towns are real (GeoNames, via :func:`civharm.demo.scenario.load_places`); every object and
every person counted here is invented. Site ids start with ``demo-``, names end with
``(synthetic)``, the source says so and the ``synthetic`` flag is set, so nobody mistakes them
for a real register.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civharm.demo.scenario import Place, load_places
from civharm.sites.categories import DEFAULT_LEGAL_BASIS, CulturalProtection, SiteCategory
from civharm.sites.geometry import point_shape, polygon_shape
from civharm.sites.imports import SiteFile, SiteRecord
from civharm.sites.models import Site
from civharm.sites.population import PopulationCells
from civharm.sites.service import current_grid, import_sites, load_population

DEMO_SOURCE = "[DEMO] synthetic register, not real facilities"
DEMO_GRID = "[DEMO] synthetic population"
SUFFIX = " (synthetic)"

#: (category, English pattern, Arabic pattern, smallest town that has one, how many per 25,000 people)
KINDS: list[tuple[SiteCategory, str, str, int, float]] = [
    (SiteCategory.MEDICAL, "{town} National Hospital", "مشفى {town} الوطني", 20_000, 0.0),
    (SiteCategory.MEDICAL, "{town} Health Centre {n}", "مركز {town} الصحي {n}", 0, 0.6),
    (SiteCategory.EDUCATION, "{town} Primary School {n}", "مدرسة {town} الابتدائية {n}", 0, 2.0),
    (SiteCategory.EDUCATION, "{town} Secondary School", "ثانوية {town}", 8_000, 0.0),
    (SiteCategory.WORSHIP, "{town} Grand Mosque", "جامع {town} الكبير", 0, 0.0),
    (SiteCategory.WORSHIP, "Mosque {n} of {town}", "مسجد {town} {n}", 0, 1.0),
    (SiteCategory.WATER_SANITATION, "{town} Water Works", "محطة مياه {town}", 10_000, 0.0),
    (SiteCategory.WATER_SANITATION, "{town} Water Tower", "خزان مياه {town}", 3_000, 0.0),
    (SiteCategory.POWER, "{town} Substation", "محطة تحويل {town}", 30_000, 0.0),
    (SiteCategory.FOOD_MARKET, "{town} Market", "سوق {town}", 5_000, 0.0),
    (SiteCategory.FOOD_MARKET, "{town} Grain Silo", "صوامع {town}", 40_000, 0.0),
]
CULTURAL = [
    ("Ar Raqqah", "Old City Walls of {town}", "سور {town} القديم", CulturalProtection.GENERAL),
    (
        "Deir ez-Zor",
        "{town} Suspension Bridge Remains",
        "بقايا جسر {town} المعلق",
        CulturalProtection.GENERAL,
    ),
    ("Tadmur", "Ancient City of {town}", "مدينة {town} الأثرية", CulturalProtection.WORLD_HERITAGE),
    ("Al Mayādīn", "Rahba Castle near {town}", "قلعة الرحبة قرب {town}", CulturalProtection.GENERAL),
    ("Ālbū Kamāl", "Tell near {town}", "تل قرب {town}", CulturalProtection.GENERAL),
]


@dataclass
class SitesDemoSummary:
    sites: int
    population_cells: int
    already_loaded: bool = False


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _near(rng: random.Random, place: Place, km: float) -> tuple[float, float]:
    north = rng.gauss(0, km) / 111.195
    east = rng.gauss(0, km) / (111.195 * math.cos(math.radians(place.latitude)))
    return round(place.latitude + north, 5), round(place.longitude + east, 5)


def _square(lat: float, lon: float, half_km: float) -> list[list[float]]:
    dlat = half_km / 111.195
    dlon = half_km / (111.195 * math.cos(math.radians(lat)))
    corners = [
        (lon - dlon, lat - dlat),
        (lon + dlon, lat - dlat),
        (lon + dlon, lat + dlat),
        (lon - dlon, lat + dlat),
    ]
    ring = [[round(x, 5), round(y, 5)] for x, y in corners]
    return [*ring, ring[0]]


def _record(
    rng: random.Random,
    place: Place,
    category: SiteCategory,
    names: tuple[str, str],
    ref: str,
    polygon_km: float = 0,
) -> SiteRecord:
    english, arabic = names
    lat, lon = _near(rng, place, 1.2 + math.sqrt(place.population) / 250)
    shape = polygon_shape([[_square(lat, lon, polygon_km)]]) if polygon_km else None
    centre = shape if shape is not None else point_shape(lat, lon)
    return SiteRecord(
        row=0,
        ref=ref,
        category=category,
        name=english + SUFFIX,
        latitude=centre.latitude,
        longitude=centre.longitude,
        shape=shape,
        names=[{"name": english + SUFFIX, "lang": "en"}, {"name": arabic, "lang": "ar"}],
        legal_basis=DEFAULT_LEGAL_BASIS[category],
        source=DEMO_SOURCE,
        tags={"synthetic": True, "town": place.name},
    )


def _town_sites(rng: random.Random, place: Place) -> list[SiteRecord]:
    arabic_town = place.arabic or place.name
    records = []
    for kind, (category, english, arabic, smallest, per_25k) in enumerate(KINDS):
        if place.population < smallest:
            continue
        count = max(1, min(6, round(place.population / 25_000 * per_25k))) if per_25k else 1
        for n in range(1, count + 1):
            names = (english.format(town=place.name, n=n), arabic.format(town=arabic_town, n=n))
            ref = f"demo-{_slug(place.name)}-{kind}-{n}"
            compound = 0.15 if category is SiteCategory.MEDICAL and smallest else 0.0
            records.append(_record(rng, place, category, names, ref, polygon_km=compound))
    return records


def _special_sites(rng: random.Random, places: dict[str, Place]) -> list[SiteRecord]:
    records = []
    for town, english, arabic, status in CULTURAL:
        place = places.get(town)
        if place is None:
            continue
        names = (english.format(town=place.name), arabic.format(town=place.arabic or place.name))
        record = _record(
            rng, place, SiteCategory.CULTURAL_PROPERTY, names, f"demo-cultural-{_slug(town)}", 0.6
        )
        record.protection_status = status
        records.append(record)
    for number, town in enumerate(["Al Ḩasakah", "Ar Raqqah", "Ālbū Kamāl"], start=1):
        place = places.get(town)
        if place is not None:
            names = (
                f"Displacement Camp {number} near {place.name}",
                f"مخيم نزوح {number} قرب {place.arabic or ''}",
            )
            records.append(_record(rng, place, SiteCategory.SHELTER_CAMP, names, f"demo-camp-{number}", 0.8))
    return records


def _population(places: list[Place]) -> PopulationCells:
    """Each town's people spread over 0.01° cells with a bell-shaped falloff (about 3 km wide)."""
    step = 0.01
    offsets = np.arange(-6, 7) * step
    lats, lons, counts = [], [], []
    for place in places:
        dy, dx = np.meshgrid(offsets, offsets, indexing="ij")
        weights = np.exp(-(dx**2 + dy**2) / (2 * (0.025**2)))
        share = place.population * weights / weights.sum()
        lats.append((np.round(place.latitude / step) * step + dy).ravel())
        lons.append((np.round(place.longitude / step) * step + dx).ravel())
        counts.append(share.ravel())
    return PopulationCells(
        np.concatenate(lats),
        np.concatenate(lons),
        np.concatenate(counts),
        cell_height_deg=step,
        cell_width_deg=step,
    )


@cache
def _places() -> list[Place]:
    # Reading the GeoNames extract takes seconds; the towns never change within a process.
    return load_places()


def load_sites_demo(session: Session, *, seed: int = 7) -> SitesDemoSummary:
    """Load the synthetic register and population grid once; a second call changes nothing."""
    if session.scalar(select(func.count(Site.id)).where(Site.source == DEMO_SOURCE)):
        return SitesDemoSummary(0, 0, already_loaded=True)
    rng = random.Random(seed)
    places = _places()
    records = [r for place in places for r in _town_sites(rng, place)]
    records += _special_sites(rng, {p.name: p for p in places})
    import_sites(session, sites=SiteFile("demo", records), actor="demo", synthetic=True)
    cells = 0
    if current_grid(session) is None:
        grid = load_population(
            session, name=DEMO_GRID, cells=_population(places), source=DEMO_SOURCE, actor="demo"
        )
        cells = grid.cells
    return SitesDemoSummary(sites=len(records), population_cells=cells)
