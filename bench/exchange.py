"""Exchange benchmark: exporting to a partner in every format, and receiving the package.

    .venv/bin/python -m bench.exchange [--incidents 3000] [--database-dir DIR]

On a fresh SQLite store: N incidents written through the services (each with two reports,
one casualty record with an encrypted name, an incident count and a report count), a third
released to the partner, one in ten of those restricted. Then, for the partner:

1. collecting what it may see through the policy (the view every format is written from);
2. writing each format (collect + write, as `civharm export` does);
3. importing the package into an empty store, and importing it again (nothing new).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from civharm.casualties.schemas import CasualtyCountCreate, CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty, add_count
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.exchange.imports import import_file
from civharm.exchange.release import export
from civharm.exchange.view import collect
from civharm.exchange.writers import FORMATS
from civharm.incidents.schemas import IncidentCreate
from civharm.incidents.service import create_incident
from civharm.reports.schemas import ReportCreate
from civharm.reports.service import create_report
from civharm.security.principal import SYSTEM
from civharm.security.vault import Vault
from civharm.vocabulary import Outcome, Sensitivity, SourceType, Topic

PARTNER = "Protection Cluster"


def _fill(url: str, incidents: int) -> None:
    rng = random.Random(7)
    with session_factory(create_db_engine(url)).begin() as session:
        for n in range(incidents):
            released = n % 3 == 0
            restricted = released and n % 30 == 0
            day = date(2025, 1, 1) + timedelta(days=n % 365)
            reports = [
                create_report(
                    session,
                    data=ReportCreate(
                        source_type=SourceType.MEDIA,
                        source_name=f"Outlet {k}",
                        original_text=f"Account {n}-{k}: shells hit the market.",
                        date_start=day,
                        latitude=35 + rng.random(),
                        longitude=40 + rng.random(),
                        killed_min=1,
                        killed_max=3,
                        releasable_to=[PARTNER] if released else [],
                    ),
                )
                for k in range(2)
            ]
            incident = create_incident(
                session,
                data=IncidentCreate(
                    title=f"Incident {n}",
                    description="What happened, in detail.",
                    topics=[Topic.CRSV if restricted else Topic.POC],
                    date_start=day,
                    date_end=day,
                    latitude=35 + rng.random(),
                    longitude=40 + rng.random(),
                    killed_min=1,
                    killed_max=3,
                    sensitivity=Sensitivity.RESTRICTED if restricted else Sensitivity.NORMAL,
                    releasable_to=[PARTNER] if released else [],
                ),
                report_ids=[r.id for r in reports],
            )
            add_count(
                session,
                data=CasualtyCountCreate(outcome=Outcome.KILLED, count_min=1, count_max=3),
                incident=incident,
            )
            add_count(
                session,
                data=CasualtyCountCreate(outcome=Outcome.KILLED, count_min=1, count_max=1),
                report=reports[0],
            )
            add_casualty(
                session,
                incident=incident,
                data=CasualtyCreate(names=[PersonName(name=f"Person {n}")], outcome=Outcome.KILLED),
                source_reports=reports[:1],
            )


def _timed(label: str, action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"| {label} | {seconds:.2f} |")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=3000)
    parser.add_argument("--database-dir", type=Path, default=None)
    args = parser.parse_args()
    folder = args.database_dir or Path(tempfile.mkdtemp(prefix="civharm-bench-exchange-"))
    if "CIVHARM_KEY_FILE" not in os.environ:
        Vault.create(folder / "bench.key")
        os.environ["CIVHARM_KEY_FILE"] = str(folder / "bench.key")
    sender, receiver = f"sqlite:///{folder / 'sender.sqlite3'}", f"sqlite:///{folder / 'receiver.sqlite3'}"
    for url in (sender, receiver):
        upgrade_schema(create_db_engine(url))
    print(f"uptime: {os.getloadavg()}")
    print("| step | seconds |\n|---|---|")
    _timed(
        f"write {args.incidents:,} incidents (x2 reports, 1 casualty, 2 counts) through the services",
        lambda: _fill(sender, args.incidents),
    )
    sessions = session_factory(create_db_engine(sender))
    with sessions() as session:
        view = collect(session, organisation=PARTNER)
        print(f"| (the partner's view: {view.record_counts()}) | |")
        _timed(
            "collect the partner's view through the policy", lambda: collect(session, organisation=PARTNER)
        )
        for fmt in FORMATS:
            output = folder / f"export.{fmt}"
            _timed(
                f"export {fmt}",
                lambda fmt=fmt, output=output: export(
                    session, fmt=fmt, organisation=PARTNER, output=output, actor=SYSTEM
                ),
            )
            print(f"|   {fmt} file size | {output.stat().st_size / 1e6:.2f} MB |")
        session.rollback()
    target = create_db_engine(receiver)
    _timed(
        "import the package into an empty store",
        lambda: import_file(target, "package", folder / "export.package", actor="bench"),
    )
    _timed(
        "import the same package again (nothing new)",
        lambda: import_file(target, "package", folder / "export.package", actor="bench"),
    )


if __name__ == "__main__":
    main()
