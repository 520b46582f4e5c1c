"""What really happened in one generated event: the hidden truth its sources report on.

UCDP gives the place as it coded it (a village point, a city point, a district or province
centroid), the day or a span of days, the parties, the dead and one headline. An event has
more than that: a spot inside the town, a neighbourhood or landmark, a weapon, a target, a
time of day and injured people. Those are drawn here, once per event, so that every source
of the event reports the same particulars (each with its own omissions and mistakes) and
distinct events in one town on one day differ the way real ones do: sometimes clearly,
sometimes hardly at all (two morning shellings of homes in a small town look alike).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from civharm.linkage.normalise import fold_place

if TYPE_CHECKING:
    from civharm.linkage.generator import Event

#: Radius (km) of the area in which an event really happened, around UCDP's point, by
#: ``where_prec`` (2: "within about 25 km"; 3 and 4: an administrative unit; 6: the country).
SPREAD_KM = {1: 0.5, 2: 10.0, 3: 20.0, 4: 35.0, 5: 50.0, 6: 80.0, 7: 20.0}
#: A ``where_prec`` 1 point that collects many events is a town or city point, not a spot:
#: the event happened somewhere in the town, within this radius per ln(events at the point).
TOWN_KM_PER_LOG_EVENTS = 0.8
MAX_TOWN_KM = 6.0

#: Real neighbourhoods of the cities with the most events; other places get a landmark.
NEIGHBOURHOODS: dict[str, tuple[str, ...]] = {
    "Aleppo": (
        "al-Sukkari", "al-Shaar", "Bustan al-Qasr", "al-Kallaseh", "Salaheddine", "al-Mashhad",
        "Masaken Hanano", "al-Sakhour", "Tariq al-Bab", "al-Fardous", "al-Maadi", "Bab al-Nairab",
        "al-Ansari", "Sheikh Maqsoud", "al-Hamdaniyeh", "al-Midan", "al-Jamiliyeh", "al-Zabdiyeh",
        "Bani Zeid", "al-Ashrafiyeh", "Karm al-Jabal", "Qadi Askar", "al-Marjeh", "Bab al-Hadid",
        "Sheikh Saeed", "al-Ramouseh", "al-Layramoun", "Jisr al-Haj", "al-Sabil", "Saif al-Dawla",
    ),
    "Damascus": (
        "Jobar", "al-Qaboun", "Barzeh", "Tishreen", "al-Mezzeh", "al-Midan", "Bab Touma", "al-Qassaa",
        "Rukn al-Din", "Kafr Souseh", "al-Qadam", "al-Tadamon", "Yarmouk", "al-Abbasiyin",
        "Bab Sharqi", "al-Zahira", "Dummar", "al-Hajar al-Aswad",
    ),
    "Deir ez Zor": (
        "al-Joura", "al-Qusour", "al-Huwaiqa", "al-Rashdiya", "al-Hamidiya", "al-Sinaa", "al-Umal",
        "Harabesh", "al-Jubaila", "al-Ardi", "al-Mawazafin", "al-Sheikh Yassin",
    ),
    "Homs": (
        "al-Waer", "Baba Amr", "al-Khalidiya", "Karm al-Zeitoun", "al-Zahraa", "Akrama",
        "al-Inshaat", "al-Hamidiya", "Jouret al-Shayah", "al-Qusour", "Bab Hud",
    ),
    "Ar Raqqah": (
        "al-Mashlab", "al-Sinaa", "al-Rumaniyah", "al-Thakana", "al-Badu", "al-Naeem", "al-Firdous",
        "al-Daraiya", "al-Amasi", "Hisham bin Abdul Malik",
    ),
    "Daraa": ("Daraa al-Balad", "al-Sahari", "al-Mahatta", "al-Manshiya", "Tariq al-Sad", "al-Kashef"),
    "Idlib": ("al-Qusour", "al-Dabit", "al-Thalatheen", "al-Jalaa", "al-Hal", "al-Wahda"),
    "Hama": ("al-Arbaeen", "al-Hader", "Bab Qibli", "al-Sabouni", "Tariq Halab", "al-Qusour"),
    "Duma": ("al-Hajariyeh", "Masraba road", "al-Qawatli", "al-Jalaa", "Shifouniyeh"),
    "Manbij": ("al-Hazawneh", "al-Sarb", "al-Kheim", "al-Sabaa Bahrat"),
}  # fmt: skip
#: Landmarks a source may name in any town (English, Arabic). None is a target word of the
#: particulars lexicon, so naming a landmark never reads as naming the target.
LANDMARKS: tuple[tuple[str, str], ...] = (
    ("the main roundabout", "الدوار الرئيسي"), ("the water tower", "خزان المياه"),
    ("the industrial zone", "المنطقة الصناعية"), ("the municipality building", "مبنى البلدية"),
    ("the grain silos", "الصوامع"), ("the bus station", "الكراج"), ("the cemetery", "المقبرة"),
    ("the old quarter", "الحي القديم"), ("the western entrance", "المدخل الغربي"),
    ("the eastern outskirts", "الأطراف الشرقية"), ("the northern quarter", "الحي الشمالي"),
    ("the southern quarter", "الحي الجنوبي"), ("the main square", "الساحة الرئيسية"),
    ("the railway station", "محطة القطار"), ("the stadium", "الملعب"), ("the post office", "مبنى البريد"),
    ("the sports club", "النادي الرياضي"), ("the olive press", "معصرة الزيتون"),
    ("the cotton gin", "محلج القطن"), ("the fuel station", "محطة الوقود"),
    ("the courthouse", "القصر العدلي"), ("the police station", "مخفر الشرطة"),
    ("the cultural centre", "المركز الثقافي"), ("the youth hostel", "المدينة الشبابية"),
)  # fmt: skip

#: Weapon classes named by a headline's words (the real UCDP headline of the event).
_HEADLINE_WEAPONS = {
    "air": r"airstrike|air strike|air raid|raids?\b|warplane|aerial|bombard|russian jets",
    "barrel": r"barrel|helicopter",
    "artillery": r"shell|mortar|rocket|artillery|missile|cannon",
    "explosive": r"explosi|car bomb|ied\b|landmine|mine\b|blast|suicide",
    "gunfire": r"clash|gunfire|sniper|shot|fighting|battle|ambush|execut",
}
_HEADLINE_PATTERNS = {k: re.compile(v, re.IGNORECASE) for k, v in _HEADLINE_WEAPONS.items()}
#: When the headline names no weapon: weights per weapon class by UCDP type of violence.
WEAPONS_BY_VIOLENCE = {
    1: {"air": 35, "artillery": 35, "barrel": 10, "gunfire": 20},
    2: {"gunfire": 60, "artillery": 25, "explosive": 15},
    3: {"gunfire": 40, "explosive": 30, "air": 30},
}
TARGET_WEIGHTS = {
    "home": 34, "vehicle": 10, "market": 8, "road": 8, "farm": 6, "checkpoint": 6, "medical": 5,
    "school": 5, "mosque": 5, "camp": 4, "bakery": 3, "power": 3, "water": 2,
}  # fmt: skip
TIME_WEIGHTS = {"morning": 40, "afternoon": 25, "night": 35}


@dataclass(frozen=True)
class EventTruth:
    """An event as it happened (hidden from the engine; the generator's sources report on it)."""

    event: Event
    day: date  # the day it happened (inside UCDP's span when the date is imprecise)
    latitude: float  # the spot
    longitude: float
    spread_km: float  # how far the spot may lie from UCDP's point
    town_point: bool  # UCDP's point is a whole town or an area, not the spot
    area: str  # neighbourhood or landmark, as an English source names it
    area_ar: str | None  # the same in Arabic, when known (else a letter-by-letter rendering)
    weapon: str
    target: str
    time_of_day: str
    killed: int
    injured: int


def _spread_km(event: Event) -> tuple[float, bool]:
    if event.where_prec == 1:
        if event.point_events < 10:
            return SPREAD_KM[1], False
        return min(MAX_TOWN_KM, TOWN_KM_PER_LOG_EVENTS * math.log(event.point_events)), True
    return SPREAD_KM.get(event.where_prec, 20.0), True


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _weapon(rng: random.Random, event: Event) -> str:
    named = [w for w, pattern in _HEADLINE_PATTERNS.items() if pattern.search(event.headline or "")]
    if named:  # a round-up names several: this event had one of them
        return rng.choice(named)
    return _weighted(rng, WEAPONS_BY_VIOLENCE.get(event.violence, WEAPONS_BY_VIOLENCE[1]))


def _area(rng: random.Random, event: Event, town_point: bool) -> tuple[str, str | None]:
    key = fold_place(event.place)
    for city, names in NEIGHBOURHOODS.items():
        if town_point and key == fold_place(city):
            return rng.choice(names), None
    return rng.choice(LANDMARKS)


def truth_of(event: Event, rng: random.Random) -> EventTruth:
    """Draw what the sources of ``event`` will report on (always the first draws from ``rng``)."""
    spread, town_point = _spread_km(event)
    distance, bearing = spread * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    span = (event.day_end - event.day).days
    area, area_ar = _area(rng, event, town_point)
    injured = round(event.deaths * rng.uniform(0.4, 2.0)) + rng.choice((0, 0, 1, 2, 3))
    return EventTruth(
        event=event,
        day=event.day + timedelta(days=rng.randint(0, span) if span else 0),
        latitude=event.latitude + distance * math.cos(bearing) / 111.0,
        longitude=event.longitude
        + distance * math.sin(bearing) / (111.0 * math.cos(math.radians(event.latitude))),
        spread_km=spread,
        town_point=town_point,
        area=area,
        area_ar=area_ar,
        weapon=_weapon(rng, event),
        target=_weighted(rng, TARGET_WEIGHTS),
        time_of_day=_weighted(rng, TIME_WEIGHTS),
        killed=event.deaths,
        injured=injured,
    )
