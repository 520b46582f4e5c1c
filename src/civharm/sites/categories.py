"""What kinds of protected and critical civilian objects the register knows, and why each is protected.

Also the mapping from OpenStreetMap tags to categories (documented in docs/sites.md), which
doubles as the list of words accepted for a category in CSV files ("hospital" means medical).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache


class SiteCategory(StrEnum):
    MEDICAL = "medical"
    EDUCATION = "education"
    WATER_SANITATION = "water_sanitation"
    POWER = "power"
    FOOD_MARKET = "food_market"
    WORSHIP = "worship"
    CULTURAL_PROPERTY = "cultural_property"
    SHELTER_CAMP = "shelter_camp"
    OTHER = "other"


CATEGORY_LABELS: dict[SiteCategory, str] = {
    SiteCategory.MEDICAL: "Medical",
    SiteCategory.EDUCATION: "Education",
    SiteCategory.WATER_SANITATION: "Water and sanitation",
    SiteCategory.POWER: "Power",
    SiteCategory.FOOD_MARKET: "Food and markets",
    SiteCategory.WORSHIP: "Place of worship",
    SiteCategory.CULTURAL_PROPERTY: "Cultural property",
    SiteCategory.SHELTER_CAMP: "Shelters and camps",
    SiteCategory.OTHER: "Other civilian object",
}


class CulturalProtection(StrEnum):
    """Protection status of cultural property under the 1954 Hague Convention and its protocols."""

    GENERAL = "general"  # every cultural property (Hague 1954, art. 4)
    SPECIAL = "special"  # International Register of Cultural Property under Special Protection (ch. II)
    ENHANCED = "enhanced"  # 1999 Second Protocol, List of Cultural Property under Enhanced Protection
    WORLD_HERITAGE = "world_heritage"  # on UNESCO's World Heritage List (general protection applies)
    UNKNOWN = "unknown"


#: The legal basis recorded when a source gives none: the treaty rules that protect the object.
DEFAULT_LEGAL_BASIS: dict[SiteCategory, str] = {
    SiteCategory.MEDICAL: "GC I art. 19; GC IV art. 18; AP I art. 12; AP II art. 11 (medical units)",
    SiteCategory.EDUCATION: (
        "Civilian object, AP I art. 52; Safe Schools Declaration (2015); UNSCR 1998 (2011)"
    ),
    SiteCategory.WATER_SANITATION: (
        "Object indispensable to the survival of the civilian population, AP I art. 54, AP II art. 14; "
        "dams and dykes, AP I art. 56"
    ),
    SiteCategory.POWER: "Civilian object, AP I art. 52; nuclear electrical generating stations, AP I art. 56",
    SiteCategory.FOOD_MARKET: "Foodstuffs: AP I art. 54, AP II art. 14; civilian object, AP I art. 52",
    SiteCategory.WORSHIP: "Places of worship, AP I art. 53, AP II art. 16",
    SiteCategory.CULTURAL_PROPERTY: (
        "1954 Hague Convention art. 4; AP I art. 53; AP II art. 16; 1999 Second Protocol"
    ),
    SiteCategory.SHELTER_CAMP: "Civilians and civilian objects, GC IV; AP I arts. 51-52",
    SiteCategory.OTHER: "Civilian object, AP I art. 52",
}

# --- OpenStreetMap tags -------------------------------------------------------------------------

#: ``(key, value)`` pairs, ``value`` ``"*"`` meaning any value but "no". The first category whose
#: tags match wins, so a hospital in a historic building is medical and a historic mosque is
#: cultural property (its Hague protection is the stronger claim).
OSM_TAGS: list[tuple[SiteCategory, list[tuple[str, str]]]] = [
    (
        SiteCategory.MEDICAL,
        [("amenity", v) for v in ("hospital", "clinic", "doctors", "dentist", "pharmacy", "nursing_home")]
        + [("healthcare", "*"), ("building", "hospital"), ("emergency", "ambulance_station")],
    ),
    (
        SiteCategory.SHELTER_CAMP,
        # Not amenity=shelter: in OSM that is mostly bus stops and picnic roofs.
        [("amenity", "refugee_site"), ("social_facility", "shelter"), ("refugee", "yes")],
    ),
    (
        SiteCategory.CULTURAL_PROPERTY,
        [
            ("heritage", "*"),
            ("historic", "*"),
            ("tourism", "museum"),
            ("amenity", "library"),
            ("amenity", "archive"),
            ("office", "archive"),
            ("building", "museum"),
        ],
    ),
    (
        SiteCategory.WORSHIP,
        [("amenity", "place_of_worship")]
        + [
            ("building", v)
            for v in ("mosque", "church", "synagogue", "temple", "shrine", "cathedral", "chapel")
        ],
    ),
    (
        SiteCategory.EDUCATION,
        [("amenity", v) for v in ("school", "kindergarten", "college", "university", "childcare")]
        + [("building", v) for v in ("school", "university", "kindergarten")],
    ),
    (
        SiteCategory.WATER_SANITATION,
        [
            ("man_made", v)
            for v in ("water_works", "water_tower", "wastewater_plant", "water_well", "pumping_station")
        ]
        + [("man_made", "reservoir_covered"), ("waterway", "dam"), ("amenity", "drinking_water")],
    ),
    (
        SiteCategory.POWER,
        [("power", "plant"), ("power", "substation"), ("power", "generator")],
    ),
    (
        SiteCategory.FOOD_MARKET,
        [("amenity", "marketplace"), ("man_made", "silo"), ("amenity", "food_bank")]
        + [("shop", v) for v in ("supermarket", "bakery", "greengrocer", "butcher", "convenience")],
    ),
    (
        SiteCategory.OTHER,
        [("amenity", "fire_station"), ("amenity", "social_facility"), ("amenity", "community_centre")],
    ),
]


def category_from_tags(tags: Mapping[str, str]) -> SiteCategory | None:
    """The register category for OSM-style tags, or ``None`` when they describe no protected object."""
    for category, pairs in OSM_TAGS:
        for key, value in pairs:
            have = (tags.get(key) or "").strip().lower()
            if have and have != "no" and (value == "*" or have == value):
                return category
    return None


def protection_from_tags(tags: Mapping[str, str]) -> CulturalProtection:
    """The Hague protection status told by OSM tags (``heritage=1`` is UNESCO World Heritage)."""
    operator = (tags.get("heritage:operator") or "").lower()
    if tags.get("heritage") == "1" or operator == "whc":
        return CulturalProtection.WORLD_HERITAGE
    title = (tags.get("protection_title") or "").lower()
    if "enhanced" in title:
        return CulturalProtection.ENHANCED
    if "special" in title:
        return CulturalProtection.SPECIAL
    return CulturalProtection.GENERAL


def _words() -> dict[str, SiteCategory]:
    words: dict[str, SiteCategory] = {}
    for category, pairs in OSM_TAGS:
        for _, value in pairs:
            if value not in ("*", "yes"):
                words.setdefault(value.replace("_", " "), category)
    for category, label in CATEGORY_LABELS.items():
        words[label.lower()] = category
        words[category.value.replace("_", " ")] = category
    words.update({"water": SiteCategory.WATER_SANITATION, "market": SiteCategory.FOOD_MARKET})
    words.update({"cultural": SiteCategory.CULTURAL_PROPERTY, "camp": SiteCategory.SHELTER_CAMP})
    words.update({"mosque": SiteCategory.WORSHIP, "church": SiteCategory.WORSHIP})
    return words


CATEGORY_WORDS = _words()


@cache
def parse_category(text: str) -> SiteCategory:
    """A category from its value, its label or a common word for it ("hospital", "Water and sanitation")."""
    key = " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
    if key in CATEGORY_WORDS:
        return CATEGORY_WORDS[key]
    allowed = ", ".join(c.value for c in SiteCategory)
    raise ValueError(f"is not a known category; use one of {allowed} (or a word such as hospital, school)")
