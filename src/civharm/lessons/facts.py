"""What the harm patterns count, read from an incident: cause, activity, place, time and toll.

Pure functions over plain values; :mod:`civharm.lessons.patterns_service` reads them from the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

#: Given a point, the kind of protected object nearby (e.g. ``"school"``) or ``None``.
#: The sites feature supplies one; until then every incident reads "not assessed".
ProximityLookup = Callable[[float, float], str | None]
NOT_ASSESSED = "not assessed"
UNRECORDED = "unrecorded"


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    code: str
    day: date | None
    cause: str
    activity: str
    environment: str
    time_of_day: str
    near_protected_object: str
    topics: tuple[str, ...]
    area: str
    killed_min: int = 0
    killed_max: int = 0
    injured_min: int = 0
    injured_max: int = 0

    @property
    def month(self) -> str:
        return self.day.strftime("%Y-%m") if self.day else "undated"


# ACLED's sub-event types are the best record of activity or weapon when a report carries one.
ACLED_ACTIVITY = {
    "Air/drone strike": "air or drone strike",
    "Shelling/artillery/missile attack": "shelling, artillery or missile",
    "Remote explosive/landmine/IED": "IED, landmine or remote explosive",
    "Suicide bomb": "suicide bombing",
    "Grenade": "grenade",
    "Chemical weapon": "chemical weapon",
    "Armed clash": "armed clash",
    "Attack": "direct attack on civilians",
    "Abduction/forced disappearance": "abduction",
    "Sexual violence": "sexual violence",
    "Looting/property destruction": "looting or destruction",
}
#: Words in a title or description that name the activity, when nothing better is recorded.
KEYWORDS: list[tuple[str, str]] = [
    (r"\b(air ?strike|drone|aircraft|bomb(ing|ed)? from the air)", "air or drone strike"),
    (r"\b(shell(s|ing|ed)?|artillery|mortar|rocket|missile)", "shelling, artillery or missile"),
    (r"\b(ied|landmine|mine|unexploded|ordnance|remnant)", "IED, landmine or remote explosive"),
    (r"\b(gunfire|shooting|sniper|shot)\b", "small arms fire"),
    (r"\bcheckpoint", "checkpoint incident"),
    (r"\b(recruit(ed|ment)?|abduct(ed|ion)?|kidnap)", "abduction or recruitment"),
    (r"\btraffick", "trafficking"),
    (r"\bloot", "looting or destruction"),
    (r"\b(damaged|destroyed)\b", "damage to a civilian object"),
]
_KEYWORDS = [(re.compile(p, re.IGNORECASE), label) for p, label in KEYWORDS]


def activity_of(details: dict[str, object], sub_event_type: str | None, text: str) -> str:
    """Recorded activity first, then ACLED's sub-event type, then words of the text."""
    for key in ("activity", "weapon"):
        value = details.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    if sub_event_type and sub_event_type in ACLED_ACTIVITY:
        return ACLED_ACTIVITY[sub_event_type]
    for pattern, label in _KEYWORDS:
        if pattern.search(text):
            return label
    return UNRECORDED


def time_of_day_of(details: dict[str, object]) -> str:
    """Night (00-06), morning (06-12), afternoon (12-18), evening (18-24), from a recorded HH:MM."""
    value = details.get("time_of_day") or details.get("time")
    if not isinstance(value, str):
        return UNRECORDED
    if value in ("night", "morning", "afternoon", "evening"):
        return value
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(:\d{2})?\s*", value)
    if not match or int(match.group(1)) > 23:
        return UNRECORDED
    hour = int(match.group(1))
    return ("night", "morning", "afternoon", "evening")[hour // 6]
