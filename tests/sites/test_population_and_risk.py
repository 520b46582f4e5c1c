"""Population grids from GeoTIFF and CSV, and the risk rating's rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tifffile

from civharm.errors import InputFileError
from civharm.sites.categories import CulturalProtection, SiteCategory
from civharm.sites.population import read_population
from civharm.sites.risk import IncidentFinding, RiskLevel, SiteFinding, rate
from civharm.vocabulary import Topic


def _geotiff(path: Path, raster: np.ndarray, *, projected: bool = False) -> Path:
    keys = [1, 1, 0, 2, 1024, 0, 1, 1 if projected else 2, 2048, 0, 1, 4326]
    tags = [
        (33550, "d", 3, (0.01, 0.01, 0.0), False),
        (33922, "d", 6, (0.0, 0.0, 0.0, 40.0, 35.1, 0.0), False),
        (34735, "H", len(keys), tuple(keys), False),
        (42113, "s", 0, "-9999", False),
    ]
    tifffile.imwrite(path, raster.astype(np.float32), extratags=tags)
    return path


def test_geotiff_cells_by_their_centre(tmp_path: Path) -> None:
    raster = np.array([[10.0, 0.0, -9999.0], [0.0, 0.0, 250.5]])
    cells = read_population(_geotiff(tmp_path / "pop.tif", raster))
    assert cells.population.tolist() == [10.0, 250.5]
    assert cells.latitude.tolist() == pytest.approx([35.095, 35.085])
    assert cells.longitude.tolist() == pytest.approx([40.005, 40.025])
    assert (cells.cell_height_deg, cells.total) == (0.01, 260.5)


def test_projected_geotiff_and_bad_csv_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="projected coordinate system; reproject it to EPSG:4326"):
        read_population(_geotiff(tmp_path / "utm.tif", np.ones((2, 2)), projected=True))
    bad = tmp_path / "cells.csv"
    bad.write_text("latitude,longitude,population\n35,40,10\n35,400,5\n35,40,-3\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_population(bad)
    assert "row 3, field 'longitude': longitude must be between -180 and 180" in str(caught.value)
    assert "row 4, field 'population': must not be negative" in str(caught.value)


NOTHING = IncidentFinding(count=0)


def test_nothing_nearby_is_low_with_reasons() -> None:
    rating = rate(sites=[], incidents=NOTHING, population=0.0, radius_km=5)
    assert rating.level is RiskLevel.LOW and rating.score == 0
    assert "no protected object in the register within 5 km" in rating.reasons


def test_a_hospital_close_by_outweighs_a_market_at_the_edge() -> None:
    hospital = SiteFinding("Hospital", SiteCategory.MEDICAL, 0.2)
    market = SiteFinding("Market", SiteCategory.FOOD_MARKET, 4.9)
    near = rate(sites=[market, hospital], incidents=NOTHING, population=None, radius_km=5)
    edge = rate(sites=[market], incidents=NOTHING, population=None, radius_km=5)
    assert near.level is RiskLevel.VERY_HIGH and near.reasons[0] == "medical 'Hospital' 0.20 km away"
    assert edge.level is RiskLevel.MODERATE
    assert "no population grid loaded: people exposed unknown" in near.reasons


def test_world_heritage_counts_like_a_hospital() -> None:
    site = SiteFinding("Ancient city", SiteCategory.CULTURAL_PROPERTY, 0.0, CulturalProtection.WORLD_HERITAGE)
    general = SiteFinding("Old wall", SiteCategory.CULTURAL_PROPERTY, 0.0, CulturalProtection.GENERAL)
    assert rate(sites=[site], incidents=NOTHING, population=None, radius_km=1).score == 10.0
    assert rate(sites=[general], incidents=NOTHING, population=None, radius_km=1).score == 8.0


def test_past_harm_to_children_and_many_people_raise_the_rating() -> None:
    harm = IncidentFinding(count=3, topics={Topic.CAAC: 1, Topic.POC: 3}, killed_max=7)
    rating = rate(sites=[], incidents=harm, population=50_000.0, radius_km=2)
    assert rating.level is RiskLevel.VERY_HIGH
    assert rating.reasons[0] == "about 50,000 people live within 2 km"  # the strongest finding leads
    assert "3 recorded incident(s) within 2 km in the window (POC 3, CAAC 1)" in rating.reasons
    assert "harm to children or sexual violence was recorded nearby" in rating.reasons
    assert "up to 7 people were killed in those incidents" in rating.reasons
