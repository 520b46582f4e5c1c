"""Import benchmark: civharm's validated, transactional ACLED import beside DuckDB's read_csv.

    .venv/bin/python bench/ingest.py --rows 1000000
    .venv/bin/python bench/ingest.py --rows 1000000 --postgres-url postgresql://user@127.0.0.1:5432/db

Generates an ACLED-layout file from the real sample (../shared/data), then runs each tool
in its own process and reports wall time, rows per second, CPU time and peak memory. An
import parses in worker processes, so memory is measured over the whole process tree: the
largest resident set of any one process (``wait4``'s rusage, which covers the children each
process waited for) and the peak of the tree's summed resident sets, sampled every 50 ms.
CPU time (user + system, the tree's) shows the work done whatever else the machine runs.
DuckDB only parses and loads the CSV into an in-memory table (no validation, no idempotency,
no durability), so it is the floor, not a competitor.
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
    run: Run

    def row(self) -> str:
        run = self.run
        rate = self.rows / run.seconds if run.seconds else float("nan")
        return (
            f"| {self.what} | {self.rows:,} | {run.seconds:.1f} | {rate:,.0f} | {run.cpu_seconds:.1f} "
            f"| {run.tree_peak_mib:,.0f} | {run.process_peak_mib:,.0f} |"
        )


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    #: The largest resident set of one process of the tree, and the tree's summed peak.
    process_peak_mib: float
    tree_peak_mib: float
    stdout: str


def _find_sample() -> Path:
    for folder in ROOT.parents:
        candidate = folder / "shared" / "data" / "acled_2022q1_sample.csv"
        if candidate.is_file():
            return candidate
    sys.exit("bench/ingest.py needs ../shared/data/acled_2022q1_sample.csv")


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from Linux's /proc."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found.extend(_tree(int(child)))
    return found


def _resident_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def timed(command: list[str]) -> Run:
    """Run ``command`` with its output in temporary files; fails loudly on error."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        tree_peak = 0.0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            tree_peak = max(tree_peak, sum(_resident_mib(p) for p in _tree(process.pid)))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{err.read()}")
        # wait4's rusage covers the process and every descendant it waited for: ru_maxrss is
        # the largest of them, the times are their sum.
        process_peak = usage.ru_maxrss / 1024
        return Run(
            seconds, usage.ru_utime + usage.ru_stime, process_peak, max(tree_peak, process_peak), out.read()
        )


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
    duck = timed([sys.executable, "-c", duckdb_code, str(data)])
    results.append(Measurement("DuckDB read_csv into memory (no validation)", int(duck.stdout.strip()), duck))

    targets = [("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}")]
    if postgres_url:
        targets.append(("PostgreSQL", postgres_url))
    for name, url in targets:
        if name == "SQLite":
            for suffix in ("", "-wal", "-shm"):
                Path(str(workdir / "bench.sqlite3") + suffix).unlink(missing_ok=True)
        subprocess.run(civharm(url, "init"), check=True, capture_output=True)
        first = timed(civharm(url, "import", "acled", str(data), "--json"))
        results.append(Measurement(f"civharm import into {name} (validated, one transaction)", rows, first))
        again = timed(civharm(url, "import", "acled", str(data), "--json"))
        results.append(Measurement(f"civharm re-import into {name} (nothing new)", rows, again))
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
    before = os.getloadavg()
    results = run(args.rows, args.workdir, args.postgres_url)
    after = os.getloadavg()
    print(
        f"\ncores: {os.cpu_count()}, load average (1, 5, 15 min) before: {_load(before)}, "
        f"after: {_load(after)}"
    )
    print(
        "| run | rows | seconds | rows/s | CPU s | peak memory, process tree (MiB) "
        "| peak memory, largest process (MiB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for measurement in results:
        print(measurement.row())
    print(f"\nmax RSS of this driver: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def _load(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


if __name__ == "__main__":
    main()
