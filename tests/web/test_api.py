"""The JSON API and the pages through the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from civharm.casualties.schemas import CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty
from civharm.security.principal import Role
from civharm.vocabulary import Outcome, Sensitivity, SourceType, Topic
from tests.factories import make_incident, make_report
from tests.web.conftest import PASSWORD, ensure_user

ClientAs = Callable[..., TestClient]


def _seed(sessions: sessionmaker[Session]) -> dict[str, str]:
    """Three incidents: a market shelling (released to a partner), a looting, a restricted CRSV case."""
    with sessions.begin() as session:
        market = make_incident(session, releasable_to=["Field Protection Network"])
        make_report(session, source_type=SourceType.NGO)  # unlinked: awaits triage
        attached = make_report(session, source_type=SourceType.OWN_FORCE, source_name="Strike log")
        attached.incident_id = market.id
        looting = make_incident(
            session,
            title="Looting at the old citadel",
            topics=[Topic.CPP],
            date_start=date(2026, 1, 2),
            date_end=date(2026, 1, 2),
            latitude=34.45,
            longitude=40.92,
            killed_min=0,
            killed_max=0,
        )
        crsv = make_incident(
            session, title="Assault at a checkpoint", topics=[Topic.CRSV], sensitivity=Sensitivity.RESTRICTED
        )
        add_casualty(
            session,
            incident=crsv,
            data=CasualtyCreate(
                names=[PersonName(name="Huda al-Saleh", script="Latn")], outcome=Outcome.INJURED
            ),
        )
        return {"market": market.code, "looting": looting.code, "crsv": crsv.code}


def test_list_filters_sorts_and_pages(
    app: FastAPI, sessions: sessionmaker[Session], client_as: ClientAs
) -> None:
    codes = _seed(sessions)
    client = client_as(Role.ANALYST)
    everything = client.get("/api/v1/incidents").json()
    assert everything["total"] == 3
    cpp = client.get("/api/v1/incidents", params={"topic": "cpp"}).json()
    assert [i["code"] for i in cpp["items"]] == [codes["looting"]]
    found = client.get("/api/v1/incidents", params={"q": "citadel", "date_from": "2026-01-01"}).json()
    assert [i["code"] for i in found["items"]] == [codes["looting"]]
    by_source = client.get("/api/v1/incidents", params={"source_type": "own_force_report"}).json()
    assert [i["code"] for i in by_source["items"]] == [codes["market"]]
    page2 = client.get("/api/v1/incidents", params={"per_page": 2, "page": 2, "sort": "code"}).json()
    assert (page2["total"], len(page2["items"]), page2["items"][0]["code"]) == (3, 1, codes["crsv"])
    refused = client.get("/api/v1/incidents", params={"topic": "weather"})
    assert refused.status_code == 422
    page = client.get("/incidents", params={"topic": "cpp", "status": ""})  # an HTML form's "any"
    assert page.status_code == 200 and codes["looting"] in page.text and codes["market"] not in page.text


def test_dossier_hides_names_from_those_not_cleared(
    app: FastAPI, sessions: sessionmaker[Session], client_as: ClientAs
) -> None:
    codes = _seed(sessions)
    analyst = client_as(Role.ANALYST).get(f"/api/v1/incidents/{codes['crsv']}").json()
    person = analyst["casualties"][0]
    assert "names" not in person and "names" in person["withheld"]
    assert person["display_name"] == person["pseudonym"] and person["pseudonym"].endswith("-P01")
    assert "description" not in analyst["incident"] and "description" in analyst["incident"]["withheld"]
    cleared = client_as(Role.ASSESSOR, "asr", cleared=True).get(f"/api/v1/incidents/{codes['crsv']}").json()
    assert cleared["casualties"][0]["names"] == [{"name": "Huda al-Saleh", "script": "Latn"}]
    page = client_as(Role.ANALYST, "an2").get(f"/incidents/{codes['crsv']}")
    assert "Huda" not in page.text and "withheld" in page.text
    market = client_as(Role.ANALYST, "an3").get(f"/api/v1/incidents/{codes['market']}").json()
    assert [r["source_name"] for r in market["own_force_activity"]] == ["Strike log"]
    assert market["history"] and market["history"][0]["kind"] == "received"
    assert market["assessment"]["determination"] == "not_yet_assessed" and market["responses"] == []


def test_a_partner_sees_only_what_is_released_to_them(
    app: FastAPI, sessions: sessionmaker[Session], client_as: ClientAs
) -> None:
    codes = _seed(sessions)
    partner = client_as(Role.PARTNER, "fpn", "Field Protection Network")
    listed = partner.get("/api/v1/incidents").json()
    assert [i["code"] for i in listed["items"]] == [codes["market"]]
    assert not {"id", "determination", "releasable_to", "created_by", "details"} & set(listed["items"][0])
    dossier = partner.get(f"/api/v1/incidents/{codes['market']}").json()
    assert dossier["history"] is None and dossier["assessment"] is None and dossier["responses"] is None
    assert "releasable_to" not in dossier["incident"] and dossier["own_force_activity"] == []
    assert partner.get(f"/api/v1/incidents/{codes['crsv']}").status_code == 404
    assert partner.get(f"/incidents/{codes['looting']}").status_code == 404
    points = partner.get("/api/v1/geo/incidents").json()
    assert [f["properties"]["code"] for f in points["features"]] == [codes["market"]]
    totals = partner.get("/api/v1/dashboard").json()
    assert totals["incidents"] == 1 and totals["overdue"] == []
    other = client_as(Role.PARTNER, "ngo2", "Another NGO")
    assert other.get("/api/v1/incidents").json()["total"] == 0
    intake = client_as(Role.INTAKE, "desk", "Field Protection Network")
    assert intake.get("/api/v1/incidents").json()["total"] == 0


def test_submitting_a_report_and_duplicate_candidates(
    app: FastAPI, sessions: sessionmaker[Session], client_as: ClientAs
) -> None:
    codes = _seed(sessions)
    partner = client_as(Role.PARTNER, "fpn", "Field Protection Network")
    draft = {
        "latitude": 35.03,
        "longitude": 40.45,
        "date_start": "2026-03-15",
        "location_precision": "settlement",
    }
    near = partner.post("/api/v1/reports/candidates", json=draft).json()
    assert [c["code"] for c in near] == [codes["market"]]  # the CRSV case nearby is not theirs to see
    assert near[0]["days_apart"] == 1 and near[0]["distance_km"] < 2
    analyst_near = client_as(Role.ANALYST).post("/api/v1/reports/candidates", json=draft).json()
    # The restricted case's coordinates are withheld from an analyst not cleared: never compared.
    assert [c["code"] for c in analyst_near] == [codes["market"]]
    cleared = client_as(Role.ASSESSOR, "asr", cleared=True).post("/api/v1/reports/candidates", json=draft)
    assert {c["code"] for c in cleared.json()} == {codes["market"], codes["crsv"]}
    far = partner.post("/api/v1/reports/candidates", json={**draft, "date_start": "2025-06-01"}).json()
    assert far == []
    edge = partner.post("/api/v1/reports/candidates", json={"date_end": "0001-01-01", "place_name": "x"})
    assert (
        edge.status_code == 200 and edge.json() == []
    )  # found by schemathesis: no overflow at the calendar's end
    report_json = {"source_type": "ngo", "source_name": "Camp committee", **draft, "killed_min": 1}
    assert partner.post("/api/v1/reports", json=report_json).status_code == 403  # partners only read
    intake = client_as(Role.INTAKE, "desk", "Field Protection Network")
    created = intake.post("/api/v1/reports", json=report_json)
    assert created.status_code == 201, created.text
    report = created.json()
    assert report["submitted_by"] == "desk" and report["source_system"] == "intake"
    assert intake.get(f"/api/v1/reports/{report['id']}").status_code == 200
    assert partner.get(f"/api/v1/reports/{report['id']}").status_code == 200  # released to their organisation
    assert (
        client_as(Role.PARTNER, "ngo2", "Another NGO").get(f"/api/v1/reports/{report['id']}").status_code
        == 404
    )
    released = intake.post("/api/v1/reports", json={**report_json, "releasable_to": ["Another NGO"]})
    assert released.status_code == 403  # a marking change needs the release permission
    bad = intake.post(
        "/api/v1/reports", json={"source_type": "ngo", "source_name": "x", "killed_min": 3, "killed_max": 1}
    )
    assert bad.status_code == 422
    form = intake.post(
        "/reports/new",
        data={
            "source_type": "media",
            "source_name": "Valley Monitor",
            "latitude": "",
            "topics": ["poc", "caac"],
        },
        follow_redirects=False,
    )
    assert form.status_code == 303 and form.headers["location"].startswith("/reports/")
    warning = intake.post("/reports/new/candidates", data={**draft, "latitude": "not a number"})
    assert warning.status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(app: FastAPI) -> None:
    ensure_user(app, Role.ANALYST, "amal")
    with TestClient(app) as client:
        assert client.get("/api/v1/incidents").status_code == 401
        page = client.get("/incidents?topic=poc", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/incidents%3Ftopic%3Dpoc"
        client.cookies.set("civharm_session", "chs_forged")
        assert client.get("/api/v1/incidents").status_code == 401
        assert client.get("/api/v1/health").json() == {"status": "ok"}
        outside = client.post(
            "/login",
            data={"username": "amal", "password": PASSWORD, "next": "//elsewhere.example"},
            follow_redirects=False,
        )
        assert outside.headers["location"] == "/"
    with TestClient(app) as client:
        wrong = client.post("/login", data={"username": "amal", "password": "not the password"})
        assert wrong.status_code in (401, 422) and client.get("/api/v1/incidents").status_code == 401


def test_review_queue_and_dashboard(
    app: FastAPI, sessions: sessionmaker[Session], client_as: ClientAs
) -> None:
    _seed(sessions)
    analyst = client_as(Role.ANALYST)
    queue = analyst.get("/api/v1/review").json()
    assert queue["unlinked_reports"] == 1 and queue["determinations_awaiting_approval"] == []
    assert analyst.post("/api/v1/review/determinations/7/approve").status_code == 403
    approver = client_as(Role.APPROVER, "ap")
    assert approver.post("/api/v1/review/determinations/7/approve").status_code == 404
    figures = analyst.get(
        "/api/v1/dashboard", params={"date_from": "2026-01-01", "date_to": "2026-12-31"}
    ).json()
    assert figures["incidents"] == 3 and (figures["killed_min"], figures["killed_max"]) == (4, 8)
    assert {c["key"] for c in figures["by_topic"]} == {"poc", "cpp", "crsv"}
    assert "2026-03" in figures["months"]
    for path in ("/dashboard", "/review", "/map", "/reports/new"):
        assert analyst.get(path).status_code == 200, path


def test_cached_answers_never_outlive_a_write(
    app: FastAPI, sessions: sessionmaker[Session], client_as: ClientAs
) -> None:
    codes = _seed(sessions)
    analyst = client_as(Role.ANALYST)
    first = analyst.get("/api/v1/review")
    again = analyst.get("/api/v1/review")
    assert (first.headers["x-cache"], again.headers["x-cache"]) == ("miss", "hit")
    assert again.json() == first.json()
    other = client_as(Role.ANALYST, "an2")
    assert other.get("/api/v1/review").headers["x-cache"] == "miss"  # never shared between readers
    intake = client_as(Role.INTAKE, "desk", "Field Protection Network")
    intake.post("/api/v1/reports", json={"source_type": "ngo", "source_name": "New source"})
    after = analyst.get("/api/v1/review")
    assert after.headers["x-cache"] == "miss"
    assert after.json()["unlinked_reports"] == first.json()["unlinked_reports"] + 1
    with sessions.begin() as session:  # a write from outside the web app (an import, the CLI) counts too
        make_report(session, source_name="Imported row")
    assert analyst.get("/api/v1/review").json()["unlinked_reports"] == first.json()["unlinked_reports"] + 2
    assessor = client_as(Role.ASSESSOR, "asr", cleared=True)
    for _ in range(2):
        restricted = assessor.get(f"/api/v1/incidents/{codes['crsv']}")
        assert (
            restricted.headers["x-cache"] == "miss"
        )  # every read of restricted names reaches the audit chain
