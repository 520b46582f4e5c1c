"""The exchange commands end to end on a store with the exchange demo, and the JSON API's answer link."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from civharm.cli.main import app
from civharm.db.engine import create_db_engine, session_factory
from civharm.exchange.api import router
from civharm.exchange.demo import load_exchange_demo
from civharm.security.demo import DEMO_PARTNER
from civharm.security.principal import Principal, Role
from civharm.web.deps import get_principal
from tests.exchange.store import build

runner = CliRunner()


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_release_approval_import_and_requests(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    db = ["--db", url]
    _ok([*db, "init"])
    engine = create_db_engine(url)
    with session_factory(engine).begin() as session:
        store = build(session)
        for incident in store.released[:2]:  # the demo's releases go to the demo partner
            incident.title = f"[DEMO] {incident.title}"
            incident.releasable_to = [*incident.releasable_to, DEMO_PARTNER]
        assert load_exchange_demo(session) and not load_exchange_demo(session)
    engine.dispose()
    (pending,) = json.loads(_ok([*db, "release", "list", "--json"]))
    assert pending["status"] == "pending" and pending["requested_by"] == "demo-analyst"
    output = tmp_path / "release.json"
    _ok([*db, "release", "approve", str(pending["id"]), "--output", str(output), "--as", "demo-approver"])
    (released,) = json.loads(_ok([*db, "release", "list", "--json"]))
    assert released["approved_by"] == "demo-approver" and released["counts"]["incidents"] > 0
    assert "overdue" in _ok([*db, "rfi", "list", "--state", "overdue"])

    other = ["--db", f"sqlite:///{tmp_path / 'b.sqlite3'}"]
    _ok([*other, "init"])
    first = json.loads(_ok([*other, "import", "package", str(output), "--json"]))
    assert first["inserted"]["incidents"] == released["counts"]["incidents"]
    again = json.loads(_ok([*other, "import", "package", str(output), "--json"]))
    assert sum(again["inserted"].values()) == 0

    sheet = tmp_path / "ngo.csv"
    sheet.write_text(
        "Ref;Date;Village;What happened;Dead\nN1;2026-10-01;Hajin;Shelling;2\n", encoding="utf-8"
    )
    _ok(
        [
            *other,
            "exchange",
            "mapping",
            "save",
            "ngo",
            "-c",
            "source_key=Ref",
            "-c",
            "date=Date",
            "-c",
            "killed=Dead",
            "-d",
            "source_type=ngo",
        ]
    )
    assert "1 new reports" in _ok([*other, "import", "csv", str(sheet), "--mapping", "ngo"])
    refused = runner.invoke(app, [*other, "import", "csv", str(sheet)])
    assert refused.exit_code != 0
    _ok([*other, "exchange", "form", "--output", str(tmp_path / "form.xlsx")])
    assert (tmp_path / "form.xlsx").is_file()


def test_an_outside_expert_answers_through_the_link(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        store = build(session)
        code = store.released[0].code
    api = FastAPI()
    api.state.sessions = sessions
    api.include_router(router, prefix="/api/v1")
    api.dependency_overrides[get_principal] = lambda: Principal(username="amal", role=Role.ANALYST)
    client = TestClient(api)
    created = client.post(
        "/api/v1/exchange/requests",
        json={"recipient": "UNMAS", "questions": ["UXO found?"], "incident_codes": [code]},
    )
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    del api.dependency_overrides[get_principal]  # the link works without an account
    assert client.get(f"/api/v1/exchange/answer/{token}").json()["questions"] == ["UXO found?"]
    answered = client.post(
        f"/api/v1/exchange/answer/{token}", json={"answer": "Two shells.", "answered_by": "UNMAS"}
    )
    assert answered.status_code == 201 and len(answered.json()["report_ids"]) == 1
    assert client.get("/api/v1/exchange/requests").status_code == 401
