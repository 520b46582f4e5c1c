"""Controlled vocabularies shared by every part of civharm.

Values follow the public standards named in REFERENCE.md so that data exchanged with
other systems means the same thing: NATO's human-security topics, SDG 16.1.2 casualty
categories, the HURIDOCS reliability scale, the Airwars grading scale and the lifecycle
of civilian-harm tracking.
"""

from __future__ import annotations

from enum import StrEnum


class Topic(StrEnum):
    """NATO's five cross-cutting human-security topics."""

    POC = "poc"  # protection of civilians
    CAAC = "caac"  # children and armed conflict
    CRSV = "crsv"  # conflict-related sexual violence
    THB = "thb"  # trafficking in human beings
    CPP = "cpp"  # cultural property protection


TOPIC_LABELS: dict[Topic, str] = {
    Topic.POC: "Protection of civilians",
    Topic.CAAC: "Children and armed conflict",
    Topic.CRSV: "Conflict-related sexual violence",
    Topic.THB: "Trafficking in human beings",
    Topic.CPP: "Cultural property protection",
}

#: Topics whose survivors' identities are restricted most strictly (Murad Code practice).
SURVIVOR_TOPICS: frozenset[Topic] = frozenset({Topic.CRSV, Topic.THB})


class GraveViolation(StrEnum):
    """The six grave violations against children (UNSC resolution 1612)."""

    KILLING_MAIMING = "killing_maiming"
    RECRUITMENT_USE = "recruitment_use"
    SEXUAL_VIOLENCE = "sexual_violence"
    ATTACKS_SCHOOLS_HOSPITALS = "attacks_schools_hospitals"
    ABDUCTION = "abduction"
    DENIAL_HUMANITARIAN_ACCESS = "denial_humanitarian_access"


class HarmType(StrEnum):
    """Civilian harm as defined in DoD usage: death, injury, damage and wider effects."""

    DEATH = "death"
    INJURY = "injury"
    DAMAGE_CIVILIAN_OBJECT = "damage_civilian_object"
    DESTRUCTION_CIVILIAN_OBJECT = "destruction_civilian_object"
    DISPLACEMENT = "displacement"
    LOSS_OF_LIVELIHOOD = "loss_of_livelihood"
    LOSS_OF_ESSENTIAL_SERVICES = "loss_of_essential_services"
    SEXUAL_VIOLENCE = "sexual_violence"
    ABDUCTION = "abduction"
    TRAFFICKING = "trafficking"
    LOOTING = "looting"


class Cause(StrEnum):
    """SDG 16.1.2 cause categories."""

    HEAVY_WEAPONS = "heavy_weapons_explosive_munitions"
    PLANTED_EXPLOSIVES = "planted_explosives_uxo"
    SMALL_ARMS = "small_arms_light_weapons"
    INCENDIARY = "incendiary_weapons"
    CBRN = "cbrn_weapons"
    ELECTROMAGNETIC = "electromagnetic_weapons"
    LESS_LETHAL = "less_lethal_weapons"
    DENIAL_OF_ESSENTIALS = "denial_destruction_indispensable_objects"
    ACCIDENT = "conflict_related_accident"
    OTHER = "other_means"
    UNKNOWN = "unknown"


class Sex(StrEnum):
    """SDG 16.1.2 sex categories."""

    MAN = "man"
    WOMAN = "woman"
    UNKNOWN = "unknown"


class AgeGroup(StrEnum):
    """SDG 16.1.2 age groups: adult is 18 or older."""

    ADULT = "adult"
    CHILD = "child"
    UNKNOWN = "unknown"


class PersonStatus(StrEnum):
    """SDG 16.1.2 status of a casualty."""

    CIVILIAN = "civilian"
    OTHER_PROTECTED = "other_protected_person"
    ARMED_FORCES = "member_of_armed_forces"
    DIRECT_PARTICIPANT = "direct_participant_in_hostilities"
    UNKNOWN = "unknown"


class Outcome(StrEnum):
    """Whether a casualty was killed or injured."""

    KILLED = "killed"
    INJURED = "injured"


class SourceType(StrEnum):
    """Kinds of source a report can come from (REFERENCE §2)."""

    OWN_FORCE = "own_force_report"
    PARTNER_FORCE = "partner_force"
    UN = "un"
    NGO = "ngo"
    MEDIA = "media"
    SOCIAL_MEDIA = "social_media"
    CIVILIAN_CLAIM = "civilian_claim"
    OFFICIAL_STATEMENT = "official_statement"
    DATASET = "dataset"  # a curated event dataset such as UCDP GED or ACLED


class Reliability(StrEnum):
    """HURIDOCS source reliability scale."""

    HIGHLY_RELIABLE = "highly_reliable"
    LIKELY_RELIABLE = "likely_reliable"
    UNSURE = "unsure"
    LIKELY_UNRELIABLE = "likely_unreliable"
    HIGHLY_UNRELIABLE = "highly_unreliable"
    UNKNOWN = "unknown"


class IncidentStatus(StrEnum):
    """Lifecycle of an incident (REFERENCE §2); transitions live in the assessments package."""

    RECEIVED = "received"
    TRIAGED = "triaged"
    MATCHED = "matched"
    UNDER_ASSESSMENT = "under_assessment"
    ASSESSED = "assessed"
    UNDER_INVESTIGATION = "under_investigation"
    RESPONSE_DECIDED = "response_decided"
    RESPONSE_DELIVERED = "response_delivered"
    LESSONS_CAPTURED = "lessons_captured"
    CLOSED = "closed"
    REOPENED = "reopened"


class Grading(StrEnum):
    """The recorder's grading of an incident (Airwars scale)."""

    CONFIRMED = "confirmed"
    FAIR = "fair"
    WEAK = "weak"
    CONTESTED = "contested"
    DISCOUNTED = "discounted"


class Determination(StrEnum):
    """The belligerent's determination about its own responsibility."""

    NOT_YET_ASSESSED = "not_yet_assessed"
    CREDIBLE = "credible"
    NOT_CREDIBLE = "not_credible"
    INSUFFICIENT_INFORMATION = "insufficient_information"
    DUPLICATE = "duplicate"


class Sensitivity(StrEnum):
    """How carefully a record must be handled."""

    NORMAL = "normal"
    RESTRICTED = "restricted"
