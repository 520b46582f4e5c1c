"""The register in the store and screening against it, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from civharm.errors import InputFileError, ValidationError
from civharm.security.principal import SYSTEM, Principal, Role
from civharm.sites.demo import load_sites_demo
from civharm.sites.imports import read_sites
from civharm.sites.models import Site
from civharm.sites.population import PopulationCells
from civharm.sites.risk import RiskLevel
from civharm.sites.screening import screen_area, screen_points
from civharm.sites.service import import_sites, list_sites, load_population
from civharm.vocabulary import Topic
from tests.factories import make_incident

REGISTER = (
    "site_id,name,category,latitude,longitude,wkt\n"
    "H1,Mayadin Hospital,medical,35.0198,40.4515,\n"
    "S1,River School,school,35.03,40.46,\n"
    "M1,Far Mosque,place of worship,35.5,40.9,\n"
    'C1,Citadel,cultural_property,,,"POLYGON ((40.40 35.00, 40.42 35.00, 40.42 35.02, 40.40 35.02, '
    '40.40 35.00))"\n'
    "X1,Dateline clinic,clinic,0.0,179.999,\n"
)


@pytest.fixture
def register(tmp_path: Path, session: Session) -> Session:
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    import_sites(session, sites=read_sites(path), actor="tester")
    session.flush()
    return session


def test_import_then_reimport_updates_in_place(tmp_path: Path, register: Session) -> None:
    path = tmp_path / "again.csv"
    path.write_text(REGISTER.replace("River School", "River School No. 2"), encoding="utf-8")
    result = import_sites(register, sites=read_sites(path), actor="tester")
    assert (result.new, result.updated) == (0, 5)
    rows, total = list_sites(register, text="River")
    assert total == 1 and rows[0].name == "River School No. 2"
    assert register.scalar(select(func.count(Site.id))) == 5


def test_a_bad_file_changes_nothing(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(REGISTER + "H1,duplicate,medical,35,40,\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="duplicate site id"), sessions.begin() as session:
        import_sites(session, sites=read_sites(bad), actor="tester")
    with sessions() as session:
        assert session.scalar(select(func.count(Site.id))) == 0


def test_screening_a_point_finds_objects_incidents_people_and_rates(register: Session) -> None:
    make_incident(register, title="Shelling near the hospital", topics=[Topic.POC, Topic.CAAC])
    make_incident(register, title="Old strike", date_start=date(2020, 1, 1), date_end=date(2020, 1, 1))
    make_incident(register, title="Far away", latitude=36.5, longitude=40.7)
    cells = PopulationCells(np.array([35.02, 35.5]), np.array([40.45, 40.9]), np.array([12_000.0, 500.0]))
    load_population(register, name="test grid", cells=cells, source="test", actor="tester")
    result = screen_area(
        register,
        principal=SYSTEM,
        geometry={"type": "Point", "coordinates": [40.45, 35.02]},
        radius_km=3.0,
        date_from=date(2026, 1, 1),
    )
    assert [h.ref for h in result.sites] == ["H1", "S1", "C1"]  # nearest first; the citadel by its edge
    assert result.sites[0].distance_km == pytest.approx(0.138, abs=0.001)
    assert [i.title for i in result.incidents] == ["Shelling near the hospital"]
    assert result.incident_topics == {"poc": 1, "caac": 1}
    assert (result.population_exposed, result.population_grid) == (12_000.0, "test grid")
    assert result.risk.level is RiskLevel.VERY_HIGH
    assert result.risk.reasons[0] == "medical 'Mayadin Hospital' 0.14 km away"
    assert "harm to children or sexual violence was recorded nearby" in result.risk.reasons


def test_screening_an_area_and_across_the_antimeridian(register: Session) -> None:
    area = {
        "type": "Polygon",
        "coordinates": [[[40.38, 35.005], [40.405, 35.005], [40.405, 35.015], [40.38, 35.005]]],
    }
    inside = screen_area(register, principal=SYSTEM, geometry=area, radius_km=0.0)
    assert [h.ref for h in inside.sites] == ["C1"] and inside.sites[0].distance_km == 0.0
    east = screen_area(
        register, principal=SYSTEM, geometry={"type": "Point", "coordinates": [-179.999, 0.0]}, radius_km=1
    )
    assert [h.ref for h in east.sites] == ["X1"] and east.sites[0].distance_km == pytest.approx(
        0.2224, abs=1e-3
    )
    assert east.population_exposed is None and east.risk.level is RiskLevel.VERY_HIGH
    with pytest.raises(ValidationError, match="does not close"):
        screen_area(
            register,
            principal=SYSTEM,
            geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
            radius_km=1,
        )


def test_batch_screening_against_the_store(register: Session) -> None:
    make_incident(register, title="Near A")
    batch = screen_points(
        register,
        principal=SYSTEM,
        point_ids=["A", "B", "C"],
        latitude=np.array([35.02, 35.5, 10.0]),
        longitude=np.array([40.45, 40.9, 10.0]),
        radius_km=2.0,
    )
    pairs = list(zip(batch.pairs.point.tolist(), batch.site_refs, strict=True))
    assert pairs == [(0, "H1"), (0, "S1"), (1, "M1")]  # the citadel's nearest edge is 2.7 km away
    a, b, c = batch.points
    assert (a.sites, a.nearest_site, a.incidents) == (2, "H1", 1)
    assert (b.sites, b.incidents, c.sites) == (1, 0, 0)
    assert c.risk.level is RiskLevel.LOW and a.risk.level is RiskLevel.VERY_HIGH


def test_partners_see_only_incidents_released_to_them(register: Session) -> None:
    make_incident(register, title="Internal only")
    make_incident(register, title="Shared", releasable_to=["ngo-a"])
    partner = Principal(username="p", role=Role.PARTNER, organisation="ngo-a")
    point = {"type": "Point", "coordinates": [40.45, 35.02]}
    seen = screen_area(register, principal=partner, geometry=point, radius_km=2)
    assert [i.title for i in seen.incidents] == ["Shared"]


def test_demo_register_loads_once(session: Session) -> None:
    first = load_sites_demo(session)
    assert first.sites > 200 and first.population_cells > 0
    assert load_sites_demo(session).already_loaded
    rows, total = list_sites(session, limit=5000)
    assert total == first.sites
    assert all(r.synthetic and r.name.endswith("(synthetic)") and r.ref.startswith("demo-") for r in rows)
    assert {r.category.value for r in rows} >= {
        "medical",
        "education",
        "water_sanitation",
        "worship",
        "cultural_property",
    }
