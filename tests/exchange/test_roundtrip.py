"""Export to a partner, import into an empty store: the same records and links; no duplicates on repeat."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from civharm.casualties.models import Casualty, CasualtyCount
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.errors import InputFileError
from civharm.exchange.imports import import_file
from civharm.exchange.release import export
from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.security.principal import SYSTEM
from tests.exchange.store import PARTNER, build

Snapshot = dict[str, set[tuple[Any, ...]]]


def _snapshot_of_package(document: dict[str, Any]) -> Snapshot:
    """What the partner received, with links spelled out by title and text instead of ids."""
    title = {i["code"]: i["title"] for i in document["incidents"]}
    text = {r["id"]: r.get("original_text") or "" for r in document["reports"]}
    return {
        "incidents": {
            (
                i["title"],
                i["date_start"],
                i["killed_min"],
                i["killed_max"],
                i["place_name"],
                tuple(i["topics"]),
                i["status"],
            )
            for i in document["incidents"]
        },
        "reports": {
            (r.get("original_text") or "", r["source_type"], title[r["incident_code"]])
            for r in document["reports"]
        },
        "casualties": {
            (title[c["incident_code"]], c["sex"], c["outcome"], tuple(sorted(text[s] for s in c["sources"])))
            for c in document["casualties"]
        },
        "counts": {
            (
                title.get(c["incident_code"]) if c["report_id"] is None else text[c["report_id"]],
                c["outcome"],
                c["count_min"],
                c["count_max"],
            )
            for c in document["counts"]
        },
    }


def _snapshot_of_store(session: Session) -> Snapshot:
    incidents = {i.id: i for i in session.scalars(select(Incident))}
    reports = {r.id: r for r in session.scalars(select(Report))}
    return {
        "incidents": {
            (
                i.title,
                i.date_start.isoformat() if i.date_start else None,
                i.killed_min,
                i.killed_max,
                i.place_name,
                tuple(t.value for t in i.topics),
                i.status.value,
            )
            for i in incidents.values()
        },
        "reports": {
            (r.original_text, r.source_type.value, incidents[r.incident_id or 0].title)
            for r in reports.values()
        },
        "casualties": {
            (
                incidents[c.incident_id or 0].title,
                c.sex.value,
                c.outcome.value,
                tuple(sorted(s.original_text for s in c.sources)),
            )
            for c in session.scalars(select(Casualty))
        },
        "counts": {
            (
                incidents[c.incident_id].title if c.incident_id else reports[c.report_id or 0].original_text,
                c.outcome.value,
                c.count_min,
                c.count_max,
            )
            for c in session.scalars(select(CasualtyCount))
        },
    }


@pytest.fixture
def empty_store(engine: Engine, new_database: Callable[[str], str]) -> Iterator[Callable[[], Engine]]:
    """Makes further empty stores on the same backend as ``engine``."""
    made: list[Engine] = []

    def make() -> Engine:
        other = create_db_engine(new_database(engine.dialect.name))
        upgrade_schema(other)
        made.append(other)
        return other

    yield make
    for other in made:
        other.dispose()


def test_package_and_hxl_round_trips_reproduce_records_and_links(
    engine: Engine, empty_store: Callable[[], Engine], tmp_path: Path
) -> None:
    with session_factory(engine).begin() as session:
        build(session)
        for fmt in ("package", "hxl"):
            export(session, fmt=fmt, organisation=PARTNER, output=tmp_path / fmt, actor=SYSTEM)
    sent = _snapshot_of_package(json.loads((tmp_path / "package").read_text(encoding="utf-8")))
    assert len(sent["incidents"]) == 3 and len(sent["casualties"]) == 2 and len(sent["counts"]) == 6

    for fmt in ("package", "hxl"):
        target = empty_store()
        first = import_file(target, fmt, tmp_path / fmt, actor="tester").as_dict()
        assert first["inserted"] == {"incidents": 3, "reports": 3, "casualties": 2, "counts": 6}
        with session_factory(target)() as session:
            received = _snapshot_of_store(session)
        assert received == sent, fmt

        again = import_file(target, fmt, tmp_path / fmt, actor="tester").as_dict()
        assert sum(again["inserted"].values()) == 0
        with session_factory(target)() as session:
            assert _snapshot_of_store(session) == sent
            # Partners never receive names; the receiving store keeps its records restricted.
            assert all(c.names == [] and c.restricted for c in session.scalars(select(Casualty)))


def test_a_package_is_refused_by_the_store_that_made_it(engine: Engine, tmp_path: Path) -> None:
    with session_factory(engine).begin() as session:
        build(session)
        export(session, fmt="package", organisation=PARTNER, output=tmp_path / "p.json", actor=SYSTEM)
    with pytest.raises(Exception, match="exported from this very store"):
        import_file(engine, "package", tmp_path / "p.json", actor="tester")


def test_a_package_with_one_bad_record_writes_nothing(
    engine: Engine, empty_store: Callable[[], Engine], tmp_path: Path
) -> None:
    with session_factory(engine).begin() as session:
        build(session)
        export(session, fmt="package", organisation=PARTNER, output=tmp_path / "p.json", actor=SYSTEM)
    document = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    document["counts"][-1]["count_min"] = 9
    document["incidents"][1]["date_start"] = "2026-02-30"
    (tmp_path / "bad.json").write_text(json.dumps(document), encoding="utf-8")
    target = empty_store()
    with pytest.raises(InputFileError) as refused:
        import_file(target, "package", tmp_path / "bad.json", actor="tester")
    where = {(e.row, e.field) for e in refused.value.errors}
    assert (2, "incidents.date_start") in where and (len(document["counts"]), "counts.record") in where
    with session_factory(target)() as session:
        assert session.scalars(select(Incident)).first() is None
        assert session.scalars(select(Report)).first() is None
