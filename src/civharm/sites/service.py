"""Operations on the register of protected objects and on population grids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from civharm.db.base import table_of, utcnow
from civharm.db.bulk import bulk_insert
from civharm.errors import NotFoundError, ValidationError
from civharm.sites.categories import SiteCategory
from civharm.sites.imports import SiteFile, SiteRecord
from civharm.sites.models import PopulationCell, PopulationGrid, Site
from civharm.sites.population import PopulationCells

BATCH = 5000


@dataclass
class SiteImport:
    file: str
    new: int
    updated: int
    skipped: int

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "new": self.new, "updated": self.updated, "skipped": self.skipped}


def _values(record: SiteRecord, *, actor: str, synthetic: bool) -> dict[str, Any]:
    now = utcnow()
    return {
        "ref": record.ref,
        "category": record.category,
        "name": record.name,
        "names": record.names,
        "geometry": record.geojson(),
        "latitude": record.latitude,
        "longitude": record.longitude,
        "radius_km": record.radius_km,
        "protection_status": record.protection_status,
        "legal_basis": record.legal_basis,
        "source": record.source,
        "last_verified": record.last_verified,
        "tags": record.tags,
        "synthetic": synthetic,
        "created_by": actor,
        "created_at": now,
        "updated_at": now,
    }


def import_sites(session: Session, *, sites: SiteFile, actor: str, synthetic: bool = False) -> SiteImport:
    """Add the file's sites to the register; a site whose id is already there is replaced.

    Runs in the caller's transaction, so a failure leaves the register as it was.
    """
    refs = [r.ref for r in sites.records]
    existing: dict[str, Site] = {}
    for start in range(0, len(refs), BATCH):
        chunk = refs[start : start + BATCH]
        existing.update((s.ref, s) for s in session.scalars(select(Site).where(Site.ref.in_(chunk))))
    fresh: list[dict[str, Any]] = []
    for record in sites.records:
        values = _values(record, actor=actor, synthetic=synthetic)
        site = existing.get(record.ref)
        if site is None:
            fresh.append(values)
            continue
        for key in ("created_by", "created_at", "updated_at"):
            values.pop(key)
        for key, value in values.items():
            setattr(site, key, value)
    session.flush()
    connection = session.connection()
    for start in range(0, len(fresh), BATCH):
        bulk_insert(connection, table_of(Site), fresh[start : start + BATCH])
    return SiteImport(sites.file, new=len(fresh), updated=len(existing), skipped=sites.skipped)


def get_site(session: Session, *, ref: str) -> Site:
    site = session.scalar(select(Site).where(Site.ref == ref))
    if site is None:
        raise NotFoundError(f"no site with id {ref}")
    return site


def list_sites(
    session: Session,
    *,
    categories: tuple[SiteCategory, ...] = (),
    text: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Site], int]:
    """A page of register entries (by category, then name) and how many match in all.

    ``bbox`` is ``(min_lon, min_lat, max_lon, max_lat)``; ``min_lon > max_lon`` crosses ±180°.
    """
    query = select(Site)
    if categories:
        query = query.where(Site.category.in_(categories))
    if text:
        like = f"%{text.strip()}%"
        query = query.where(or_(Site.name.ilike(like), Site.ref.ilike(like)))
    if bbox:
        min_lon, min_lat, max_lon, max_lat = bbox
        query = query.where(Site.latitude.between(min_lat, max_lat))
        if min_lon <= max_lon:
            query = query.where(Site.longitude.between(min_lon, max_lon))
        else:
            query = query.where(or_(Site.longitude >= min_lon, Site.longitude <= max_lon))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Site.category, Site.name, Site.id).limit(limit).offset(offset))
    return list(rows), total


def sites_geojson(sites: list[Site]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of register entries, for maps and exchange."""
    features = [
        {
            "type": "Feature",
            "id": site.ref,
            "geometry": site.geometry,
            "properties": {
                "site_id": site.ref,
                "name": site.name,
                "category": site.category.value,
                "protection_status": site.protection_status.value if site.protection_status else None,
                "legal_basis": site.legal_basis,
                "source": site.source,
                "last_verified": site.last_verified.isoformat() if site.last_verified else None,
                "synthetic": site.synthetic,
            },
        }
        for site in sites
    ]
    return {"type": "FeatureCollection", "features": features}


def load_population(
    session: Session, *, name: str, cells: PopulationCells, source: str, actor: str, replace: bool = False
) -> PopulationGrid:
    """Store a population grid under ``name``; screening then reports the people exposed."""
    grid = session.scalar(select(PopulationGrid).where(PopulationGrid.name == name))
    if grid is not None and not replace:
        raise ValidationError(
            f"a population grid named {name!r} is already loaded; pass replace to reload it"
        )
    if grid is not None:
        session.execute(delete(PopulationCell).where(PopulationCell.grid_id == grid.id))
        session.delete(grid)
        session.flush()
    grid = PopulationGrid(
        name=name,
        source=source,
        cell_height_deg=cells.cell_height_deg,
        cell_width_deg=cells.cell_width_deg,
        cells=len(cells.population),
        total_population=cells.total,
        loaded_by=actor,
    )
    session.add(grid)
    session.flush()
    rows = [
        {"grid_id": grid.id, "latitude": float(la), "longitude": float(lo), "population": float(p)}
        for la, lo, p in zip(cells.latitude, cells.longitude, cells.population, strict=True)
    ]
    connection = session.connection()
    for start in range(0, len(rows), BATCH):
        bulk_insert(connection, table_of(PopulationCell), rows[start : start + BATCH])
    return grid


def current_grid(session: Session, *, name: str | None = None) -> PopulationGrid | None:
    """The grid named ``name``, else the one loaded last (``None`` when no grid is loaded)."""
    if name is not None:
        grid = session.scalar(select(PopulationGrid).where(PopulationGrid.name == name))
        if grid is None:
            raise NotFoundError(f"no population grid named {name}")
        return grid
    return session.scalar(
        select(PopulationGrid).order_by(PopulationGrid.loaded_at.desc(), PopulationGrid.id.desc())
    )
