"""Benchmark: score every PRIO-GRID cell for 36 months on civharm's default framework.

    .venv/bin/python -m bench.areas                 # 259,200 cells x 36 months
    .venv/bin/python -m bench.areas --cells 10000   # a quicker run

Each cell-month is one unit (9,331,200 units), with a value for each of the default
framework's 34 indicators (synthetic, 5% missing), scored through all 15 inner nodes;
bounds come from all units together, as when a whole panel is scored at once. A second
step picks each area's latest year from the long format (``area_id, indicator, value,
year``) for every cell, three years of each indicator, the path ``civharm areas score``
takes.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import pandas as pd

from civharm.areas.framework import Transform, load_framework
from civharm.areas.indicators import latest_values
from civharm.areas.scoring import classify, score_units


def synthetic_values(names: list[str], log_names: set[str], units: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    values: dict[str, np.ndarray] = {}
    for name in names:
        raw = rng.random(units, dtype=np.float32) * 100
        if name in log_names:
            raw = rng.exponential(20.0, units).astype(np.float32)
        raw[rng.random(units, dtype=np.float32) < 0.05] = np.nan
        values[name] = raw
    return values


def long_format(names: list[str], cells: int, years: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    count = cells * len(names) * years
    codes = np.arange(1, cells + 1).astype(str)
    return pd.DataFrame(
        {
            "area_id": np.repeat(codes, len(names) * years),
            "indicator": np.tile(np.repeat(np.array(names, dtype=object), years), cells),
            "value": rng.random(count) * 100,
            "year": np.tile(np.arange(2022, 2022 + years), cells * len(names)),
        }
    )


def timed(label: str, rows: list[tuple[str, int, float, float]], units: int, step: object) -> object:
    """Run ``step``, recording wall-clock and CPU seconds (CPU time shows what a busy machine hides)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = step() if callable(step) else None
    rows.append((label, units, time.perf_counter() - start, time.process_time() - cpu))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=259_200)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--years", type=int, default=3, help="years per indicator in the long-format step")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="threads scoring chunks of units")
    args = parser.parse_args()

    framework = load_framework()
    names = framework.used_indicators()
    log_names = {n for n, s in framework.indicators.items() if s.transform is Transform.LOG}
    units = args.cells * args.months
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    print(
        f"{args.cells:,} cells x {args.months} months = {units:,} units; {len(names)} indicators, "
        f"{len(framework.nodes)} inner nodes"
    )
    values = synthetic_values(names, log_names, units, args.seed)
    rows: list[tuple[str, int, float, float]] = []
    result = timed(
        f"score all nodes (float32, {args.workers} threads)",
        rows,
        units,
        lambda: score_units(framework, values, out_dtype=np.float32, workers=args.workers),
    )
    root = result.scores[framework.root]  # type: ignore[attr-defined]
    timed("classify root into five classes", rows, units, lambda: classify(root, framework.classes))
    result = None  # free the scores before the next step
    values.clear()
    frame = long_format(names, args.cells, args.years, args.seed)
    timed(
        f"latest year from long format ({len(frame):,} rows)",
        rows,
        args.cells,
        lambda: latest_values(frame, framework),
    )
    total = sum(row[2] for row in rows)
    total_cpu = sum(row[3] for row in rows)
    print(f"\n{'step':<52} {'units':>12} {'wall s':>8} {'CPU s':>8} {'units/s':>14}")
    for label, count, seconds, cpu in rows:
        print(f"{label:<52} {count:>12,} {seconds:>8.2f} {cpu:>8.2f} {count / seconds:>14,.0f}")
    print(f"{'total':<52} {'':>12} {total:>8.2f} {total_cpu:>8.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak memory: {peak:.1f} GiB")


if __name__ == "__main__":
    main()
