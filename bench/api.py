"""Web API benchmark: 100,000 incidents in SQLite, latency of list/filter/detail and mixed-read load.

    .venv/bin/python -m bench.api [--incidents 100000] [--duration 60] [--connections 50] [--workers 2]

1. Builds (once, then reuses) ``var/bench/api-<N>-v2.sqlite3`` with N incidents, one to three
   reports each, topics, states and casualty ranges spread like the demo; 5 % of incidents
   are restricted and 30 % released to a synthetic partner organisation. Two users, an analyst
   and a partner, get a password (key file in ``var/bench/keys``).
2. Starts ``civharm serve --workers W`` on a free loopback port, with the security layer as
   deployed: every request's session cookie is resolved, every answer goes through the policy.
3. Signs both users in through the real sign-in page.
4. Latency: one client, requests in turn, for each endpoint; prints p50/p95/p99 in ms (as the
   analyst, and the list and detail as the partner).
5. Load: ``wrk`` (Debian) with C connections for D seconds over a mix of list, filtered list,
   detail, map and report reads as the analyst; prints requests/s, latency and errors.
   Loopback only.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select

from civharm.db.base import table_of
from civharm.db.bulk import bulk_insert
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import refresh_statistics, upgrade_schema
from civharm.incidents.codes import format_code
from civharm.incidents.models import Incident, IncidentTopic
from civharm.reports.models import Report
from civharm.security.models import User
from civharm.security.principal import Role
from civharm.security.users import create_user
from civharm.security.vault import Vault
from civharm.vocabulary import Cause, Determination, Grading, IncidentStatus, SourceType, Topic

ROOT = Path(__file__).resolve().parents[1]
PARTNER = "Bench Partner (synthetic)"
#: The benchmark's own store and accounts only; never a real store.
PASSWORD = "bench-password-not-secret"
USERS = (("bench-analyst", Role.ANALYST, None), ("bench-partner", Role.PARTNER, PARTNER))
KEY_FILE = ROOT / "var" / "bench" / "keys" / "civharm.key"
AREAS = [
    ("SYR", "Deir ez-Zor", 35.33, 40.14),
    ("SYR", "Ar-Raqqah", 35.95, 39.01),
    ("SYR", "Al-Hasakah", 36.50, 40.75),
    ("SYR", "Homs", 34.73, 36.71),
    ("IRQ", "Al Anbar", 34.37, 41.98),
    ("IRQ", "Nineveh", 36.34, 43.13),
]
PLACES = [
    "Al Mayadin",
    "Hajin",
    "Al Bukamal",
    "Ar Raqqah",
    "Tabqa",
    "Anah",
    "Rawah",
    "Al Qaim",
    "Tadmur",
    "Shaddadi",
]
WHAT = [
    "Airstrike hits homes in",
    "Shelling of the market in",
    "School struck in",
    "Looting near",
    "Checkpoint abuse near",
]


def build_store(path: Path, incidents: int, seed: int = 11) -> None:
    """Write ``incidents`` incidents with topics and reports through the bulk path."""
    rng = random.Random(seed)
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    start = date(2024, 1, 1)
    statuses, gradings = list(IncidentStatus), list(Grading)
    determinations, topics, causes = list(Determination), list(Topic), list(Cause)
    sources = [s for s in SourceType if s != SourceType.DATASET]
    with engine.begin() as connection:
        for first in range(1, incidents + 1, 10_000):
            rows, topic_rows, report_rows = [], [], []
            for number in range(first, min(first + 10_000, incidents + 1)):
                country, admin1, lat, lon = rng.choice(AREAS)
                place = rng.choice(PLACES)
                day = start + timedelta(days=rng.randint(0, 729))
                killed = rng.choice([0, 0, 1, 2, 3, 5, 8, 13])
                restricted = rng.random() < 0.05
                released = [PARTNER] if rng.random() < 0.3 else []
                rows.append(
                    {
                        "id": number,
                        "code": format_code(day.year, number),
                        "previous_codes": [],
                        "title": f"{rng.choice(WHAT)} {place}",
                        "description": f"Synthetic benchmark incident {number} near {place}.",
                        "date_start": day,
                        "date_end": day,
                        "date_precision": "day",
                        "latitude": round(lat + rng.uniform(-0.6, 0.6), 5),
                        "longitude": round(lon + rng.uniform(-0.6, 0.6), 5),
                        "location_precision": "settlement",
                        "place_name": place,
                        "place_names": [],
                        "admin1": admin1,
                        "country_iso3": country,
                        "harm_types": ["death"] if killed else [],
                        "cause": rng.choice(causes).value,
                        "status": rng.choice(statuses).value,
                        "grading": rng.choice(gradings).value,
                        "determination": rng.choice(determinations).value,
                        "killed_min": killed,
                        "killed_max": killed + rng.choice([0, 0, 1, 2]),
                        "injured_min": 0,
                        "injured_max": rng.choice([0, 1, 4]),
                        "sensitivity": "restricted" if restricted else "normal",
                        "releasable_to": released,
                        "details": {},
                        "created_by": "bench",
                        "version": 1,
                    }
                )
                for topic in rng.sample(topics, rng.choice([1, 1, 1, 2])):
                    topic_rows.append({"incident_id": number, "topic": topic.value})
                for k in range(rng.choice([1, 2, 3])):
                    source = rng.choice(sources)
                    report_rows.append(
                        {
                            "id": number * 3 + k,
                            "source_system": "bench",
                            "source_key": f"{number}-{k}",
                            "source_type": source.value,
                            "source_name": "Benchmark source",
                            "original_text": f"Account {k} of incident {number}.",
                            "date_start": day,
                            "date_precision": "day",
                            "latitude": rows[-1]["latitude"],
                            "longitude": rows[-1]["longitude"],
                            "location_precision": "settlement",
                            "place_name": place,
                            "country_iso3": country,
                            "killed_min": killed,
                            "killed_max": killed,
                            "cause": "unknown",
                            "reliability": "unknown",
                            "topics": [],
                            "raw_record": {},
                            "incident_id": number,
                            "sensitivity": "restricted" if restricted else "normal",
                            "releasable_to": released if source is not SourceType.OWN_FORCE else [],
                        }
                    )
            bulk_insert(connection, table_of(Incident), rows)
            bulk_insert(connection, table_of(IncidentTopic), topic_rows)
            bulk_insert(connection, table_of(Report), report_rows)
    refresh_statistics(engine)  # as `civharm init` does
    engine.dispose()


def ensure_users(path: Path) -> None:
    """The analyst and the partner the benchmark signs in as, with :data:`PASSWORD`."""
    engine = create_db_engine(f"sqlite:///{path}")
    with session_factory(engine).begin() as session:
        for username, role, organisation in USERS:
            if session.scalar(select(User.id).where(User.username == username)) is None:
                create_user(
                    session,
                    username=username,
                    role=role,
                    organisation=organisation,
                    password=PASSWORD,
                    actor="bench",
                )
    engine.dispose()


def ensure_store(incidents: int) -> Path:
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"api-{incidents}-v2.sqlite3"
    if path.exists():
        engine = create_db_engine(f"sqlite:///{path}")
        upgrade_schema(engine)
        with engine.connect() as connection:
            have = connection.execute(select(func.count()).select_from(table_of(Incident))).scalar_one()
        engine.dispose()
        if have == incidents:
            refresh_statistics(create_db_engine(f"sqlite:///{path}"))
            ensure_users(path)
            return path
        path.unlink()
    began = time.perf_counter()
    build_store(path, incidents)
    ensure_users(path)
    print(f"built {path.name} with {incidents:,} incidents in {time.perf_counter() - began:.0f} s")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    store: Path, port: int, workers: int, data_dir: Path, cache: bool
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CIVHARM_DATA_DIR": str(data_dir),
        "CIVHARM_WEB_CACHE_ENTRIES": "2048" if cache else "0",
        # Plain http on the loopback address: the session cookie cannot be Secure.
        "CIVHARM_COOKIE_SECURE": "false",
    }
    command = [
        sys.executable, "-m", "civharm", "--db", f"sqlite:///{store}", "serve",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def sign_in(base: str, username: str) -> str:
    """Sign in through the real sign-in page; the session cookie as a ``Cookie`` header value."""
    response = httpx.post(f"{base}/login", data={"username": username, "password": PASSWORD, "next": "/"})
    cookie = response.history[0].cookies.get("civharm_session") if response.history else None
    cookie = cookie or response.cookies.get("civharm_session")
    if not cookie:
        raise RuntimeError(f"could not sign in to the benchmark server as {username}")
    return f"civharm_session={cookie}"


def partner_endpoints(released: list[str]) -> dict[str, list[str]]:
    """What the partner reads: their list (the policy's scope on every query) and released dossiers."""
    return {
        "partner: list (newest first)": [f"/api/v1/incidents?page={p}" for p in (1, 2, 3, 10, 100)],
        "partner: list, topic + status": [
            f"/api/v1/incidents?topic={t}&status={s}"
            for t in ("poc", "crsv")
            for s in ("assessed", "received")
        ],
        "partner: detail (released)": [f"/api/v1/incidents/{code}" for code in released[:50]],
    }


def endpoints(codes: list[str], report_ids: list[int]) -> dict[str, list[str]]:
    """Paths per endpoint family; several variants each, so caches do not flatter the figures."""
    rng = random.Random(3)
    return {
        "list (newest first)": [f"/api/v1/incidents?page={p}" for p in (1, 2, 3, 10, 100)],
        "list, topic + status": [
            f"/api/v1/incidents?topic={t}&status={s}"
            for t in ("poc", "crsv", "cpp")
            for s in ("assessed", "received")
        ],
        "list, date range + area": [
            f"/api/v1/incidents?date_from=2025-0{m}-01&date_to=2025-0{m}-28&admin1=Deir%20ez-Zor"
            for m in range(1, 10)
        ],
        "list, grading + determination, by killed": [
            f"/api/v1/incidents?grading={g}&determination=credible&sort=-killed"
            for g in ("fair", "weak", "confirmed")
        ],
        "list, source type": [
            f"/api/v1/incidents?source_type={s}" for s in ("ngo", "un", "own_force_report")
        ],
        "list, text search": [
            f"/api/v1/incidents?q={w}" for w in ("market", "Hajin", "school", "CH-2025-00001")
        ],
        "detail": [f"/api/v1/incidents/{code}" for code in rng.sample(codes, 50)],
        "report": [f"/api/v1/reports/{report_id}" for report_id in report_ids],
        "map points (1,000)": [
            "/api/v1/geo/incidents?topic=poc&limit=1000",
            "/api/v1/geo/incidents?admin1=Homs&limit=1000",
        ],
    }


def latency(base: str, cookie: str, paths: list[str], rounds: int) -> list[float]:
    """Each request made unique (an ignored ``nocache`` parameter), so the answer cache never serves it."""
    timings = []
    with httpx.Client(base_url=base, headers={"Cookie": cookie}, timeout=30) as client:
        for path in paths[:3]:
            client.get(path)  # warm the worker's caches and connection pool
        for i in range(rounds):
            path = paths[i % len(paths)]
            path += ("&" if "?" in path else "?") + f"nocache={i}"
            began = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - began) * 1000)
            if response.status_code not in (200, 404):
                raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:200]}")
    return timings


def warm(base: str, cookie: str, paths: list[str], rounds: int) -> None:
    """Ask for every path of the mix a few times, so each worker has answered it once (steady state)."""
    with httpx.Client(base_url=base, headers={"Cookie": cookie}, timeout=60) as client:
        for _ in range(rounds):
            for path in paths:
                client.get(path)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


WRK_SCRIPT = """
local paths = {%s}
local cookie = "%s"
math.randomseed(7)
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Cookie"] = cookie})
end
done = function(summary, latency, requests)
  io.write(string.format("WRK %%d %%d %%d %%d %%d %%d %%.1f %%.1f %%.1f\\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def load(base: str, cookie: str, paths: list[str], connections: int, duration: int) -> dict[str, float]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed; `scripts/setup --test` installs it from Debian")
    quoted = ", ".join(f'"{p}"' for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (quoted, cookie))
    command = [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", script.name, base]
    output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60).stdout
    Path(script.name).unlink()
    line = next(row for row in output.splitlines() if row.startswith("WRK "))
    requests, connect, read, write, status, timeout, p50, p95, p99 = (float(v) for v in line.split()[1:])
    return {
        "requests": requests, "rps": requests / duration, "errors": connect + read + write + status + timeout,
        "p50": p50, "p95": p95, "p99": p99,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=200, help="Requests per endpoint in the latency phase.")
    parser.add_argument(
        "--no-cache", action="store_true", help="Turn the answer cache off for the load phase too."
    )
    args = parser.parse_args(argv)
    Vault.ensure(KEY_FILE)
    os.environ["CIVHARM_KEY_FILE"] = str(KEY_FILE)  # for this process's writes and the server's
    store = ensure_store(args.incidents)
    engine = create_db_engine(f"sqlite:///{store}")
    with engine.connect() as connection:
        codes = list(connection.execute(select(Incident.code).order_by(func.random()).limit(500)).scalars())
        shared = select(Incident.code).where(Incident.releasable_to.like(f'%"{PARTNER}"%'))
        released = list(connection.execute(shared.order_by(func.random()).limit(50)).scalars())
        report_ids = list(connection.execute(select(Report.id).order_by(func.random()).limit(20)).scalars())
    engine.dispose()
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="civharm-bench-"))
    server = start_server(store, port, args.workers, data_dir, cache=not args.no_cache)
    base = f"http://127.0.0.1:{port}"
    try:
        cookie, partner = sign_in(base, "bench-analyst"), sign_in(base, "bench-partner")
        families = endpoints(codes, report_ids)
        print(
            f"\nLatency, one client, {args.rounds} requests per endpoint, {args.incidents:,} incidents (ms)"
        )
        print(f"{'endpoint':<44}{'p50':>8}{'p95':>8}{'p99':>8}")
        readers = [(cookie, families), (partner, partner_endpoints(released))]
        for reader, name, paths in [(c, n, p) for c, fams in readers for n, p in fams.items()]:
            timings = latency(base, reader, paths, args.rounds)
            p50, p95, p99 = statistics.median(timings), percentile(timings, 95), percentile(timings, 99)
            print(f"{name:<44}{p50:>8.1f}{p95:>8.1f}{p99:>8.1f}")
        mixed = [p for paths in families.values() for p in paths]
        if not args.no_cache:
            warm(base, cookie, mixed, rounds=2 * args.workers)
        print(
            f"\nMixed reads: wrk, {args.connections} connections, {args.duration} s, {args.workers} workers"
        )
        result = load(base, cookie, mixed, args.connections, args.duration)
        print(f"{'requests':<20}{result['requests']:>12,.0f}")
        print(f"{'requests/s':<20}{result['rps']:>12,.1f}")
        print(f"{'errors':<20}{result['errors']:>12,.0f}")
        print(
            f"{'latency p50/p95/p99':<20}{result['p50']:>6.1f} / {result['p95']:.1f} / {result['p99']:.1f} ms"
        )
        print(f"\nload average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
