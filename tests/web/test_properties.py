"""Property-based checks (hypothesis) through the real app on SQLite.

* Over random incidents, reports and casualty records with random markings, a partner never
  receives a restricted or internal value through any list, dossier, search, count, map,
  screening answer or page.
* Fuzzing the intake API and form: only clean 4xx answers for bad input, never a 5xx, and a
  refused submission writes nothing.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from civharm.casualties.schemas import CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty
from civharm.db.engine import create_db_engine
from civharm.db.schema import upgrade_schema
from civharm.reports.models import Report
from civharm.security.auth import create_token
from civharm.security.principal import Role
from civharm.security.users import create_user
from civharm.vocabulary import Outcome, Sensitivity, SourceType
from civharm.web.app import create_app
from tests.factories import make_incident, make_report
from tests.web.conftest import web_settings

ORG, OTHER = "Org A", "Org B"
PROPERTY_SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    """One app on one SQLite store for the module; tokens for a partner and an intake user."""
    folder: Path = tmp_path_factory.mktemp("properties")
    url = f"sqlite:///{folder / 'store.sqlite3'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    app = create_app(web_settings(folder, url), engine=engine)
    tokens = {}
    with app.state.sessions.begin() as session:
        for role in (Role.PARTNER, Role.INTAKE):
            username = f"prop-{role.value}"
            create_user(session, username=username, role=role, organisation=ORG, actor="test")
            tokens[role.value], _ = create_token(session, username=username, label="property test")
    yield app, tokens
    engine.dispose()


record = st.fixed_dictionaries(
    {
        "restricted": st.booleans(),
        "released": st.sampled_from([(), (ORG,), (OTHER,), (ORG, OTHER)]),
        "report_restricted": st.booleans(),
        "report_released": st.booleans(),
        "own_force": st.booleans(),
        "casualty_restricted": st.booleans(),
        "lat": st.floats(min_value=34.0, max_value=36.0),
        "lon": st.floats(min_value=39.0, max_value=41.0),
    }
)


def _store(app: FastAPI, records: list[dict[str, Any]], marker: str) -> tuple[list[str], list[int]]:
    """Write the records; every value a partner must never receive contains ``marker``."""
    codes, report_ids = [], []
    with app.state.sessions.begin() as session:
        for r in records:
            restricted = Sensitivity.RESTRICTED if r["restricted"] else Sensitivity.NORMAL
            incident = make_incident(
                session,
                title=f"Property incident {next(_numbers)}",
                description=f"{marker} incident description" if r["restricted"] else "open description",
                sensitivity=restricted,
                releasable_to=list(r["released"]),
                latitude=r["lat"],
                longitude=r["lon"],
            )
            report_restricted = r["report_restricted"] or r["own_force"]
            report = make_report(
                session,
                source_type=SourceType.OWN_FORCE if r["own_force"] else SourceType.NGO,
                source_name=f"{marker} source" if report_restricted else "open source",
                original_text=f"{marker} account" if report_restricted else "open account",
                sensitivity=Sensitivity.RESTRICTED if r["report_restricted"] else Sensitivity.NORMAL,
                releasable_to=list(r["released"]) if r["report_released"] else [],
                latitude=r["lat"],
                longitude=r["lon"],
            )
            report.incident_id = incident.id
            add_casualty(
                session,
                incident=incident,
                data=CasualtyCreate(
                    names=[PersonName(name=f"{marker} name", script="Latn")],
                    outcome=Outcome.INJURED,
                    restricted=r["casualty_restricted"],
                ),
            )
            codes.append(incident.code)
            report_ids.append(report.id)
    return codes, report_ids


def _partner_answers(
    client: TestClient, codes: list[str], report_ids: list[int], marker: str
) -> Iterator[Any]:
    lat, lon = 35.0, 40.0
    yield client.get("/api/v1/incidents", params={"per_page": 100})
    yield client.get("/api/v1/incidents", params={"q": marker})
    yield client.get("/api/v1/incidents", params={"bbox": "39,34,41,36", "per_page": 100})
    yield client.get("/api/v1/geo/incidents")
    yield client.get("/api/v1/dashboard", params={"date_from": "2026-01-01", "date_to": "2026-12-31"})
    yield client.get("/incidents", params={"per_page": 100})
    yield client.get("/map")
    yield client.get("/dashboard")
    draft = {"latitude": lat, "longitude": lon, "date_start": "2026-03-14", "location_precision": "region"}
    yield client.post("/api/v1/reports/candidates", json=draft)
    point = {"geometry": {"type": "Point", "coordinates": [lon, lat]}, "radius_km": 200}
    yield client.post("/api/v1/sites/screen", json=point)
    for code in codes:
        yield client.get(f"/api/v1/incidents/{code}")
        yield client.get(f"/api/v1/geo/incidents/{code}")
        yield client.get(f"/incidents/{code}")
    for report_id in report_ids:
        yield client.get(f"/api/v1/reports/{report_id}")
        yield client.get(f"/reports/{report_id}")


@settings(PROPERTY_SETTINGS, max_examples=8)
@given(records=st.lists(record, min_size=1, max_size=3))
def test_a_partner_never_receives_a_restricted_field(
    sqlite_app: tuple[FastAPI, dict[str, str]], records: list[dict[str, Any]]
) -> None:
    app, tokens = sqlite_app
    marker = f"SECRET{uuid.uuid4().hex[:10]}"
    codes, report_ids = _store(app, records, marker)
    with TestClient(app, headers={"Authorization": f"Bearer {tokens['partner']}"}) as client:
        for response in _partner_answers(client, codes, report_ids, marker):
            assert response.status_code in (200, 404), (response.request.url, response.status_code)
            assert marker not in response.text, response.request.url
            for internal in ('"determination"', '"releasable_to"', '"created_by"'):
                assert internal not in response.text, (response.request.url, internal)
        search = client.get("/api/v1/incidents", params={"q": marker}).json()
        assert search["total"] == 0 and search["items"] == []  # counts never include what is hidden
        released = [c for c, r in zip(codes, records, strict=True) if ORG in r["released"]]
        listed = {
            i["code"] for i in client.get("/api/v1/incidents", params={"per_page": 100}).json()["items"]
        }
        assert set(released) <= listed and not (set(codes) - set(released)) & listed


def _count_reports(app: FastAPI) -> int:
    with app.state.sessions() as session:
        return int(session.scalar(select(func.count(Report.id))) or 0)


scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
    st.sampled_from(["ngo", "media", "own_force_report", "2026-03-14", "day", "settlement", "restricted"]),
)  # fmt: skip
value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
FIELDS = [
    "source_type", "source_name", "original_text", "date_start", "date_end", "date_precision", "latitude",
    "longitude", "location_precision", "killed_min", "killed_max", "injured_min", "topics", "sensitivity",
    "releasable_to", "url", "material_date", "country_iso3", "cause", "reliability", "raw_record",
]  # fmt: skip
body = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), value, max_size=10),
    st.fixed_dictionaries({"source_type": st.just("ngo"), "source_name": st.text(max_size=40)}).flatmap(
        lambda base: st.dictionaries(st.sampled_from(FIELDS), value, max_size=6).map(
            lambda extra: {**base, **extra}
        )
    ),
    value,
)


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(data=body)
@example(data={"source_type": float("inf")})  # once echoed back as invalid JSON: a 500
@example(data={"latitude": float("nan"), "source_name": "x", "source_type": "ngo"})
def test_the_intake_api_answers_bad_input_cleanly_and_writes_nothing(
    sqlite_app: tuple[FastAPI, dict[str, str]], data: Any
) -> None:
    app, tokens = sqlite_app
    before = _count_reports(app)
    with TestClient(app, headers={"Authorization": f"Bearer {tokens['intake']}"}) as client:
        # Encoded by hand: a hostile client may send NaN and Infinity, which Python's parser accepts.
        raw = json.dumps(data, allow_nan=True)
        response = client.post("/api/v1/reports", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code < 500, response.text
    assert response.status_code in (201, 403, 422), (response.status_code, response.text)
    assert _count_reports(app) == before + (1 if response.status_code == 201 else 0)


form_value = st.one_of(
    st.text(max_size=30), st.sampled_from(["ngo", "2026-03-14", "35.1", "-1", "1e309", ""])
)


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(form=st.dictionaries(st.sampled_from(FIELDS), form_value, max_size=10))
def test_the_intake_form_answers_bad_input_cleanly_and_writes_nothing(
    sqlite_app: tuple[FastAPI, dict[str, str]], form: dict[str, str]
) -> None:
    app, tokens = sqlite_app
    before = _count_reports(app)
    with TestClient(app, headers={"Authorization": f"Bearer {tokens['intake']}"}) as client:
        response = client.post("/reports/new", data=form, follow_redirects=False)
        candidates = client.post("/reports/new/candidates", data=form)
    assert response.status_code in (303, 403, 422), (response.status_code, response.text[:300])
    assert candidates.status_code == 200, candidates.text[:300]
    assert _count_reports(app) == before + (1 if response.status_code == 303 else 0)
