"""The authorization matrix at the service level: role x marking -> visible or not, and which fields.

Every way a record can reach someone is checked against the same expectation: the list and
its total, the count in the statistics, the scope of a query, the single-record lookup, and
the projected fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from civharm.casualties.models import Casualty
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.errors import NotFoundError
from civharm.incidents.models import Incident
from civharm.incidents.service import list_incidents
from civharm.reports.models import Report
from civharm.security.policy import (
    access_for,
    casualty_scope,
    report_scope,
    show_casualties,
    show_incident,
    show_reports,
    visible_incident,
    visible_report,
)
from civharm.stats import store_stats
from tests.conftest import BACKENDS
from tests.security.matrix import MARKINGS, PRINCIPALS, RecordSet, build_records, expectation

Store = tuple[sessionmaker[Session], dict[str, RecordSet]]


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, new_database: Callable[[str], str]) -> Iterator[Store]:
    engine = create_db_engine(new_database(request.param))
    upgrade_schema(engine)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        records = build_records(session)
    yield sessions, records
    engine.dispose()


def _incident_problems(
    session: Session, who: str, marking: str, record: RecordSet, listed: set[str]
) -> list[str]:
    expected = expectation(who, marking, "incident")
    principal = PRINCIPALS[who]
    problems = []
    if (record.incident_code in listed) != expected.visible:
        problems.append(f"incident list {'lacks' if expected.visible else 'includes'} it")
    try:
        incident = visible_incident(session, principal, record.incident_code)
    except NotFoundError:
        return problems + (["incident lookup refused"] if expected.visible else [])
    if not expected.visible:
        return [*problems, "incident lookup allowed"]
    return problems + [
        f"incident {p}" for p in expected.problems(show_incident(session, principal, incident))
    ]


def _report_problems(
    session: Session, who: str, marking: str, record: RecordSet, scoped: set[int]
) -> list[str]:
    expected = expectation(who, marking, "report")
    principal = PRINCIPALS[who]
    problems = []
    if (record.report_id in scoped) != expected.visible:
        problems.append(f"report query {'lacks' if expected.visible else 'includes'} it")
    try:
        report = visible_report(session, principal, record.report_id)
    except NotFoundError:
        return problems + (["report lookup refused"] if expected.visible else [])
    if not expected.visible:
        return [*problems, "report lookup allowed"]
    (shown,) = show_reports(session, principal, [report])
    return problems + [f"report {p}" for p in expected.problems(shown)]


def _casualty_problems(
    session: Session, who: str, marking: str, record: RecordSet, scoped: set[int]
) -> list[str]:
    expected = expectation(who, marking, "casualty")
    problems = []
    if (record.casualty_id in scoped) != expected.visible:
        problems.append(f"casualty query {'lacks' if expected.visible else 'includes'} it")
    shown = show_casualties(session, PRINCIPALS[who], session.get_one(Incident, record.incident_id))
    if bool(shown) != expected.visible:
        return [*problems, f"casualty records {'missing' if expected.visible else 'shown'}"]
    if shown:
        assert shown[0]["pseudonym"] == record.pseudonym
        problems += [f"casualty {p}" for p in expected.problems(shown[0])]
    return problems


@pytest.mark.parametrize("who", list(PRINCIPALS))
def test_each_role_sees_exactly_what_the_matrix_says(store: Store, who: str) -> None:
    sessions, records = store
    principal = PRINCIPALS[who]
    problems: list[str] = []
    with sessions() as session:
        access = access_for(session, principal)
        rows, total = list_incidents(session, principal=principal, limit=100)
        listed = {row.code for row in rows}
        reports = set(session.scalars(select(Report.id).where(report_scope(access))))
        casualties = set(session.scalars(select(Casualty.id).where(casualty_scope(access))))
        for marking in MARKINGS:
            record = records[marking]
            found = _incident_problems(session, who, marking, record, listed)
            found += _report_problems(session, who, marking, record, reports)
            found += _casualty_problems(session, who, marking, record, casualties)
            problems += [f"{who} / {marking}: {p}" for p in found]
        stats = store_stats(session, principal=principal)
        session.rollback()
    visible = {
        e: sum(expectation(who, m, e).visible for m in MARKINGS) for e in ("incident", "report", "casualty")
    }
    counted = {
        "incident": stats["incidents"],
        "report": stats["reports"],
        "casualty": stats["casualty_records"],
    }
    assert total == visible["incident"]
    assert counted == visible
    assert problems == []
