"""Lifecycle benchmark: service latency on a full walk, and the status report over a large store.

    .venv/bin/python -m bench.lifecycle [--walks 100] [--incidents 20000] [--db URL]

Prints two tables. The walk uses the real services (guards, history, version checks); the
large store is filled with a fast core insert of incidents and their events, then
``civharm report status`` is timed over it.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session
from tests.assessments.walk import assess, new_case, respond_and_deliver, to_under_assessment

from civharm.assessments import service
from civharm.assessments.status import status_report
from civharm.config import Settings
from civharm.db.base import table_of, utcnow
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.history.models import EventKind, IncidentEvent
from civharm.incidents.models import Incident, IncidentTopic
from civharm.vocabulary import IncidentStatus, Topic


def walk(session: Session, topic: Topic) -> int:
    """One incident through the whole lifecycle; returns the number of service calls made."""
    code = new_case(session, topic)
    service.triage(session, code=code, actor="ana")
    to_under_assessment(session, code)
    assess(session, code, topic)
    respond_and_deliver(session, code)
    service.record_lesson(session, code=code, note="n", actor="ana")
    service.transition(session, code=code, target=IncidentStatus.LESSONS_CAPTURED, actor="ana")
    service.transition(session, code=code, target=IncidentStatus.CLOSED, actor="ana")
    return 16


def fill(session: Session, count: int) -> None:
    """``count`` incidents spread over the states, each with a history of state changes."""
    rng = random.Random(1)
    now = utcnow()
    states = list(IncidentStatus)
    incidents, topics, events = [], [], []
    for n in range(1, count + 1):
        status = states[n % len(states)]
        created = now - timedelta(days=rng.randint(0, 400))
        incidents.append(
            {
                "id": 10_000_000 + n,
                "code": f"BENCH-{n:07d}",
                "title": "bench",
                "description": "",
                "status": status.value,
                "created_at": created,
                "updated_at": created,
                "version": 1,
                "previous_codes": [],
                "place_names": [],
                "harm_types": [],
                "releasable_to": [],
                "details": {},
                "determination": "not_yet_assessed",
                "cause": "unknown",
                "date_precision": "unknown",
                "location_precision": "unknown",
                "sensitivity": "normal",
            }
        )
        topics.append({"incident_id": 10_000_000 + n, "topic": rng.choice(list(Topic)).value})
        for step in range(states.index(status) + 1):
            events.append(
                {
                    "incident_id": 10_000_000 + n,
                    "kind": EventKind.STATUS_CHANGED.value,
                    "actor": "bench",
                    "occurred_at": created + timedelta(days=step),
                    "recorded_at": now,
                    "summary": "move",
                    "data": {},
                    "to_status": states[step].value,
                    "incident_version": step + 2,
                }
            )
    session.execute(insert(table_of(Incident)), incidents)
    session.execute(insert(table_of(IncidentTopic)), topics)
    for start in range(0, len(events), 50_000):
        session.execute(insert(table_of(IncidentEvent)), events[start : start + 50_000])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--walks", type=int, default=100)
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    sessions = session_factory(engine)
    topics = list(Topic)
    started = time.perf_counter()
    operations = 0
    with sessions.begin() as session:
        for n in range(args.walks):
            operations += walk(session, topics[n % len(topics)])
    walked = time.perf_counter() - started
    print(f"backend: {engine.dialect.name}")
    print(f"{'walks':>8} {'service calls':>14} {'seconds':>9} {'ms/call':>8} {'walks/s':>8}")
    print(
        f"{args.walks:>8} {operations:>14} {walked:>9.2f} {walked / operations * 1000:>8.1f} "
        f"{args.walks / walked:>8.1f}"
    )
    with sessions.begin() as session:
        started = time.perf_counter()
        fill(session, args.incidents)
        filled = time.perf_counter() - started
    settings = Settings(database_url=url)
    with sessions() as session:
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            rows = status_report(session, settings=settings, include_closed=True)
            timings.append(time.perf_counter() - started)
    overdue = sum(1 for r in rows if r.overdue)
    print(f"\n{'incidents':>10} {'events':>8} {'fill s':>7} {'report s (best of 3)':>21} {'overdue':>8}")
    events = sum(list(IncidentStatus).index(r.status) + 1 for r in rows if r.code.startswith("BENCH"))
    print(f"{len(rows):>10} {events:>8} {filled:>7.2f} {min(timings):>21.2f} {overdue:>8}")


if __name__ == "__main__":
    main()
