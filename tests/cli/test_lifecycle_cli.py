"""The lifecycle from the command line: two people, refusals as one clear line, the status report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from civharm.cli.main import app
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from tests.assessments.walk import new_case

runner = CliRunner()


def _store(tmp_path: Path) -> tuple[list[str], str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    with session_factory(engine).begin() as session:
        code = new_case(session, topic="cpp")  # type: ignore[arg-type]
    engine.dispose()
    return ["--db", url], code


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, f"{args}: {result.output} {result.exception!r}"
    return result.output


def test_a_cpp_case_from_triage_to_closure(tmp_path: Path) -> None:
    db, code = _store(tmp_path)
    assert _ok(*db, "incident", "triage", code, "--as", "ana").strip() == f"{code} is triaged (version 2)"
    _ok(*db, "incident", "match", code, "--outcome", "found", "--reference", "log 9", "--as", "ana")
    _ok(*db, "incident", "start-assessment", code, "--as", "ana")
    refused = runner.invoke(app, [*db, "incident", "assess", code])
    assert str(refused.exception) == (
        "cannot mark assessed: no grading recorded; no approved determination; "
        "no cultural property recorded (CPP)"
    )
    _ok(*db, "incident", "grade", code, "--grading", "fair", "--reasons", "two sources", "--as", "ana")
    _ok(*db, "incident", "cpp", code, "--site", "Old mosque", "--type", "immovable", "--damage", "partial")
    _ok(*db, "incident", "determine", code, "--determination", "credible", "--more-likely-than-not", "yes",
        "--reasons", "strike log matches", "--deaths", "0", "--injuries", "0-1", "--as", "ana")  # fmt: skip
    same = runner.invoke(app, [*db, "incident", "approve", code, "--as", "ana"])
    assert "two-person rule: ana proposed determination" in str(same.exception)
    _ok(*db, "incident", "approve", code, "--as", "ben")
    _ok(*db, "incident", "assess", code, "--as", "ana")
    out = _ok(*db, "incident", "respond", code, "--kind", "repair", "--description", "roof", "--as", "ana")
    repair = out.split("#")[1].split(" ")[0]
    out = _ok(*db, "incident", "respond", code, "--kind", "ex_gratia_payment", "--amount", "1200",
              "--currency", "syp", "--recipient", "waqf", "--as", "ana")  # fmt: skip
    payment = out.split("#")[1].split(" ")[0]
    _ok(*db, "incident", "response", repair, "approved", "--as", "ben")
    _ok(
        *db,
        "incident",
        "response",
        payment,
        "refused",
        "--reason",
        "the waqf is not a civilian claimant",
        "--as",
        "ben",
    )
    _ok(*db, "incident", "decided", code)
    _ok(*db, "incident", "response", repair, "delivered")
    _ok(*db, "incident", "delivered", code)
    assert (
        _ok(*db, "incident", "lessons", code, "--ref", "LL-2026-001")
        .strip()
        .startswith(f"{code} is lessons_captured")
    )
    _ok(*db, "incident", "close", code)
    assert "refused by ben: the waqf is not a civilian claimant" in _ok(*db, "incident", "responses", code)
    history = json.loads(_ok(*db, "incident", "history", code, "--json"))
    assert history[-1]["summary"] == "lessons_captured → closed"
    assert {e["actor"] for e in history} >= {"ana", "ben"}
    assert "closed" in _ok(*db, "report", "status", "--closed")


def test_a_stale_version_and_a_refused_move_are_one_line_each(tmp_path: Path) -> None:
    db, code = _store(tmp_path)
    civharm = [sys.executable, "-m", "civharm", *db]
    _ok(*db, "incident", "triage", code, "--expect-version", "1")
    stale = subprocess.run(
        [*civharm, "incident", "match", code, "--outcome", "not_found", "--expect-version", "1"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (stale.returncode, stale.stderr.strip()) == (
        1,
        f"error: {code} was changed by someone else (now version 2, you edited version 1); "
        "reload it and apply your change again",
    )
    assert "needs: no match against own-force activity recorded" in _ok(*db, "incident", "next", code)
    status = json.loads(_ok(*db, "report", "status", "--json"))
    assert [(i["code"], i["status"], i["overdue"]) for i in status["items"]] == [(code, "triaged", [])]
