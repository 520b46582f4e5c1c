"""Screen planned points and areas: protected objects, past incidents and people within reach.

Candidates come from the store by a latitude/longitude box that is an exact superset of the
reach on the sphere (it widens at high latitudes, opens to all longitudes near a pole and
splits at the antimeridian); every distance is then measured exactly by the site index.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Row, String, and_, cast, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from civharm.errors import ValidationError
from civharm.incidents.models import Incident, IncidentTopic
from civharm.security.principal import Principal, Role
from civharm.sites.geometry import (
    EARTH_RADIUS_KM,
    Floats,
    GeometryError,
    Shape,
    point_shape,
    shape_from_geojson,
)
from civharm.sites.index import Pairs, SiteIndex
from civharm.sites.models import PopulationCell, PopulationGrid, Site
from civharm.sites.risk import IncidentFinding, SiteFinding, rate
from civharm.sites.schemas import IncidentHit, PointScreening, RiskOut, ScreeningResult, SiteHit
from civharm.sites.service import current_grid
from civharm.vocabulary import Topic

# --- the candidate box ----------------------------------------------------------------------------


def reach_box(
    latitude: Floats, longitude: Floats, reach_km: float
) -> tuple[float, float, list[tuple[float, float]] | None]:
    """``(min_lat, max_lat, longitude ranges)`` holding every point within ``reach_km`` of any input.

    Longitude ranges are ``None`` when all longitudes are needed (near a pole, or inputs spread
    around the globe). At latitude φ a point ``d`` away differs in longitude by at most
    asin(sin d / cos φ); the widest case in the band is taken, plus a small margin.
    """
    d = math.degrees(reach_km / EARTH_RADIUS_KM) + 1e-6
    low, high = float(np.min(latitude)) - d, float(np.max(latitude)) + d
    if low <= -90 or high >= 90 or d >= 90:
        return max(low, -90.0), min(high, 90.0), None
    widest = max(abs(low), abs(high))
    ratio = math.sin(math.radians(d)) / math.cos(math.radians(widest))
    if ratio >= 1:
        return low, high, None
    dlon = math.degrees(math.asin(ratio)) + 1e-6
    lon_low, lon_high = float(np.min(longitude)) - dlon, float(np.max(longitude)) + dlon
    if lon_high - lon_low >= 360 or float(np.ptp(longitude)) > 180:
        return low, high, None
    ranges = [(max(lon_low, -180.0), min(lon_high, 180.0))]
    if lon_low < -180:
        ranges.append((lon_low + 360, 180.0))
    if lon_high > 180:
        ranges.append((-180.0, lon_high - 360))
    return low, high, ranges


def _in_box(
    lat: InstrumentedAttribute[Any], lon: InstrumentedAttribute[Any], box: tuple[float, float, Any]
) -> ColumnElement[bool]:
    low, high, ranges = box
    condition = lat.between(low, high)
    if ranges is None:
        return condition
    return and_(condition, or_(*(lon.between(a, b) for a, b in ranges)))


# --- who may see which incidents ------------------------------------------------------------------


def visible_incidents(principal: Principal) -> ColumnElement[bool]:
    """The one place screening decides which incidents a principal may see.

    Until the security feature's central policy (civharm.security.policy) lands, partners see
    only incidents released to their organisation and staff see all; the policy replaces this.
    """
    if principal.role is Role.PARTNER:
        organisation = principal.organisation or ""
        return cast(Incident.releasable_to, String).like(f'%"{organisation}"%')
    return Incident.id.is_not(None)


# --- what was found -------------------------------------------------------------------------------


@dataclass
class _Sites:
    rows: Sequence[Row[Any]]  # the columns of SITE_COLUMNS, by name
    index: SiteIndex


@dataclass
class _Incidents:
    rows: list[Incident]
    topics: list[list[Topic]]
    index: SiteIndex


@dataclass
class _Cells:
    grid: PopulationGrid
    population: Floats
    index: SiteIndex


@dataclass
class ScreeningContext:
    """The sites, incidents and population cells near some planned points, indexed for exact search."""

    sites: _Sites
    incidents: _Incidents
    cells: _Cells | None

    @classmethod
    def from_store(
        cls,
        session: Session,
        *,
        principal: Principal,
        latitude: Floats,
        longitude: Floats,
        reach_km: float,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> ScreeningContext:
        """Load what lies within ``reach_km`` of the given points (area radius included by the caller)."""
        widest_site = session.scalar(select(func.max(Site.radius_km))) or 0.0
        box = reach_box(latitude, longitude, reach_km + widest_site)
        sites, shapes = _load_sites(session, box)
        site_index = SiteIndex(
            _floats(s.latitude for s in sites), _floats(s.longitude for s in sites), shapes
        )
        return cls(
            sites=_Sites(sites, site_index),
            incidents=_load_incidents(
                session, principal, reach_box(latitude, longitude, reach_km), date_from, date_to
            ),
            cells=_load_cells(session, reach_box(latitude, longitude, reach_km)),
        )


#: What screening needs of a site; whole ORM objects would cost gigabytes for a national register.
SITE_COLUMNS = (Site.id, Site.ref, Site.name, Site.category, Site.protection_status, Site.legal_basis)


def _load_sites(session: Session, box: Any) -> tuple[Sequence[Row[Any]], dict[int, Shape]]:
    inside = _in_box(Site.latitude, Site.longitude, box)
    rows = session.execute(
        select(*SITE_COLUMNS, Site.latitude, Site.longitude, Site.radius_km).where(inside).order_by(Site.id)
    ).all()
    position = {row.id: k for k, row in enumerate(rows) if row.radius_km > 0}
    shapes: dict[int, Shape] = {}
    polygon_ids = list(position)
    for start in range(0, len(polygon_ids), 5000):
        chunk = polygon_ids[start : start + 5000]
        for site_id, geometry in session.execute(select(Site.id, Site.geometry).where(Site.id.in_(chunk))):
            shapes[position[site_id]] = shape_from_geojson(geometry)
    return rows, shapes


def _floats(values: Any) -> Floats:
    return np.fromiter(values, dtype=np.float64)


def _load_incidents(
    session: Session, principal: Principal, box: Any, date_from: date | None, date_to: date | None
) -> _Incidents:
    query = select(Incident).where(
        Incident.latitude.is_not(None),
        Incident.longitude.is_not(None),
        _in_box(Incident.latitude, Incident.longitude, box),
        visible_incidents(principal),
    )
    if date_from is not None:
        query = query.where(func.coalesce(Incident.date_end, Incident.date_start) >= date_from)
    if date_to is not None:
        query = query.where(Incident.date_start <= date_to)
    rows = list(session.scalars(query.order_by(Incident.id)))
    topics: dict[int, list[Topic]] = {}
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for incident_id, topic in session.execute(
            select(IncidentTopic.incident_id, IncidentTopic.topic).where(IncidentTopic.incident_id.in_(chunk))
        ):
            topics.setdefault(incident_id, []).append(topic)
    index = SiteIndex(_floats(r.latitude for r in rows), _floats(r.longitude for r in rows))
    return _Incidents(rows, [sorted(topics.get(r.id, []), key=list(Topic).index) for r in rows], index)


def _load_cells(session: Session, box: Any) -> _Cells | None:
    grid = current_grid(session)
    if grid is None:
        return None
    found = session.execute(
        select(PopulationCell.latitude, PopulationCell.longitude, PopulationCell.population).where(
            PopulationCell.grid_id == grid.id,
            _in_box(PopulationCell.latitude, PopulationCell.longitude, box),
        )
    ).all()
    array = np.array(found, dtype=np.float64).reshape(-1, 3)
    return _Cells(grid, array[:, 2], SiteIndex(array[:, 0], array[:, 1]))


# --- screening one point or area ------------------------------------------------------------------


def screen_area(
    session: Session,
    *,
    principal: Principal,
    geometry: dict[str, Any],
    radius_km: float,
    date_from: date | None = None,
    date_to: date | None = None,
) -> ScreeningResult:
    """Screen a planned point or area (GeoJSON): objects, incidents, people in reach, and the rating.

    Example: ``screen_area(session, principal=p, geometry={"type": "Point", "coordinates": [40.45, 35.02]},
    radius_km=5)``.
    """
    try:
        area = shape_from_geojson(geometry)
    except GeometryError as exc:
        raise ValidationError(f"planned area: {exc}") from None
    context = ScreeningContext.from_store(
        session,
        principal=principal,
        latitude=np.array([area.latitude]),
        longitude=np.array([area.longitude]),
        reach_km=radius_km + area.radius_km,
        date_from=date_from,
        date_to=date_to,
    )
    return _result(context, area, radius_km)


def _result(context: ScreeningContext, area: Shape, radius_km: float) -> ScreeningResult:
    site_pairs = context.sites.index.within_shape(area, radius_km=radius_km).sorted()
    hits = []
    for k, d in zip(site_pairs.site.tolist(), site_pairs.distance_km.tolist(), strict=True):
        site = context.sites.rows[k]
        hits.append(
            SiteHit(
                ref=site.ref,
                name=site.name,
                category=site.category,
                distance_km=round(d, 4),
                protection_status=site.protection_status,
                legal_basis=site.legal_basis,
            )
        )
    incident_pairs = context.incidents.index.within_shape(area, radius_km=radius_km).sorted()
    incidents = [
        _incident_hit(context.incidents, k, d)
        for k, d in zip(incident_pairs.site.tolist(), incident_pairs.distance_km.tolist(), strict=True)
    ]
    topics = Counter(t for k in incident_pairs.site.tolist() for t in context.incidents.topics[k])
    population = None
    if context.cells is not None:
        cell_pairs = context.cells.index.within_shape(area, radius_km=radius_km)
        population = float(context.cells.population[cell_pairs.site].sum())
    rating = rate(
        sites=[SiteFinding(h.name, h.category, h.distance_km, h.protection_status) for h in hits],
        incidents=IncidentFinding(
            count=len(incidents),
            topics=dict(topics),
            killed_max=sum(i.killed_max or 0 for i in incidents),
        ),
        population=population,
        radius_km=radius_km,
    )
    return ScreeningResult(
        radius_km=radius_km,
        sites=hits,
        incidents=incidents,
        incident_topics={
            t.value: n for t, n in sorted(topics.items(), key=lambda kv: list(Topic).index(kv[0]))
        },
        population_exposed=population,
        population_grid=context.cells.grid.name if context.cells is not None else None,
        risk=RiskOut(level=rating.level, score=rating.score, reasons=rating.reasons),
    )


def _incident_hit(incidents: _Incidents, k: int, distance: float) -> IncidentHit:
    row = incidents.rows[k]
    return IncidentHit(
        code=row.code,
        title=row.title,
        date_start=row.date_start,
        distance_km=round(distance, 4),
        topics=[t.value for t in incidents.topics[k]],
        killed_max=row.killed_max,
    )


# --- screening many points ------------------------------------------------------------------------


@dataclass
class BatchScreening:
    """Pairs (planned point, site) within reach, and one rating per point."""

    pairs: Pairs
    site_refs: list[str]
    points: list[PointScreening]


def screen_points(
    session: Session,
    *,
    principal: Principal,
    point_ids: list[str],
    latitude: Floats,
    longitude: Floats,
    radius_km: float,
    date_from: date | None = None,
    date_to: date | None = None,
) -> BatchScreening:
    """Screen many planned points against the register at once; one rating per point."""
    context = ScreeningContext.from_store(
        session,
        principal=principal,
        latitude=latitude,
        longitude=longitude,
        reach_km=radius_km,
        date_from=date_from,
        date_to=date_to,
    )
    site_pairs = context.sites.index.pairs_within(latitude, longitude, radius_km=radius_km).sorted()
    incident_pairs = context.incidents.index.pairs_within(latitude, longitude, radius_km=radius_km)
    exposed: Floats | None = None
    if context.cells is not None:
        cell_pairs = context.cells.index.pairs_within(latitude, longitude, radius_km=radius_km)
        weights = context.cells.population[cell_pairs.site]
        exposed = np.bincount(cell_pairs.point, weights=weights, minlength=len(point_ids)).astype(np.float64)
    points = _rate_points(context, point_ids, site_pairs, incident_pairs, exposed, radius_km)
    refs = [context.sites.rows[k].ref for k in site_pairs.site.tolist()]
    return BatchScreening(pairs=site_pairs, site_refs=refs, points=points)


def _group(pairs: Pairs, count: int) -> list[range]:
    """For sorted-by-point pairs, the slice of pairs of each point."""
    bounds = np.searchsorted(pairs.point, np.arange(count + 1))
    return [range(int(a), int(b)) for a, b in itertools.pairwise(bounds.tolist())]


def _rate_points(
    context: ScreeningContext,
    point_ids: list[str],
    site_pairs: Pairs,
    incident_pairs: Pairs,
    exposed: Floats | None,
    radius_km: float,
) -> list[PointScreening]:
    order = np.argsort(incident_pairs.point, kind="stable")
    incident_pairs = Pairs(
        incident_pairs.point[order], incident_pairs.site[order], incident_pairs.distance_km[order]
    )
    site_groups, incident_groups = _group(site_pairs, len(point_ids)), _group(incident_pairs, len(point_ids))
    rows, topics = context.sites.rows, context.incidents.topics
    results = []
    for n, point_id in enumerate(point_ids):
        found = [
            SiteFinding(rows[s].name, rows[s].category, d, rows[s].protection_status)
            for s, d in zip(
                site_pairs.site[site_groups[n]].tolist(),
                site_pairs.distance_km[site_groups[n]].tolist(),
                strict=True,
            )
        ]
        near = incident_pairs.site[incident_groups[n]].tolist()
        finding = IncidentFinding(
            count=len(near),
            topics=dict(Counter(t for k in near for t in topics[k])),
            killed_max=sum(context.incidents.rows[k].killed_max or 0 for k in near),
        )
        people = None if exposed is None else float(exposed[n])
        rating = rate(sites=found, incidents=finding, population=people, radius_km=radius_km)
        nearest = found[0] if found else None  # pairs are sorted by distance within a point
        results.append(
            PointScreening(
                point_id=point_id,
                sites=len(found),
                nearest_site=rows[int(site_pairs.site[site_groups[n].start])].ref if nearest else None,
                nearest_km=round(nearest.distance_km, 4) if nearest else None,
                incidents=len(near),
                population_exposed=people,
                risk=RiskOut(level=rating.level, score=rating.score, reasons=rating.reasons),
            )
        )
    return results


def point_area(latitude: float, longitude: float) -> dict[str, Any]:
    """GeoJSON for a planned point (checked for range)."""
    return point_shape(latitude, longitude).geojson
