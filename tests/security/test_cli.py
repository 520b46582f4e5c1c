"""The security commands: users, tokens, grants, audit verification, keys, backup and restore."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from civharm.cli.main import app
from civharm.db.engine import create_db_engine

runner = CliRunner()
PASSWORD = "river-of-seven-bridges"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the demo loaded and its own key file made by `civharm init` (made once)."""
    folder = tmp_path_factory.mktemp("template")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("CIVHARM_KEY_FILE", str(folder / "keys" / "civharm.key"))
        db = ["--db", f"sqlite:///{folder / 'cli.sqlite3'}"]
        init = runner.invoke(app, [*db, "init"])
        assert init.exit_code == 0, init.output
        assert "created key file" in init.output
        assert stat.S_IMODE((folder / "keys" / "civharm.key").stat().st_mode) == 0o600
        demo = runner.invoke(app, [*db, "demo", "--incidents", "12"])
        assert demo.exit_code == 0, demo.output
    return folder


@pytest.fixture
def db(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A copy of the template store, with its own copy of the key and the audit checkpoint."""
    folder = tmp_path / "store"
    shutil.copytree(template, folder)
    monkeypatch.setenv("CIVHARM_KEY_FILE", str(folder / "keys" / "civharm.key"))
    return ["--db", f"sqlite:///{folder / 'cli.sqlite3'}"]


def _ok(*args: str, input: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


def test_users_are_added_with_a_password_from_stdin_listed_and_disabled(db: list[str]) -> None:
    assert (
        _ok(*db, "user", "add", "amal", "--role", "analyst", input=f"{PASSWORD}\n")
        == "added amal (analyst)\n"
    )
    _ok(
        *db,
        "user",
        "add",
        "paul",
        "--role",
        "partner",
        "--organisation",
        "Shelter Network",
        input=f"{PASSWORD}\n",
    )
    short = runner.invoke(app, [*db, "user", "add", "ines", "--role", "intake"], input="short\n")
    assert short.exit_code != 0
    users = {u["username"]: u for u in json.loads(_ok(*db, "user", "list", "--json"))}
    assert users["amal"]["role"] == "analyst" and users["amal"]["has_password"]
    assert users["paul"]["organisation"] == "Shelter Network"
    assert "demo-partner" in users and not users["demo-partner"]["has_password"]
    _ok(*db, "user", "disable", "amal")
    assert json.loads(_ok(*db, "user", "list", "--json"))[0]["disabled"]
    _ok(*db, "user", "enable", "amal")
    _ok(*db, "user", "password", "amal", input="another-long-passphrase\n")
    _ok(*db, "user", "unlock", "amal")


def test_tokens_are_printed_once(db: list[str]) -> None:
    _ok(*db, "user", "add", "bot", "--role", "intake", "--no-password")
    result = runner.invoke(app, [*db, "token", "create", "bot", "--label", "nightly", "--days", "30"])
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert token.startswith("cht_")
    listed = _ok(*db, "token", "list", "bot")
    assert "nightly" in listed and token not in listed
    _ok(*db, "token", "revoke", "1")
    assert "revoked" in _ok(*db, "token", "list", "bot")


def test_grants_are_added_listed_and_removed(db: list[str]) -> None:
    code = json.loads(_ok(*db, "incidents", "list", "--json", "--limit", "1"))["items"][0]["code"]
    assert "read on" in _ok(*db, "grant", "add", code, "--organisation", "Shelter Network", "--days", "30")
    assert "Shelter Network" in _ok(*db, "grant", "list", code)
    _ok(*db, "grant", "revoke", "2")  # the demo made grant 1
    assert "Shelter Network" not in _ok(*db, "grant", "list", code)


def test_audit_verify_passes_then_names_the_altered_entry(db: list[str], tmp_path: Path) -> None:
    assert _ok(*db, "audit", "verify").startswith("audit chain intact: ")
    assert "insert" in _ok(*db, "audit", "tail", "-n", "5")
    engine = create_db_engine(db[1])
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE id = 7"))
    engine.dispose()
    broken = subprocess.run(
        [sys.executable, "-m", "civharm", *db, "audit", "verify"], capture_output=True, text=True, timeout=120
    )
    assert broken.returncode == 1
    assert broken.stderr.startswith("AUDIT CHAIN BROKEN at entry 7:\n  audit entry 7 was altered")


def test_backup_and_restore_through_the_command_line(db: list[str], tmp_path: Path) -> None:
    file = tmp_path / "store.backup.gz"
    assert "backed up" in _ok(*db, "backup", str(file))
    assert runner.invoke(app, [*db, "backup", str(file)]).exit_code != 0  # never overwritten silently
    copy = ["--db", f"sqlite:///{tmp_path / 'copy.sqlite3'}"]  # same key file: it came with the store
    restored = _ok(*copy, "restore", str(file))
    assert "audit chain intact" in restored
    assert _ok(*copy, "stats", "--json") == _ok(*db, "stats", "--json")
    assert runner.invoke(app, [*copy, "restore", str(file)]).exit_code != 0  # not into a full store


def test_a_rotated_key_keeps_the_store_readable(db: list[str]) -> None:
    assert "new key" in _ok(*db, "key", "rotate")
    _ok(*db, "user", "add", "amal", "--role", "analyst", "--no-password")
    assert _ok(*db, "audit", "verify").startswith("audit chain intact")
