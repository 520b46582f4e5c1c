"""Tables of the protected-objects register and of the population grids used in screening."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civharm.db.base import Base, utcnow
from civharm.db.types import str_enum
from civharm.sites.categories import CulturalProtection, SiteCategory


class Site(Base):
    """One protected or critical civilian object: a point or a polygon.

    ``latitude``/``longitude`` is the point itself, or for a polygon the centre of the
    smallest cap around it found by the geometry module, and ``radius_km`` how far the
    polygon reaches from there (0 for points). Screening uses them to find candidates, then
    measures to ``geometry`` exactly.
    """

    __tablename__ = "sites"
    __table_args__ = (
        CheckConstraint("latitude >= -90 AND latitude <= 90", name="latitude_range"),
        CheckConstraint("longitude >= -180 AND longitude <= 180", name="longitude_range"),
        CheckConstraint("radius_km >= 0", name="radius_positive"),
        Index("ix_sites_latitude_longitude", "latitude", "longitude"),
        Index("ix_sites_category", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The source's own id (``osm:way/123``, ``MOH-0042``); unique in the register.
    ref: Mapped[str] = mapped_column(String(120), unique=True)
    category: Mapped[SiteCategory] = mapped_column(str_enum(SiteCategory))
    name: Mapped[str] = mapped_column(String(300))
    #: Names in several scripts: ``[{"name": "مشفى الميادين", "lang": "ar"}, ...]``.
    names: Mapped[list[dict[str, str]]] = mapped_column(default=list)
    #: GeoJSON geometry (Point, Polygon or MultiPolygon), coordinates as [longitude, latitude].
    geometry: Mapped[dict[str, Any]] = mapped_column()
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    radius_km: Mapped[float] = mapped_column(Float, default=0.0)
    protection_status: Mapped[CulturalProtection | None] = mapped_column(str_enum(CulturalProtection))
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    last_verified: Mapped[date | None]
    #: The source's own attributes (OSM tags, CSV extra columns), kept as they came.
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))


class PopulationGrid(Base):
    """A loaded population grid (a GeoTIFF or CSV of cells); screening sums the cells in reach."""

    __tablename__ = "population_grids"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(500), default="")
    #: Cell size in degrees (latitude, longitude) where known.
    cell_height_deg: Mapped[float | None] = mapped_column(Float)
    cell_width_deg: Mapped[float | None] = mapped_column(Float)
    cells: Mapped[int] = mapped_column(default=0)
    total_population: Mapped[float] = mapped_column(Float, default=0.0)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    loaded_by: Mapped[str | None] = mapped_column(String(120))


class PopulationCell(Base):
    """One populated cell of a grid, by its centre (empty cells are not stored)."""

    __tablename__ = "population_cells"
    __table_args__ = (Index("ix_population_cells_grid_latitude", "grid_id", "latitude", "longitude"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("population_grids.id", ondelete="CASCADE"))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    population: Mapped[float] = mapped_column(Float)
