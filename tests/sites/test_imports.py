"""Reading registers from CSV, GeoJSON and OpenStreetMap data, and refusing bad input clearly."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from civharm.errors import InputFileError
from civharm.sites.categories import CulturalProtection, SiteCategory, category_from_tags, parse_category
from civharm.sites.imports import read_points_csv, read_sites


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_points_polygons_and_names_in_two_scripts(tmp_path: Path) -> None:
    csv = _write(
        tmp_path / "sites.csv",
        "site_id,name,name:ar,category,latitude,longitude,geometry,last_verified,protection_status\n"
        "H1,Mayadin Hospital,مشفى الميادين,hospital,35.0198,40.4515,,2026-01-15,\n"
        'C1,Old citadel,,cultural_property,,,"POLYGON ((40.4 35.0, 40.41 35.0, 40.41 35.01, 40.4 35.0))"'
        ",,enhanced\n"
        "W1,Pumping station,,Water and sanitation,35.1,40.5,,,\n",
    )
    found = read_sites(csv)
    hospital, citadel, water = found.records
    assert (hospital.category, hospital.last_verified) == (SiteCategory.MEDICAL, date(2026, 1, 15))
    assert {"name": "مشفى الميادين", "lang": "ar"} in hospital.names
    assert "GC IV art. 18" in hospital.legal_basis  # the default legal basis of the category
    assert citadel.shape is not None and citadel.shape.kind == "polygon"
    assert citadel.protection_status is CulturalProtection.ENHANCED
    assert 35.0 < citadel.latitude < 35.01 and citadel.radius_km > 0.5
    assert water.category is SiteCategory.WATER_SANITATION


@pytest.mark.parametrize(
    ("tags", "category"),
    [
        ({"amenity": "hospital"}, SiteCategory.MEDICAL),
        ({"amenity": "clinic"}, SiteCategory.MEDICAL),
        ({"amenity": "school"}, SiteCategory.EDUCATION),
        ({"man_made": "water_works"}, SiteCategory.WATER_SANITATION),
        ({"man_made": "water_tower"}, SiteCategory.WATER_SANITATION),
        ({"man_made": "wastewater_plant"}, SiteCategory.WATER_SANITATION),
        ({"power": "plant"}, SiteCategory.POWER),
        ({"power": "substation"}, SiteCategory.POWER),
        ({"amenity": "marketplace"}, SiteCategory.FOOD_MARKET),
        ({"amenity": "place_of_worship", "religion": "muslim"}, SiteCategory.WORSHIP),
        ({"amenity": "place_of_worship", "historic": "yes"}, SiteCategory.CULTURAL_PROPERTY),
        ({"historic": "castle"}, SiteCategory.CULTURAL_PROPERTY),
        ({"heritage": "2"}, SiteCategory.CULTURAL_PROPERTY),
        ({"amenity": "refugee_site"}, SiteCategory.SHELTER_CAMP),
        ({"amenity": "hospital", "historic": "building"}, SiteCategory.MEDICAL),
        ({"historic": "no", "shop": "bakery"}, SiteCategory.FOOD_MARKET),
        ({"amenity": "shelter"}, None),  # bus stops, not camps
        ({"highway": "primary"}, None),
    ],
)
def test_osm_tags_map_to_categories(tags: dict[str, str], category: SiteCategory | None) -> None:
    assert category_from_tags(tags) == category


def test_category_words() -> None:
    assert parse_category("School") is SiteCategory.EDUCATION
    assert parse_category("food-market") is SiteCategory.FOOD_MARKET
    with pytest.raises(ValueError, match="not a known category"):
        parse_category("bunker")


def test_overpass_json_nodes_ways_and_relations(tmp_path: Path) -> None:
    ring = [{"lat": 35.0, "lon": 40.0}, {"lat": 35.0, "lon": 40.01}, {"lat": 35.01, "lon": 40.01}]
    data = {
        "elements": [
            {
                "type": "node",
                "id": 1,
                "lat": 35.02,
                "lon": 40.45,
                "tags": {"amenity": "hospital", "name": "A"},
            },
            {
                "type": "way",
                "id": 2,
                "geometry": [*ring, ring[0]],
                "tags": {"historic": "fort", "heritage": "1"},
            },
            {"type": "relation", "id": 3, "center": {"lat": 35.2, "lon": 40.2}, "tags": {"power": "plant"}},
            {"type": "node", "id": 4, "lat": 35.0, "lon": 40.0, "tags": {"highway": "bus_stop"}},
            {"type": "way", "id": 5, "geometry": ring, "tags": {"waterway": "dam", "name:ar": "سد"}},
        ]
    }
    found = read_sites(_write(tmp_path / "export.json", json.dumps(data)))
    by_ref = {r.ref: r for r in found.records}
    assert set(by_ref) == {"osm:node/1", "osm:way/2", "osm:relation/3", "osm:way/5"}
    assert found.skipped == 1
    fort = by_ref["osm:way/2"]
    assert fort.shape is not None and fort.protection_status is CulturalProtection.WORLD_HERITAGE
    assert fort.tags["historic"] == "fort" and "OpenStreetMap" in fort.source
    assert by_ref["osm:relation/3"].category is SiteCategory.POWER
    assert by_ref["osm:way/5"].name == "سد" and by_ref["osm:way/5"].shape is None


def test_geojson_with_properties_or_osm_tags(tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"site_id": "S1", "name": "School 1", "category": "education"},
            "geometry": {"type": "Point", "coordinates": [40.45, 35.02]},
        },
        {
            "type": "Feature",
            "id": "way/9",
            "properties": {"@id": "way/9", "amenity": "clinic", "name": "Clinic"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[179.99, 1.0], [-179.99, 1.0], [-179.99, 1.01], [179.99, 1.0]]],
            },
        },
    ]
    path = _write(tmp_path / "s.geojson", json.dumps({"type": "FeatureCollection", "features": features}))
    school, clinic = read_sites(path).records
    assert school.ref == "S1" and clinic.ref == "osm:way/9"
    assert clinic.category is SiteCategory.MEDICAL
    assert clinic.radius_km < 2.0  # the polygon crosses ±180° the short way, not around the globe


def _refusal(path: Path) -> str:
    with pytest.raises(InputFileError) as caught:
        read_sites(path)
    return str(caught.value)


def test_bad_csv_rows_are_refused_with_file_row_and_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bad.csv",
        "site_id,name,category,latitude,longitude,wkt\n"
        "A,ok,school,35,40,\n"
        "B,north of the pole,school,95,40,\n"
        "C,far east,school,35,181,\n"
        "A,again,school,35,40,\n"
        'D,open ring,school,,,"POLYGON ((40 35, 41 35, 41 36, 40 36))"\n'
        "E,bunker,bunker,35,40,\n"
        'F,bad vertex,school,,,"POLYGON ((40 35, 41 95, 41 36, 40 35))"\n',
    )
    message = _refusal(path)
    assert "nothing was imported" in message
    assert f"{path}: row 3, field 'latitude': latitude must be between -90 and 90 (got '95')" in message
    assert f"{path}: row 4, field 'longitude': longitude must be between -180 and 180" in message
    assert f"{path}: row 5, field 'site_id': duplicate site id: already used in row 2 (got 'A')" in message
    assert f"{path}: row 6, field 'wkt': the polygon does not close" in message
    assert f"{path}: row 7, field 'category': is not a known category" in message
    assert (
        f"{path}: row 8, field 'wkt': polygon 1, ring 1, position 2: latitude 95.0 is outside -90..90"
        in message
    )


def test_open_geojson_ring_names_the_feature_and_positions(tmp_path: Path) -> None:
    feature = {
        "type": "Feature",
        "properties": {"site_id": "X", "name": "x", "category": "medical"},
        "geometry": {"type": "Polygon", "coordinates": [[[40, 35], [41, 35], [41, 36], [40, 36]]]},
    }
    path = _write(tmp_path / "open.geojson", json.dumps({"type": "FeatureCollection", "features": [feature]}))
    message = _refusal(path)
    assert (
        f"{path}: row 1, field 'geometry': polygon 1, ring 1: the polygon does not close: "
        "the first position [40.0, 35.0] differs from the last [40.0, 36.0]"
    ) in message


def test_missing_columns_and_duplicate_points(tmp_path: Path) -> None:
    assert "field 'latitude': column is missing" in _refusal(
        _write(tmp_path / "a.csv", "site_id,name\nA,b\n")
    )
    points = _write(tmp_path / "p.csv", "point_id,latitude,longitude\nP1,1,2\nP1,3,4\nP2,x,4\n")
    with pytest.raises(InputFileError) as caught:
        read_points_csv(points)
    text = str(caught.value)
    assert "row 3, field 'point_id': duplicate point id: already used in row 2" in text
    assert "row 4, field 'latitude': is not a number" in text


def test_every_osm_tag_of_the_mapping_is_documented() -> None:
    from civharm.sites.categories import OSM_TAGS

    guide = (Path(__file__).resolve().parents[2] / "docs" / "sites.md").read_text(encoding="utf-8")
    for _, pairs in OSM_TAGS:
        for key, value in pairs:
            assert f"`{key}={value}`" in guide, f"docs/sites.md does not document {key}={value}"


def test_an_empty_category_is_an_error_unless_tags_give_one(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.csv",
        "site_id,name,category,amenity,latitude,longitude\nA,a,,school,35,40\nB,b,,,35,40\n",
    )
    message = _refusal(path)
    assert "row 3, field 'category': is required but empty" in message and "row 2" not in message


def test_relations_from_out_geom_stand_at_the_middle_of_their_members(tmp_path: Path) -> None:
    outer = [{"lat": 35.0, "lon": 40.0}, {"lat": 35.0, "lon": 40.02}, {"lat": 35.02, "lon": 40.02}]
    relation = {"type": "relation", "id": 7, "members": [{"type": "way", "role": "outer", "geometry": outer}]}
    relation["tags"] = {"type": "multipolygon", "amenity": "university"}
    nowhere = {"type": "relation", "id": 8, "members": [], "tags": {"amenity": "school"}}
    path = _write(tmp_path / "rel.json", json.dumps({"elements": [relation]}))
    (university,) = read_sites(path).records
    assert university.ref == "osm:relation/7" and university.shape is None
    assert (round(university.latitude, 3), round(university.longitude, 3)) == (35.007, 40.013)
    bad = _write(tmp_path / "bad.json", json.dumps({"elements": [relation, nowhere]}))
    assert "row 2, field 'geometry': relation has no location; query Overpass with `out geom`" in _refusal(
        bad
    )
