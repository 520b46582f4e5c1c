"""Security benchmark: what passwords, auditing, encryption, the visibility policy and backups cost.

    .venv/bin/python -m bench.security [--backend sqlite|postgresql|both] [--writes 2000] [--incidents 100000]

For each backend, on a fresh store:

1. Argon2id hash and verify with the production parameters (median of 5).
2. ORM writes (reports, incidents, casualty records with encrypted names), one transaction,
   with the audit hooks installed and removed: the cost of auditing and encryption per record.
3. Import of the real UCDP GED Syria file (shared/data) and the share of it spent digesting
   rows for the audit entry.
4. ``audit verify`` over everything written so far (chain and row digests).
5. Scoped queries over N incidents (bulk-loaded, a third released to a partner, a tenth
   restricted): count and first page of 50 for an analyst, a partner and a text search.
6. Backup and restore of the whole store: time and file size.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text

from civharm.casualties.schemas import CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty
from civharm.db.base import table_of
from civharm.db.bulk import bulk_insert
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.incidents.codes import format_code
from civharm.incidents.models import Incident, IncidentTopic
from civharm.incidents.schemas import IncidentCreate
from civharm.incidents.service import IncidentFilter, create_incident, list_incidents
from civharm.ingest.pipeline import import_csv
from civharm.ingest.ucdp import UcdpGed
from civharm.reports.models import Report
from civharm.reports.schemas import ReportCreate
from civharm.reports.service import create_report
from civharm.security import capture, passwords
from civharm.security.audit import acting_as, digests_of
from civharm.security.backup import backup, restore
from civharm.security.principal import Principal, Role
from civharm.security.vault import Vault, attach_vault
from civharm.security.verify import verify
from civharm.vocabulary import Outcome, Sensitivity, SourceType, Topic

SHARED = Path(__file__).resolve().parents[1].parent.parent / "shared" / "data"
PARTNER = Principal("bench-partner", Role.PARTNER, organisation="Protection Cluster")
ANALYST = Principal("bench-analyst", Role.ANALYST)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def row(label: str, value: str) -> None:
    print(f"  {label:<58} {value:>18}")


class Stores:
    """Fresh databases on one backend (PostgreSQL: one server, a database per store)."""

    def __init__(self, backend: str, folder: Path, vault: Vault, server: str | None) -> None:
        self.backend, self.folder, self.vault, self.server = backend, folder, vault, server
        self.engines: list[Engine] = []

    def new(self) -> Engine:
        name = f"bench_{len(self.engines)}_{time.monotonic_ns()}"
        if self.backend == "sqlite":
            url = f"sqlite:///{self.folder / (name + '.sqlite3')}"
        else:
            assert self.server is not None
            admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = self.server.rsplit("/", 1)[0] + f"/{name}"
        engine = attach_vault(create_db_engine(url), self.vault)
        upgrade_schema(engine)
        self.engines.append(engine)
        return engine

    def close(self) -> None:
        for engine in self.engines:
            engine.dispose()


@contextmanager
def stores(backend: str, folder: Path, vault: Vault) -> Iterator[Stores]:
    if backend == "sqlite":
        made = Stores(backend, folder, vault, None)
        yield made
        made.close()
        return
    from tests.postgres import running_postgres

    with running_postgres() as url:
        made = Stores(backend, folder, vault, url)
        yield made
        made.close()


def bench_passwords() -> None:
    hasher = passwords.PRODUCTION_HASHER
    hashes = [timed(lambda: hasher.hash("correct horse battery staple"))[0] for _ in range(5)]
    stored = hasher.hash("correct horse battery staple")
    checks = [timed(lambda: hasher.verify(stored, "correct horse battery staple"))[0] for _ in range(5)]
    row("Argon2id hash (64 MiB, t=3, p=4), median", f"{statistics.median(hashes) * 1000:.0f} ms")
    row("Argon2id verify, median", f"{statistics.median(checks) * 1000:.0f} ms")


def _write_records(engine: Engine, count: int, offset: int) -> None:
    with acting_as("bench"), session_factory(engine).begin() as session:
        for n in range(count // 4):
            incident = create_incident(
                session,
                data=IncidentCreate(title=f"Bench incident {offset + n}", topics=[Topic.POC]),
                created_by="bench",
            )
            for k in range(3):
                create_report(
                    session,
                    data=ReportCreate(
                        source_type=SourceType.MEDIA,
                        source_name=f"Bench source {k}",
                        source_key=f"bench-{offset}-{n}-{k}",
                        source_system="bench",
                    ),
                    submitted_by="bench",
                ).incident_id = incident.id
            add_casualty(
                session,
                incident=incident,
                data=CasualtyCreate(names=[PersonName(name=f"Person {n}")], outcome=Outcome.KILLED),
            )


def bench_writes(made: Stores, engine: Engine, count: int) -> None:
    capture.uninstall()
    plain, _ = timed(lambda: _write_records(made.new(), count, 0))  # a store of its own: not audited
    capture.install()
    audited, _ = timed(lambda: _write_records(engine, count, count))
    per = 1000 / count
    row(f"{count:,} ORM records written, audit hooks off", f"{plain:.2f} s ({plain * per:.2f} ms/rec)")
    row(f"{count:,} ORM records, audited + names encrypted", f"{audited:.2f} s ({audited * per:.2f} ms/rec)")
    row("  auditing overhead", f"{(audited / plain - 1) * 100:+.0f} %")


def bench_import(engine: Engine) -> None:
    source = SHARED / "ucdp_ged_syria_2016_2017.csv"
    if not source.exists():
        row("UCDP import", "skipped: shared/data absent")
        return
    seconds, result = timed(lambda: import_csv(engine, source, UcdpGed()))
    reports = table_of(Report)
    with engine.begin() as connection:
        digest, rows = timed(lambda: digests_of(connection, reports, reports.c.import_id == result.import_id))
        connection.rollback()
    row(f"UCDP GED Syria import ({result.inserted:,} reports), audited", f"{seconds:.2f} s")
    row(f"  of which digesting {len(rows):,} rows for the audit entry", f"{digest:.2f} s")


def bench_verify(engine: Engine) -> None:
    with engine.connect() as connection:
        seconds, report = timed(lambda: verify(connection))
    assert report.ok, report.problems
    row(f"audit verify: {report.entries:,} entries, {report.rows_checked:,} rows", f"{seconds:.2f} s")


def _bulk_incidents(engine: Engine, count: int) -> None:
    rng = random.Random(5)
    table = table_of(Incident)
    with engine.begin() as connection:
        start = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
        rows, topics = [], []
        for n in range(count):
            incident_id = start + n
            day = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
            restricted = rng.random() < 0.1
            rows.append(
                {
                    "id": incident_id,
                    "code": format_code(2099, incident_id),
                    "title": f"Bench {rng.choice(['shelling', 'airstrike', 'raid'])} near village {n % 977}",
                    "description": "survivor account" if restricted else "market damaged",
                    "date_start": day,
                    "date_end": day,
                    "latitude": 33 + rng.random() * 4,
                    "longitude": 36 + rng.random() * 6,
                    "sensitivity": Sensitivity.RESTRICTED if restricted else Sensitivity.NORMAL,
                    "releasable_to": ["Protection Cluster"] if rng.random() < 0.33 else [],
                    "previous_codes": [],
                    "place_names": [],
                    "harm_types": [],
                    "details": {},
                }
            )
            topics.append({"incident_id": incident_id, "topic": Topic.CRSV if restricted else Topic.POC})
        bulk_insert(connection, table, rows)
        bulk_insert(connection, table_of(IncidentTopic), topics)


def bench_scopes(engine: Engine, count: int) -> None:
    seconds, _ = timed(lambda: _bulk_incidents(engine, count))
    row(f"bulk-load {count:,} incidents (not audited: bench only)", f"{seconds:.1f} s")
    cases = [
        ("analyst: count + first page", ANALYST, IncidentFilter()),
        ("partner: count + first page (released only)", PARTNER, IncidentFilter()),
        ("analyst: text search 'village 97'", ANALYST, IncidentFilter(text="village 97")),
        (
            "partner: text search 'survivor' (restricted text hidden)",
            PARTNER,
            IncidentFilter(text="survivor"),
        ),
        ("partner: map box", PARTNER, IncidentFilter(bbox=(37.0, 34.0, 39.0, 35.0))),
    ]
    sessions = session_factory(engine)
    for label, principal, filters in cases:
        times = []
        for _ in range(5):
            with sessions() as session:
                start = time.perf_counter()
                _, total = list_incidents(session, principal=principal, filters=filters)
                times.append(time.perf_counter() - start)
        row(f"{label} [{total:,}]", f"{statistics.median(times) * 1000:.0f} ms")


def bench_backup(made: Stores, engine: Engine, folder: Path) -> None:
    file = folder / f"bench-{made.backend}.backup.gz"
    seconds, summary = timed(lambda: backup(engine, file))
    row(f"backup: {summary.total:,} rows", f"{seconds:.2f} s, {file.stat().st_size / 1e6:.1f} MB")
    copy = made.new()
    seconds, _ = timed(lambda: restore(copy, file))
    row("restore into an empty store", f"{seconds:.2f} s")
    with copy.connect() as connection:
        assert verify(connection).ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--incidents", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="civharm-bench-") as name:
        folder = Path(name)
        vault = Vault.create(folder / "keys" / "civharm.key")
        print("passwords")
        bench_passwords()
        for backend in ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]:
            print(f"\n{backend}")
            with stores(backend, folder, vault) as made:
                engine = made.new()
                bench_writes(made, engine, args.writes)
                bench_import(engine)
                bench_verify(engine)
                bench_backup(made, engine, folder)
                bench_scopes(engine, args.incidents)


if __name__ == "__main__":
    main()
