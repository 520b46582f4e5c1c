"""Read registers of sites and lists of planned points from CSV, GeoJSON and OpenStreetMap data.

Readers check every row and raise one :class:`InputFileError` listing each problem with its
file, row and field; a file with any problem yields nothing. In GeoJSON and OSM JSON files the
"row" is the feature's (or element's) number, counting from 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from civharm.errors import InputFileError, RowError
from civharm.ingest import fields
from civharm.ingest.csvfile import open_csv
from civharm.ingest.fields import FieldError
from civharm.sites.categories import (
    DEFAULT_LEGAL_BASIS,
    CulturalProtection,
    SiteCategory,
    category_from_tags,
    parse_category,
    protection_from_tags,
)
from civharm.sites.geometry import (
    Floats,
    GeometryError,
    Shape,
    mean_position,
    point_shape,
    polygon_shape,
    shape_from_geojson,
    shape_from_wkt,
)

MAX_ERRORS = 50
#: Columns of a sites CSV that are read into the register's own fields; others are kept as tags.
SITE_COLUMNS = {
    "site_id", "name", "category", "latitude", "longitude", "geometry", "wkt",
    "protection_status", "legal_basis", "source", "last_verified",
}  # fmt: skip
NAME_KEYS = ("name", "official_name", "alt_name", "old_name", "short_name")


@dataclass(slots=True)
class SiteRecord:
    """One site as read from a file: a point (``shape`` is None) or a polygon."""

    row: int
    ref: str
    category: SiteCategory
    name: str
    latitude: float
    longitude: float
    shape: Shape | None = None
    names: list[dict[str, str]] = field(default_factory=list)
    protection_status: CulturalProtection | None = None
    legal_basis: str = ""
    source: str = ""
    last_verified: date | None = None
    tags: dict[str, Any] = field(default_factory=dict)

    @property
    def radius_km(self) -> float:
        return self.shape.radius_km if self.shape is not None else 0.0

    def geojson(self) -> dict[str, Any]:
        if self.shape is not None:
            return self.shape.geojson
        return {"type": "Point", "coordinates": [self.longitude, self.latitude]}


@dataclass
class SiteFile:
    """What a sites file held: the records, and how many entries were not protected objects."""

    file: str
    records: list[SiteRecord]
    skipped: int = 0


@dataclass
class PointFile:
    file: str
    ids: list[str]
    latitude: Floats
    longitude: Floats


class _Problems:
    """Collects row errors for one file and raises them all at the end."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[RowError] = []
        self.count = 0

    def add(self, row: int, column: str, message: str, value: Any = None) -> None:
        self.count += 1
        if len(self.errors) < MAX_ERRORS:
            shown = None if value is None else str(value)[:120]
            self.errors.append(RowError(self.file, row, column, message, shown))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputFileError(self.file, self.errors, truncated=self.count - len(self.errors))


@cache
def _name_key(key: str) -> tuple[bool, str]:
    """Whether a column or tag holds a name, and its language (``name:ar`` -> ``(True, "ar")``)."""
    base, _, lang = key.partition(":")
    return base in NAME_KEYS, lang


def _names(props: Mapping[str, Any]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for key, value in props.items():
        is_name, lang = _name_key(str(key))
        if is_name and isinstance(value, str) and value.strip():
            entry = {"name": value.strip()}
            if lang:
                entry["lang"] = lang
            if entry not in found:
                found.append(entry)
    return found


def _text(props: Mapping[str, Any], key: str) -> str:
    value = props.get(key)
    return "" if value is None else str(value).strip()


def _record(
    props: Mapping[str, Any],
    where: tuple[float, float, Shape | None],
    row: int,
    problems: _Problems,
    source: str,
) -> SiteRecord | None:
    """A record from properties (CSV columns, GeoJSON properties or OSM tags); ``None`` if skipped."""
    ref = _text(props, "site_id")
    if not ref:
        problems.add(row, "site_id", "is required but empty")
    category: SiteCategory | None = None
    if _text(props, "category"):
        try:
            category = parse_category(_text(props, "category"))
        except ValueError as exc:
            problems.add(row, "category", str(exc), props.get("category"))
    else:
        category = category_from_tags({str(k): str(v) for k, v in props.items() if v is not None})
        if category is None and "category" in props:
            problems.add(row, "category", "is required but empty (or give OSM tags that map to a category)")
        if category is None:
            return None  # not a protected object (or not a kind the register keeps)
    status = _protection(props, category, row, problems)
    verified = None
    raw_date = _text(props, "last_verified") or _text(props, "check_date")
    if raw_date:
        try:
            verified = fields.parse_date(raw_date)
        except FieldError as exc:
            problems.add(row, "last_verified", str(exc), raw_date)
    names = _names(props)
    name = _text(props, "name") or (names[0]["name"] if names else "")
    if ref and category is not None and not name:
        name = f"unnamed {category.value.replace('_', ' ')} {ref}"
    if category is None or not ref:
        return None
    latitude, longitude, shape = where
    tags = {str(k): v for k, v in props.items() if k not in SITE_COLUMNS and v not in (None, "")}
    return SiteRecord(
        row=row,
        ref=ref,
        category=category,
        name=name[:300],
        latitude=latitude,
        longitude=longitude,
        shape=shape,
        names=names,
        protection_status=status,
        legal_basis=_text(props, "legal_basis") or DEFAULT_LEGAL_BASIS[category],
        source=_text(props, "source") or source,
        last_verified=verified,
        tags=tags,
    )


def _protection(
    props: Mapping[str, Any], category: SiteCategory | None, row: int, problems: _Problems
) -> CulturalProtection | None:
    if category is not SiteCategory.CULTURAL_PROPERTY:
        return None
    given = _text(props, "protection_status").lower()
    if not given:
        return protection_from_tags({str(k): str(v) for k, v in props.items() if v is not None})
    try:
        return CulturalProtection(given)
    except ValueError:
        allowed = ", ".join(p.value for p in CulturalProtection)
        problems.add(row, "protection_status", f"must be one of {allowed}", given)
        return None


def _check_unique(records: Iterable[SiteRecord], problems: _Problems) -> None:
    first: dict[str, int] = {}
    for record in records:
        if record.ref in first:
            problems.add(
                record.row,
                "site_id",
                f"duplicate site id: already used in row {first[record.ref]}",
                record.ref,
            )
        else:
            first[record.ref] = record.row


def _finish(problems: _Problems, records: list[SiteRecord], skipped: int) -> SiteFile:
    _check_unique(records, problems)
    problems.raise_if_any()
    return SiteFile(problems.file, records, skipped)


# --- CSV -----------------------------------------------------------------------------------------


def _csv_location(
    row: Mapping[str, str], number: int, problems: _Problems
) -> tuple[float, float, Shape | None]:
    text = (row.get("geometry") or row.get("wkt") or "").strip()
    if text:
        try:
            shape = shape_from_geojson(json.loads(text)) if text.startswith("{") else shape_from_wkt(text)
        except (GeometryError, json.JSONDecodeError) as exc:
            problems.add(number, "geometry" if "geometry" in row else "wkt", str(exc), text)
            return 0.0, 0.0, None
        if shape.kind == "polygon":
            return shape.latitude, shape.longitude, shape
        return shape.latitude, shape.longitude, None
    return (
        _coordinate(row, "latitude", 90.0, number, problems),
        _coordinate(row, "longitude", 180.0, number, problems),
        None,
    )


def _coordinate(row: Mapping[str, str], column: str, limit: float, number: int, problems: _Problems) -> float:
    """A latitude or longitude; plain numbers in range take the fast path, the rest get a precise message."""
    try:
        value = float(row.get(column) or "nan")
        if -limit <= value <= limit:
            return value
    except ValueError:
        pass
    parse = fields.parse_latitude if column == "latitude" else fields.parse_longitude
    try:
        return parse(row.get(column))
    except FieldError as exc:
        problems.add(number, column, str(exc), row.get(column))
        return 0.0


def read_sites_csv(path: Path, *, source: str | None = None) -> SiteFile:
    """Sites from CSV: ``site_id, name, category, latitude, longitude`` (or ``geometry`` as WKT/GeoJSON).

    Optional columns: ``name:<lang>``, ``protection_status``, ``legal_basis``, ``source``,
    ``last_verified``; without ``category``, OSM tag columns (``amenity``, ``man_made``, ...) decide.
    """
    with open_csv(path) as csv:
        problems = _Problems(csv.name)
        needed = ["site_id"]
        if "geometry" not in csv.columns and "wkt" not in csv.columns:
            needed += ["latitude", "longitude"]
        for column in needed:
            if column not in csv.columns:
                problems.add(1, column, "column is missing from the header row")
        problems.raise_if_any()
        records: list[SiteRecord] = []
        skipped = 0
        for number, row in enumerate(csv.rows, start=2):
            where = _csv_location(row, number, problems)
            record = _record(row, where, number, problems, source or path.name)
            if record is None:
                skipped += 1
            else:
                records.append(record)
    return _finish(problems, records, skipped)


def read_points_csv(path: Path) -> PointFile:
    """Planned points from CSV: ``point_id, latitude, longitude``; ids must be unique."""
    with open_csv(path) as csv:
        problems = _Problems(csv.name)
        for column in ("point_id", "latitude", "longitude"):
            if column not in csv.columns:
                problems.add(1, column, "column is missing from the header row")
        problems.raise_if_any()
        ids: list[str] = []
        lats: list[float] = []
        lons: list[float] = []
        first: dict[str, int] = {}
        for number, row in enumerate(csv.rows, start=2):
            point_id = (row.get("point_id") or "").strip()
            if not point_id:
                problems.add(number, "point_id", "is required but empty")
            elif point_id in first:
                problems.add(
                    number, "point_id", f"duplicate point id: already used in row {first[point_id]}", point_id
                )
            else:
                first[point_id] = number
            lats.append(_coordinate(row, "latitude", 90.0, number, problems))
            lons.append(_coordinate(row, "longitude", 180.0, number, problems))
            ids.append(point_id)
    problems.raise_if_any()
    return PointFile(problems.file, ids, np.array(lats, dtype=np.float64), np.array(lons, dtype=np.float64))


# --- GeoJSON and OpenStreetMap JSON ---------------------------------------------------------------


def _load_json(path: Path) -> Any:
    name = str(path)
    if not path.is_file():
        raise InputFileError(name, [RowError(name, 0, "", "file not found")])
    try:
        return json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(name, [RowError(name, 0, "", f"is not valid JSON: {exc}")]) from None


def _shape_or_problem(
    geometry: Any, number: int, problems: _Problems
) -> tuple[float, float, Shape | None] | None:
    try:
        shape = shape_from_geojson(geometry)
    except GeometryError as exc:
        problems.add(number, "geometry", str(exc))
        return None
    return shape.latitude, shape.longitude, (shape if shape.kind == "polygon" else None)


def read_sites_geojson(path: Path, *, source: str | None = None) -> SiteFile:
    """Sites from a GeoJSON FeatureCollection; properties as in CSV, or OSM tags (also under ``tags``)."""
    data = _load_json(path)
    if isinstance(data, dict) and "elements" in data:
        return read_sites_osm(path, source=source, data=data)
    problems = _Problems(str(path))
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        problems.add(0, "type", "a GeoJSON file must hold a FeatureCollection")
        problems.raise_if_any()
    records: list[SiteRecord] = []
    skipped = 0
    for number, feature in enumerate(data.get("features") or [], start=1):
        props = dict(feature.get("properties") or {}) if isinstance(feature, dict) else {}
        props.update(props.pop("tags", None) or {})
        if not props.get("site_id"):
            ident = (
                props.get("@id")
                or props.get("id")
                or (feature.get("id") if isinstance(feature, dict) else None)
            )
            if ident not in (None, ""):
                props["site_id"] = f"osm:{ident}" if "@id" in props else str(ident)
        where = _shape_or_problem(
            feature.get("geometry") if isinstance(feature, dict) else None, number, problems
        )
        record = _record(props, where or (0.0, 0.0, None), number, problems, source or path.name)
        if record is None and where is not None and not problems.errors:
            skipped += 1
        elif record is not None:
            records.append(record)
    return _finish(problems, records, skipped)


def _osm_location(
    element: Mapping[str, Any], number: int, problems: _Problems
) -> tuple[float, float, Shape | None] | None:
    """A node's point, a closed way's polygon, or the centre Overpass gives (``out center``)."""
    kind = element.get("type")
    try:
        if kind == "node":
            shape = point_shape(float(element["lat"]), float(element["lon"]))
            return shape.latitude, shape.longitude, None
        nodes = element.get("geometry") or []
        ring = [[float(p["lon"]), float(p["lat"])] for p in nodes if p]
        if kind == "way" and len(ring) >= 4 and ring[0] == ring[-1]:
            polygon = polygon_shape([[ring]])
            return polygon.latitude, polygon.longitude, polygon
        centre = element.get("center")
        if centre:
            shape = point_shape(float(centre["lat"]), float(centre["lon"]))
            return shape.latitude, shape.longitude, None
        # An open way (a dam, a wall) or a relation's members: the middle of their vertices.
        for member in element.get("members") or []:
            ring.extend([float(p["lon"]), float(p["lat"])] for p in member.get("geometry") or [] if p)
        if ring:
            lons, lats = zip(*ring, strict=True)
            lat, lon = mean_position(np.array(lats), np.array(lons))
            return lat, lon, None
    except GeometryError as exc:
        problems.add(number, "geometry", str(exc))
        return None
    except (KeyError, TypeError, ValueError):
        problems.add(number, "geometry", "lat/lon missing or not numbers")
        return None
    problems.add(
        number, "geometry", f"{kind} has no location; query Overpass with `out geom` or `out center`"
    )
    return None


def read_sites_osm(path: Path, *, source: str | None = None, data: Any = None) -> SiteFile:
    """Sites from OpenStreetMap (Overpass JSON): tagged nodes, ways and relations; see docs/sites.md."""
    data = _load_json(path) if data is None else data
    problems = _Problems(str(path))
    records: list[SiteRecord] = []
    skipped = 0
    for number, element in enumerate(data.get("elements") or [], start=1):
        tags = dict(element.get("tags") or {})
        if category_from_tags(tags) is None:
            skipped += 1
            continue
        tags["site_id"] = f"osm:{element.get('type')}/{element.get('id')}"
        tags["source"] = source or "OpenStreetMap contributors (ODbL)"
        where = _osm_location(element, number, problems)
        if where is None:
            continue
        record = _record(tags, where, number, problems, tags["source"])
        if record is not None:
            record.tags.pop("site_id", None)
            records.append(record)
    return _finish(problems, records, skipped)


def read_sites(path: Path, *, fmt: str | None = None, source: str | None = None) -> SiteFile:
    """Sites from ``path``; the format comes from ``fmt`` (csv, geojson, osm) or the file's suffix."""
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind in ("csv", "tsv", "txt"):
        return read_sites_csv(path, source=source)
    if kind in ("geojson", "json"):
        return read_sites_geojson(path, source=source)
    if kind in ("osm", "overpass"):
        return read_sites_osm(path, source=source)
    raise InputFileError(str(path), [RowError(str(path), 0, "", "unknown format; use csv, geojson or osm")])
