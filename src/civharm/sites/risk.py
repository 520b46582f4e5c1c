"""The civilian-risk rating of a planned activity, with the reasons behind it. Pure: no I/O.

Three findings feed it, each scored 0-10 (higher means more risk to civilians):

- **protected objects in reach**: the most sensitive object found, weighted by its category
  (medical, water and shelters highest) and by how close it is (inside the planned area
  counts fully; at the edge of the radius, half), plus a little for each further object;
- **harm already recorded nearby**: incidents in the window, on a log scale, with a step up
  when children (CAAC) or sexual violence (CRSV) were involved;
- **people exposed**: the population in reach, on a log scale (10 people ≈ 2, 100,000 ≈ 10).

The rating is the highest of the three plus a quarter of the other two (capped at 10), so one
alarming finding is never averaged away. Levels: low < 2.5 ≤ moderate < 5 ≤ high < 7.5 ≤ very high.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from civharm.sites.categories import CATEGORY_LABELS, CulturalProtection, SiteCategory
from civharm.vocabulary import Topic

CATEGORY_WEIGHT: dict[SiteCategory, float] = {
    SiteCategory.MEDICAL: 10.0,
    SiteCategory.WATER_SANITATION: 9.0,
    SiteCategory.SHELTER_CAMP: 9.0,
    SiteCategory.CULTURAL_PROPERTY: 8.0,
    SiteCategory.EDUCATION: 8.0,
    SiteCategory.POWER: 8.0,
    SiteCategory.WORSHIP: 7.0,
    SiteCategory.FOOD_MARKET: 7.0,
    SiteCategory.OTHER: 5.0,
}
#: Cultural property on these lists is weighted like a hospital.
HIGH_PROTECTION = {CulturalProtection.SPECIAL, CulturalProtection.ENHANCED, CulturalProtection.WORLD_HERITAGE}


class RiskLevel(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very_high"


@dataclass(frozen=True)
class SiteFinding:
    name: str
    category: SiteCategory
    distance_km: float
    protection_status: CulturalProtection | None = None


@dataclass(frozen=True)
class IncidentFinding:
    count: int
    topics: dict[Topic, int] = field(default_factory=dict)
    killed_max: int = 0


@dataclass(frozen=True)
class RiskRating:
    level: RiskLevel
    score: float
    reasons: list[str]


def _site_weight(site: SiteFinding, radius_km: float) -> float:
    weight = CATEGORY_WEIGHT[site.category]
    if site.category is SiteCategory.CULTURAL_PROPERTY and site.protection_status in HIGH_PROTECTION:
        weight = 10.0
    nearness = 1.0 if radius_km <= 0 else 1.0 - 0.5 * min(site.distance_km / radius_km, 1.0)
    return weight * nearness


def _sites_part(sites: list[SiteFinding], radius_km: float) -> tuple[float, list[str]]:
    if not sites:
        return 0.0, [f"no protected object in the register within {radius_km:g} km"]
    ranked = sorted(sites, key=lambda s: -_site_weight(s, radius_km))
    score = min(10.0, _site_weight(ranked[0], radius_km) + 0.25 * (len(ranked) - 1))
    reasons = []
    for site in ranked[:3]:
        where = "inside the planned area" if site.distance_km == 0 else f"{site.distance_km:.2f} km away"
        status = (
            f", {site.protection_status.value.replace('_', ' ')} protection" if site.protection_status else ""
        )
        label = CATEGORY_LABELS[site.category].lower()
        reasons.append(f"{label} '{site.name}' {where}{status}")
    if len(ranked) > 3:
        reasons.append(f"{len(ranked) - 3} more protected object(s) within {radius_km:g} km")
    return score, reasons


def _incidents_part(incidents: IncidentFinding, radius_km: float) -> tuple[float, list[str]]:
    if incidents.count == 0:
        return 0.0, [f"no recorded incident within {radius_km:g} km in the window"]
    score = min(10.0, 3.3 * math.log2(1 + incidents.count))
    ordered = sorted(incidents.topics.items(), key=lambda item: list(Topic).index(item[0]))
    topics = ", ".join(f"{t.value.upper()} {n}" for t, n in ordered)
    reasons = [f"{incidents.count} recorded incident(s) within {radius_km:g} km in the window ({topics})"]
    if incidents.topics.get(Topic.CAAC) or incidents.topics.get(Topic.CRSV):
        score = min(10.0, score + 1.5)
        reasons.append("harm to children or sexual violence was recorded nearby")
    if incidents.killed_max:
        reasons.append(f"up to {incidents.killed_max} people were killed in those incidents")
    return score, reasons


def _population_part(population: float | None, radius_km: float) -> tuple[float, list[str]]:
    if population is None:
        return 0.0, ["no population grid loaded: people exposed unknown"]
    score = min(10.0, 2.0 * math.log10(1 + max(population, 0.0)))
    return score, [f"about {population:,.0f} people live within {radius_km:g} km"]


def rate(
    *, sites: list[SiteFinding], incidents: IncidentFinding, population: float | None, radius_km: float
) -> RiskRating:
    """Rate a planned point or area from what screening found; reasons come strongest first."""
    parts = [
        _sites_part(sites, radius_km),
        _incidents_part(incidents, radius_km),
        _population_part(population, radius_km),
    ]
    parts.sort(key=lambda p: -p[0])
    score = min(10.0, parts[0][0] + 0.25 * (parts[1][0] + parts[2][0]))
    level = (
        RiskLevel.LOW
        if score < 2.5
        else RiskLevel.MODERATE
        if score < 5
        else RiskLevel.HIGH
        if score < 7.5
        else RiskLevel.VERY_HIGH
    )
    reasons = [reason for _, part in parts for reason in part]
    return RiskRating(level=level, score=round(score, 2), reasons=reasons)
