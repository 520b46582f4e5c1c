"""The audit chain: every write is chained, and any alteration or removal is noticed."""

from __future__ import annotations

import json
import threading
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from civharm.casualties.schemas import CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty
from civharm.incidents.models import Incident
from civharm.ingest.pipeline import import_csv
from civharm.ingest.ucdp import UcdpGed
from civharm.reports.models import Report
from civharm.security.audit import acting_as
from civharm.security.models import AuditEntry, AuditHead
from civharm.security.policy import show_incident
from civharm.security.principal import SYSTEM
from civharm.security.verify import verify
from civharm.vocabulary import Outcome, Sensitivity, Topic
from tests.factories import make_incident, make_report


def _check(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return verify(connection).problems


def _entries(sessions: sessionmaker[Session]) -> list[AuditEntry]:
    with sessions() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


@pytest.fixture
def store(engine: Engine, sessions: sessionmaker[Session]) -> Engine:
    """A store with an incident, two reports and a casualty record, written as analyst amal."""
    with acting_as("amal"), sessions.begin() as session:
        incident = make_incident(session, topics=[Topic.CRSV], sensitivity=Sensitivity.RESTRICTED)
        make_report(session, source_name="River Post").incident_id = incident.id
        make_report(session, source_name="Valley Radio")
        add_casualty(
            session,
            incident=incident,
            data=CasualtyCreate(names=[PersonName(name="Hala Saleh")], outcome=Outcome.INJURED),
        )
    return engine


def test_every_write_is_chained_with_its_actor(store: Engine, sessions: sessionmaker[Session]) -> None:
    entries = _entries(sessions)
    written = {(e.action, e.table_name) for e in entries}
    assert {("insert", "incidents"), ("insert", "reports"), ("insert", "casualties")} <= written
    assert ("update", "reports") in written  # the report attached to the incident
    assert {e.actor for e in entries} == {"amal"}
    assert [e.id for e in entries] == list(range(1, len(entries) + 1))
    assert all(e.prev_hash == p.hash for p, e in pairwise(entries))
    assert "Hala" not in " ".join(e.payload for e in entries)  # digests, never personal values
    assert _check(store) == []


def test_an_update_names_the_fields_it_changed(store: Engine, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.scalars(select(Incident)).one().title = "Shelling of the market, second account"
    last = _entries(sessions)[-1]
    assert (last.action, last.table_name) == ("update", "incidents")
    assert '"fields":["title"]' in last.payload
    assert _check(store) == []


def test_changing_one_byte_of_an_entry_is_named(store: Engine, sessions: sessionmaker[Session]) -> None:
    with store.begin() as connection:
        connection.execute(
            update(AuditEntry)
            .where(AuditEntry.id == 2)
            .values(actor=func.replace(AuditEntry.actor, "a", "b"))
        )
    problems = _check(store)
    assert problems and problems[0].startswith("audit entry 2 was altered")


def test_changing_a_record_directly_in_the_database_is_named(store: Engine) -> None:
    with store.begin() as connection:
        connection.execute(text("UPDATE incidents SET killed_max = killed_max + 1"))
    (problem,) = _check(store)
    assert problem.startswith("incidents row 1 was changed outside civharm")


def test_changing_encrypted_bytes_directly_is_named(store: Engine) -> None:
    with store.begin() as connection:
        connection.execute(text("UPDATE casualties SET names = replace(names, 'v1:', 'v1:' )||'A'"))
    assert _check(store)[0].startswith("casualties row 1 was changed outside civharm")


def test_deleting_a_record_or_adding_one_outside_civharm_is_named(store: Engine) -> None:
    with store.begin() as connection:
        connection.execute(text("DELETE FROM reports WHERE incident_id IS NULL"))
        connection.execute(text("INSERT INTO incident_topics (incident_id, topic) VALUES (1, 'poc')"))
    problems = _check(store)
    assert any(p.startswith("incident_topics row 1|poc was written outside civharm") for p in problems)
    assert any(
        "reports row 2 (recorded by audit entry" in p and "removed outside civharm" in p for p in problems
    )


def test_removing_an_entry_in_the_middle_is_named(store: Engine) -> None:
    with store.begin() as connection:
        connection.execute(delete(AuditEntry).where(AuditEntry.id == 3))
    assert _check(store)[0] == "audit entry 3 is missing (the next entry is 4)"


def test_removing_the_newest_entry_is_noticed_even_with_the_head_rewound(
    store: Engine, sessions: sessionmaker[Session]
) -> None:
    entries = _entries(sessions)
    last, before = entries[-1], entries[-2]
    with store.begin() as connection:
        connection.execute(delete(AuditEntry).where(AuditEntry.id == last.id))
        connection.execute(update(AuditHead).values(last_id=before.id, last_hash=before.hash))
    problems = _check(store)
    assert problems[0].startswith(f"the checkpoint outside the database records entry {last.id}")


def test_rolled_back_work_leaves_no_entries(store: Engine, sessions: sessionmaker[Session]) -> None:
    before = len(_entries(sessions))
    with sessions() as session:
        make_report(session, source_name="Never saved")
        session.rollback()
        with session.begin():
            savepoint = session.begin_nested()
            make_report(session, source_name="Savepoint only")
            savepoint.rollback()
            make_report(session, source_name="Kept")
    entries = _entries(sessions)
    assert len(entries) == before + 1
    assert _check(store) == []


def test_orm_bulk_statements_are_chained(store: Engine, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.execute(update(Report).where(Report.incident_id.is_(None)).values(source_name="Renamed"))
        session.execute(delete(Report).where(Report.source_name == "Renamed"))
    actions = [e.action for e in _entries(sessions)[-2:]]
    assert actions == ["bulk_update", "bulk_delete"]
    assert _check(store) == []


def test_reading_a_restricted_incident_is_recorded(store: Engine, sessions: sessionmaker[Session]) -> None:
    with acting_as("nadia"), sessions.begin() as session:
        show_incident(session, SYSTEM, session.scalars(select(Incident)).one())
    last = _entries(sessions)[-1]
    assert (last.action, last.table_name, last.record_id, last.actor) == ("read", "incidents", "1", "nadia")
    assert _check(store) == []


def test_concurrent_writers_chain_in_commit_order(engine: Engine, sessions: sessionmaker[Session]) -> None:
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(5):
                with acting_as(f"worker-{worker}"), sessions.begin() as session:
                    make_report(session, source_name=f"w{worker}-{n}", date_start=date(2026, 3, 1 + n))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len([e for e in _entries(sessions) if e.action == "insert"]) == 20
    assert _check(engine) == []


def test_an_import_is_one_entry_covering_every_row(
    engine: Engine, sessions: sessionmaker[Session], shared_data: Path, tmp_path: Path
) -> None:
    source = shared_data / "ucdp_ged_syria_2016_2017.csv"
    with source.open(encoding="utf-8") as handle:
        head = [next(handle) for _ in range(41)]  # the header and 40 events
    sample = tmp_path / "ged_sample.csv"
    sample.write_text("".join(head), encoding="utf-8")
    with acting_as("importer"):
        result = import_csv(engine, sample, UcdpGed())
    (entry,) = [e for e in _entries(sessions) if e.table_name == "imports"]
    payload = json.loads(entry.payload)
    assert (entry.action, entry.actor, entry.record_id) == ("import", "importer", str(result.import_id))
    assert len(payload["rows"]["reports"]) == result.inserted == 40
    assert _check(engine) == []
    with engine.begin() as connection:
        connection.execute(text("UPDATE reports SET killed_best = 0 WHERE id = 5"))
    (problem,) = _check(engine)
    assert problem.startswith("reports row 5 was changed outside civharm")
    assert problem.endswith(f"recorded by audit entry {entry.id}")
