"""The command line: every command documented with an example, and the main flows work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from civharm.cli.main import app

runner = CliRunner()


def _all_commands() -> list[list[str]]:
    root = get_command(app)
    paths: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):  # a group of commands
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
        else:
            paths.append(path)

    walk(root, [])
    return paths


def test_every_command_has_help_with_an_example() -> None:
    commands = _all_commands()
    assert ["import", "ucdp"] in commands and ["demo"] in commands
    for path in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example: civharm" in result.output, f"civharm {' '.join(path)} --help has no example"


def test_every_command_is_in_the_user_guide() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    for path in _all_commands():
        assert f"civharm {' '.join(path)}" in guide, f"docs/cli.md does not document civharm {' '.join(path)}"


def test_init_demo_stats_list_show(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}"]
    assert runner.invoke(app, [*db, "init"]).exit_code == 0
    demo = runner.invoke(app, [*db, "demo", "--incidents", "40"])
    assert demo.exit_code == 0, demo.output
    assert "synthetic demo" in demo.output
    stats = json.loads(runner.invoke(app, [*db, "stats", "--json"]).output)
    assert stats["incidents"] > 0 and stats["reports"] >= stats["incidents"]
    assert set(stats["incidents_by_topic"]) == {"poc", "caac", "crsv", "thb", "cpp"}
    listed = json.loads(runner.invoke(app, [*db, "incidents", "list", "--topic", "cpp", "--json"]).output)
    assert listed["total"] == len(listed["items"]) > 0
    assert all("cpp" in item["topics"] for item in listed["items"])
    code = listed["items"][0]["code"]
    shown = json.loads(runner.invoke(app, [*db, "incidents", "show", code, "--json"]).output)
    assert shown["code"] == code and shown["title"].startswith("[DEMO]")
    assert runner.invoke(app, [*db, "demo"]).output.strip() == "demo data is already loaded; nothing changed"


def test_casualty_names_never_appear_on_the_command_line(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}"]
    runner.invoke(app, [*db, "demo", "--incidents", "30"])
    listed = json.loads(runner.invoke(app, [*db, "incidents", "list", "--limit", "100", "--json"]).output)
    for item in listed["items"]:
        shown = runner.invoke(app, [*db, "incidents", "show", item["code"], "--json"]).output
        for person in json.loads(shown)["casualties"]:
            assert set(person) == {"pseudonym", "outcome", "sex", "age_group"}


def _civharm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "civharm", *args], capture_output=True, text=True, timeout=120
    )


def test_errors_are_one_clear_line_and_exit_code_1(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'x.sqlite3'}"]
    not_ready = _civharm(*db, "stats")
    assert not_ready.returncode == 1
    assert (
        not_ready.stderr.strip() == "error: the database has no civharm schema yet; run `civharm init` first"
    )
    assert _civharm(*db, "init").returncode == 0
    missing = _civharm(*db, "incidents", "show", "CH-2026-999999")
    assert (missing.returncode, missing.stderr.strip()) == (1, "error: no incident with code CH-2026-999999")
    bad = tmp_path / "bad.csv"
    bad.write_text("event_id_cnty,event_date\n", encoding="utf-8")
    refused = _civharm(*db, "import", "acled", str(bad))
    assert refused.returncode == 1
    assert f"{bad}: row 1, field 'latitude': column is missing from the header row" in refused.stderr


@pytest.mark.parametrize("url", ["mysql://x/y", "not a url"])
def test_unknown_databases_are_refused(url: str) -> None:
    result = _civharm("--db", url, "stats")
    assert result.returncode == 1
    assert "database_url must be a sqlite:// or postgresql:// URL" in result.stderr
