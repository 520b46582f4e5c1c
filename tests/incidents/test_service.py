"""Incidents: codes, grouping reports, filtering, and refusing stale writes."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pydantic import ValidationError as SchemaError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from civharm.errors import ConflictError, NotFoundError
from civharm.incidents.schemas import IncidentCreate
from civharm.incidents.service import (
    IncidentFilter,
    attach_reports,
    get_incident,
    list_incidents,
    update_incident,
)
from civharm.reports.service import reports_of_incident
from civharm.security.principal import SYSTEM
from civharm.vocabulary import IncidentStatus, SourceType, Topic
from tests.factories import make_incident, make_report


def test_codes_are_readable_unique_and_sequential(session: Session) -> None:
    first, second = make_incident(session), make_incident(session)
    assert re.fullmatch(r"CH-\d{4}-\d{6}", first.code)
    assert int(second.code[-6:]) == int(first.code[-6:]) + 1
    assert get_incident(session, code=second.code).id == second.id


def test_an_incident_is_found_by_a_code_it_had_before_a_merge(session: Session) -> None:
    incident = make_incident(session)
    incident.previous_codes = ["CH-2025-000777"]
    session.flush()
    assert get_incident(session, code="CH-2025-000777").id == incident.id
    with pytest.raises(NotFoundError, match="no incident with code CH-2025-000999"):
        get_incident(session, code="CH-2025-000999")


def test_reports_are_grouped_under_their_incident(session: Session) -> None:
    reports = [make_report(session), make_report(session, source_name="Valley Monitor", language="ar")]
    incident = make_incident(session, topics=[Topic.POC, Topic.CAAC])
    attach_reports(session, incident=incident, report_ids=[r.id for r in reports])
    assert {
        r.source_name for r in reports_of_incident(session, incident_id=incident.id, principal=SYSTEM)
    } == {
        "River Post",
        "Valley Monitor",
    }
    assert incident.topics == [Topic.POC, Topic.CAAC]


def test_filters_narrow_the_list(session: Session) -> None:
    make_incident(
        session, title="School struck", topics=[Topic.CAAC], date_start=date(2026, 1, 5), date_end=None
    )
    make_incident(session, title="Checkpoint assault", topics=[Topic.CRSV], country_iso3="IRQ")
    ngo_incident = make_incident(session, title="Mosque damaged", topics=[Topic.CPP])
    report = make_report(session, source_type=SourceType.NGO)
    report.incident_id = ngo_incident.id
    session.flush()

    def titles(**kwargs: object) -> list[str]:
        rows, total = list_incidents(session, principal=SYSTEM, filters=IncidentFilter(**kwargs), sort="code")  # type: ignore[arg-type]
        assert total == len(rows)
        return [r.title for r in rows]

    assert titles(topics=(Topic.CAAC,)) == ["School struck"]
    assert titles(country_iso3="irq") == ["Checkpoint assault"]
    assert titles(date_to=date(2026, 2, 1)) == ["School struck"]
    assert titles(text="mosque") == ["Mosque damaged"]
    assert titles(source_types=(SourceType.NGO,)) == ["Mosque damaged"]
    assert titles(statuses=(IncidentStatus.RECEIVED,)) == [
        "School struck",
        "Checkpoint assault",
        "Mosque damaged",
    ]


def test_inconsistent_input_is_refused_before_it_reaches_the_store() -> None:
    with pytest.raises(SchemaError, match="date_end is before date_start"):
        IncidentCreate(title="x", topics=[Topic.POC], date_start=date(2026, 2, 2), date_end=date(2026, 2, 1))
    with pytest.raises(SchemaError, match="killed_min is greater than killed_max"):
        IncidentCreate(title="x", topics=[Topic.POC], killed_min=5, killed_max=2)
    with pytest.raises(SchemaError, match="at least 1 item"):
        IncidentCreate(title="x", topics=[])


def test_a_stale_edit_gets_a_conflict_not_a_silent_overwrite(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        code = make_incident(session).code
    # Two users open the incident at version 1.
    with sessions() as alice, sessions() as bob:
        seen_by_alice = get_incident(alice, code=code).version
        seen_by_bob = get_incident(bob, code=code).version
        update_incident(alice, code=code, expected_version=seen_by_alice, changes={"title": "Alice's title"})
        alice.commit()
        with pytest.raises(ConflictError, match="changed by someone else"):
            update_incident(bob, code=code, expected_version=seen_by_bob, changes={"title": "Bob's title"})
    with sessions() as session:
        incident = get_incident(session, code=code)
        assert (incident.title, incident.version) == ("Alice's title", 2)


def test_a_concurrent_write_between_read_and_save_is_caught_by_the_database(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        code = make_incident(session).code
    with sessions() as slow:
        incident = get_incident(slow, code=code)  # read at version 1, not yet saved
        with sessions.begin() as fast:
            update_incident(fast, code=code, expected_version=1, changes={"title": "fast"})
        incident.title = "slow"
        with pytest.raises(StaleDataError, match="expected to update 1 row"):
            slow.flush()
