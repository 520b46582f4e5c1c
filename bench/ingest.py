"""Import benchmark: civharm's validated, transactional ACLED import beside DuckDB's read_csv.

    .venv/bin/python bench/ingest.py --rows 1000000
    .venv/bin/python bench/ingest.py --rows 1000000 --postgres-url postgresql://user@127.0.0.1:5432/db

Generates an ACLED-layout file from the real sample (../shared/data), then runs each tool
in its own process and reports wall time, rows per second and the process's peak resident
memory. DuckDB only parses and loads the CSV into an in-memory table (no validation, no
idempotency, no durability), so it is the floor, not a competitor.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from civharm.ingest.synthetic import write_acled_like

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Measurement:
    what: str
    rows: int
    seconds: float
    peak_mib: float

    def row(self) -> str:
        rate = self.rows / self.seconds if self.seconds else float("nan")
        return f"| {self.what} | {self.rows:,} | {self.seconds:.1f} | {rate:,.0f} | {self.peak_mib:,.0f} |"


def _find_sample() -> Path:
    for folder in ROOT.parents:
        candidate = folder / "shared" / "data" / "acled_2022q1_sample.csv"
        if candidate.is_file():
            return candidate
    sys.exit("bench/ingest.py needs ../shared/data/acled_2022q1_sample.csv")


def timed(command: list[str]) -> tuple[float, float, str]:
    """Run ``command``; return (seconds, peak RSS in MiB, stdout). Fails loudly on error."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stdout = process.stdout.read() if process.stdout else ""
    stderr = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed:\n{stderr}")
    return seconds, usage.ru_maxrss / 1024, stdout


def civharm(db_url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "civharm", "--db", db_url, *args]


def run(rows: int, workdir: Path, postgres_url: str | None) -> list[Measurement]:
    data = workdir / f"acled_{rows}.csv"
    if not data.exists():
        print(f"generating {rows:,} ACLED-layout rows in {data} ...", flush=True)
        write_acled_like(_find_sample(), data, rows)
    size_mib = data.stat().st_size / 2**20
    print(f"input: {data} ({size_mib:,.0f} MiB)", flush=True)
    results: list[Measurement] = []

    duckdb_code = (
        "import duckdb, sys; con = duckdb.connect(); con.execute('SET enable_progress_bar = false'); "
        "sql = 'CREATE TABLE t AS SELECT * FROM read_csv(?, header=true, all_varchar=true)'; "
        "con.execute(sql, [sys.argv[1]]); "
        "print(con.execute('SELECT count(*) FROM t').fetchone()[0])"
    )
    seconds, peak, out = timed([sys.executable, "-c", duckdb_code, str(data)])
    results.append(
        Measurement("DuckDB read_csv into memory (no validation)", int(out.strip()), seconds, peak)
    )

    targets = [("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}")]
    if postgres_url:
        targets.append(("PostgreSQL", postgres_url))
    for name, url in targets:
        if name == "SQLite":
            for suffix in ("", "-wal", "-shm"):
                Path(str(workdir / "bench.sqlite3") + suffix).unlink(missing_ok=True)
        subprocess.run(civharm(url, "init"), check=True, capture_output=True)
        seconds, peak, _ = timed(civharm(url, "import", "acled", str(data), "--json"))
        results.append(
            Measurement(f"civharm import into {name} (validated, one transaction)", rows, seconds, peak)
        )
        seconds, peak, _ = timed(civharm(url, "import", "acled", str(data), "--json"))
        results.append(Measurement(f"civharm re-import into {name} (nothing new)", rows, seconds, peak))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "civharm-bench")
    parser.add_argument(
        "--postgres-url", default=None, help="Also import into this (empty) PostgreSQL database."
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = run(args.rows, args.workdir, args.postgres_url)
    print(f"\ncores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}")
    print("| run | rows | seconds | rows/s | peak memory (MiB) |")
    print("|---|---:|---:|---:|---:|")
    for measurement in results:
        print(measurement.row())
    print(
        f"\nload average after: {os.getloadavg()[0]:.2f}; max RSS of this driver: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
