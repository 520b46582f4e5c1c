"""Linkage benchmark: quality against the truth for civharm and two baselines, then scale.

    .venv/bin/python -m bench.linkage                       # quality: 2017 events, seed 2 (held out)
    .venv/bin/python -m bench.linkage --year 2016 --seed 1 --errors   # error analysis on the tuning set
    .venv/bin/python -m bench.linkage --copies 38 --duckdb-memory 3GB # ≈1,000,000 reports: time, memory
    .venv/bin/python -m bench.linkage --incremental 1000000 # candidates_for p50 against a store

Parameters and thresholds were tuned on 2016 events with seed 1; the default run evaluates
on 2017 events with seed 2, a report set the engine has never seen.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path
from typing import Any

from civharm.linkage.baselines import window_match
from civharm.linkage.engine import DUCKDB_MEMORY, link_records
from civharm.linkage.evaluation import bcubed, pairwise
from civharm.linkage.generator import generate, generate_copies, read_events
from civharm.linkage.records import LinkRecord


def _ucdp() -> Path:
    """The real UCDP file in the nearest ``shared/data`` above the checkout."""
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "data" / "ucdp_ged_syria_2016_2017.csv"
        if candidate.is_file():
            return candidate
    raise SystemExit("shared/data/ucdp_ged_syria_2016_2017.csv not found above this checkout")


UCDP = _ucdp()


def _row(name: str, labels: list[int] | list[str], truth: list[str], seconds: float) -> str:
    b, p = bcubed(labels, truth), pairwise(labels, truth)
    return (
        f"| {name} | {b.precision:.3f} | {b.recall:.3f} | {b.f1:.3f} | {p.precision:.3f} | {p.recall:.3f} "
        f"| {p.f1:.3f} | {seconds:.1f} |"
    )


def generic_splink(records: list[LinkRecord]) -> list[int]:
    """Splink as a newcomer would configure it: stock comparisons, connected components at 0.5."""
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on

    from civharm.linkage.engine import duckdb_api
    from civharm.linkage.features import feature_frame

    frame = feature_frame(records)[["rid", "day", "lat", "lon", "place_key", "killed_hi", "source"]]
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="rid",
        blocking_rules_to_generate_predictions=[block_on("day"), block_on("place_key")],
        comparisons=[
            cl.DistanceInKMAtThresholds("lat", "lon", [1, 5, 25]),
            cl.ExactMatch("day"),
            cl.JaroWinklerAtThresholds("place_key"),
            cl.ExactMatch("killed_hi"),
            cl.ExactMatch("source"),
        ],
    )
    linker = Linker(frame, settings, db_api=duckdb_api())
    linker.training.estimate_u_using_random_sampling(max_pairs=200_000, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("day"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("place_key"))
    pairs = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, 0.5).as_pandas_dataframe()
    label = dict(zip(clusters["rid"], clusters["cluster_id"], strict=True))
    return [int(label.get(i, -1 - i)) for i in range(len(records))]


def naive_rows(records: list[LinkRecord], truth: list[str]) -> None:
    """The naive window matcher's best B-cubed and best pairwise settings of a K km by D days sweep."""
    sweep = []
    for km in (1, 2, 5, 10, 25):
        for days in (0, 1, 2, 3):
            start = time.perf_counter()
            labels = window_match(records, km=km, days=days)
            sweep.append((km, days, labels, time.perf_counter() - start))
    by_bcubed = max(sweep, key=lambda s: bcubed(s[2], truth).f1)
    by_pairs = max(sweep, key=lambda s: pairwise(s[2], truth).f1)
    for label, (km, days, labels, seconds) in (("B³", by_bcubed), ("pairwise", by_pairs)):
        print(_row(f"naive window, best {label} F1 of sweep ({km} km, {days} d)", labels, truth, seconds))


def quality(year: int, seed: int, *, naive_only: bool = False) -> None:
    events = read_events(UCDP, years=(year,))
    records, truth = generate(events, seed=seed)
    print(f"{len(records):,} reports of {len(set(truth)):,} real UCDP events ({year}, seed {seed})\n")
    print("| matcher | B³ P | B³ R | B³ F1 | pair P | pair R | pair F1 | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    if naive_only:
        naive_rows(records, truth)
        return
    start = time.perf_counter()
    result = link_records(records)
    print(
        _row(
            "civharm (EM-trained Fellegi–Sunter, coherent clustering)",
            result.labels.tolist(),
            truth,
            time.perf_counter() - start,
        )
    )
    naive_rows(records, truth)
    start = time.perf_counter()
    print(
        _row(
            "generic Splink (stock comparisons, connected components)",
            generic_splink(records),
            truth,
            time.perf_counter() - start,
        )
    )


def errors(year: int, seed: int) -> None:
    """Where civharm goes wrong on one set: false merges and missed links by level, and the ceilings."""
    import numpy as np
    import pandas as pd

    from civharm.linkage import engine
    from civharm.linkage.comparisons import comparisons
    from civharm.linkage.features import feature_frame
    from civharm.linkage.generator import truths

    events = read_events(UCDP, years=(year,))
    records, truth = generate(events, seed=seed)
    frame = feature_frame(records)
    result = engine.link_frame(frame)
    levels = engine.candidate_levels(frame, result.params)
    code = pd.factorize(np.array(truth))[0]
    left, right = levels["rid_l"].to_numpy(), levels["rid_r"].to_numpy()
    same = code[left] == code[right]
    together = result.labels[left] == result.labels[right]
    weight = engine.level_weights(result.params, levels)
    true_pairs = sum(n * (n - 1) // 2 for n in np.bincount(code))
    print(f"{len(records):,} reports; true pairs {true_pairs:,}, {same.sum():,} of them candidates")
    groups = {
        "missed links (one event, apart)": same & ~together,
        "false merges (two events, together)": ~same & together,
        "all true candidate pairs": same,
        "all other candidate pairs": ~same,
    }
    for name, mask in groups.items():
        days = np.abs(frame["day"].to_numpy(float)[left[mask]] - frame["day"].to_numpy(float)[right[mask]])
        key = frame["place_key"].to_numpy()
        print(
            f"\n{name}: {mask.sum():,} pairs; "
            f"weight quartiles {np.quantile(weight[mask], [0.25, 0.5, 0.75]).round(1)}"
        )
        print(
            f"  same place name {np.mean(key[left[mask]] == key[right[mask]]):.2f}; days apart 0/1/2/3+: "
            + "/".join(f"{np.mean(np.minimum(days, 3) == d):.2f}" for d in range(4))
        )
        for c in comparisons():
            share = np.bincount(levels[f"lv_{c.name}"].to_numpy()[mask], minlength=len(c.levels)) / max(
                mask.sum(), 1
            )
            print(
                f"  {c.name:9s} "
                + "; ".join(f"{lv.label} {v:.2f}" for lv, v in zip(c.levels, share, strict=True) if v >= 0.01)
            )
    oracle = params_from_labels(levels, same)
    for threshold in (-2.0, -1.0, 0.0):
        pairs = engine.score(levels, oracle)
        labels, _, _ = engine.cluster_pairs(len(frame), pairs, threshold=threshold)
        b, p = bcubed(labels.tolist(), truth), pairwise(labels.tolist(), truth)
        print(
            f"\nm and u from the labels, threshold {threshold:+.0f}: B³ F1 {b.f1:.3f}, pairwise F1 {p.f1:.3f}"
        )
    hidden = pd.DataFrame(
        [(k, t.day, t.event.latitude, t.event.longitude, t.killed, t.weapon, t.target, t.time_of_day)
         for k, t in truths(events, seed=seed).items()],
        columns=["key", "day", "lat", "lon", "killed", "weapon", "target", "tod"],
    )  # fmt: skip
    for keys in (
        ["day", "lat", "lon"],
        ["day", "lat", "lon", "killed"],
        ["day", "lat", "lon", "killed", "weapon", "target", "tod"],
    ):
        group = dict(zip(hidden["key"], hidden.groupby(keys).ngroup(), strict=True))
        shared = int((hidden.groupby(keys)["key"].transform("size") > 1).sum())
        merged = [group[t] for t in truth]
        print(
            f"events sharing {'+'.join(keys)}: {shared:,}; if merged: B³ F1 "
            f"{bcubed(merged, truth).f1:.3f}, pairwise {pairwise(merged, truth).f1:.3f}"
        )


def params_from_labels(levels: Any, same: Any) -> Any:
    """The model's parameters counted from the truth (an upper bound for EM with these comparisons)."""
    import numpy as np

    from civharm.linkage.comparisons import comparisons
    from civharm.linkage.model import ModelParams

    params = ModelParams(prior=float(same.mean()), levels={})
    for c in comparisons():
        size, column = len(c.levels), levels[f"lv_{c.name}"].to_numpy()
        m, u = (np.bincount(column[mask], minlength=size).astype(float) for mask in (same, ~same))
        m[0] = u[0] = 0.0
        m, u = (m + 0.5) / (m.sum() + 0.5 * (size - 1)), (u + 0.5) / (u.sum() + 0.5 * (size - 1))
        params.levels[c.name] = [(1.0, 1.0)] + [(float(m[i]), float(u[i])) for i in range(1, size)]
    return params


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def scale(copies: int, seed: int, *, duckdb_memory: str | None = None) -> None:
    """Time each stage of :func:`~civharm.linkage.engine.link_frame` on replicated events."""
    duckdb_memory = duckdb_memory or DUCKDB_MEMORY
    import pandas as pd

    from civharm.linkage import engine
    from civharm.linkage.features import feature_frame
    from civharm.linkage.model import ModelParams

    events = read_events(UCDP)
    stages: list[tuple[str, float, float]] = []
    # One copy at a time: its reports become feature rows and are dropped (never a million objects).
    generating = featuring = 0.0
    frames, truth = [], []
    tick = time.perf_counter()
    for records, keys in generate_copies(events, seed=seed, copies=copies):
        generating += time.perf_counter() - tick
        tick = time.perf_counter()
        frames.append(feature_frame(records, first_rid=len(truth)))
        truth += keys
        featuring += time.perf_counter() - tick
        tick = time.perf_counter()
    del records
    tick = time.perf_counter()
    frame = pd.concat(frames, ignore_index=True)
    del frames
    featuring += time.perf_counter() - tick
    print(f"generated {len(truth):,} reports in {generating:.0f} s (not counted)")
    stages.append(("features (Python, one copy at a time)", featuring, _peak_gib()))
    total = time.perf_counter() - featuring

    def stage(name: str, tick: float) -> None:
        stages.append((name, time.perf_counter() - tick, _peak_gib()))

    tick = time.perf_counter()
    params = engine.train_m(engine.training_sample(frame), start=ModelParams.starting())
    stage(f"EM for m (three Splink sessions, ≤{engine.MAX_TRAIN_REPORTS:,} reports)", tick)
    tick = time.perf_counter()
    levels = engine.candidate_levels(frame, params, db_api=engine.duckdb_api(memory_limit=duckdb_memory))
    stage(f"blocking and comparisons ({len(levels):,} candidate pairs, DuckDB)", tick)
    tick = time.perf_counter()
    params = engine.calibrate(params, levels)
    stage("u and prior among candidates", tick)
    tick = time.perf_counter()
    params = engine.self_train(frame, levels, params)
    stage(
        f"m from own incidents ({engine.REFINE_ROUNDS} rounds, ≤{engine.MAX_TRAIN_REPORTS:,} reports)",
        tick,
    )
    tick = time.perf_counter()
    pairs = engine.score(levels, params)
    stage(f"scores ({len(pairs):,} pairs kept)", tick)
    tick = time.perf_counter()
    labels, _, _ = engine.cluster_pairs(len(frame), pairs)
    stage("clustering", tick)
    seconds = time.perf_counter() - total
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(
        f"DuckDB memory limit {duckdb_memory}\n\n| stage | seconds | peak RSS so far (GiB) |\n|---|---|---|"
    )
    for name, spent, peak_so_far in stages:
        print(f"| {name} | {spent:.1f} | {peak_so_far:.2f} |")
    b, p = bcubed(labels.tolist(), truth), pairwise(labels.tolist(), truth)
    print(
        f"\n{len(truth):,} reports → {len(set(labels.tolist())):,} incidents in {seconds:.0f} s; "
        f"peak RSS {peak:.2f} GiB; B³ F1 {b.f1:.3f}, pairwise F1 {p.f1:.3f}"
    )


def _full_rows(table: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from civharm.db.bulk import column_default

    blank = {c.name: column_default(c) for c in table.c if c.name != "id"}
    return [{**blank, **row} for row in rows]


#: Who asks in the incremental run: the whole store, a cell member not cleared, a partner.
BENCH_ORG = "Bench NGO"


def _bench_principals() -> list[tuple[str, Any]]:
    from civharm.security.principal import SYSTEM, Principal, Role

    return [
        ("admin (sees everything)", SYSTEM),
        ("analyst, not cleared", Principal(username="bench-analyst", role=Role.ANALYST)),
        ("partner", Principal(username="bench-partner", role=Role.PARTNER, organisation=BENCH_ORG)),
    ]


def _marking(n: int) -> dict[str, Any]:
    """Every tenth incident restricted; every other one released to the bench partner."""
    return {
        "sensitivity": "restricted" if n % 10 == 0 else "normal",
        "releasable_to": [BENCH_ORG] if n % 2 else [],
    }


def incremental(size: int, seed: int, probes: int = 200) -> None:
    """p50/p95 of ``candidates_for`` for new reports against a SQLite store of ``size`` linked reports.

    Incidents carry their first report's place (as linking gives them); markings vary so that
    each principal in :func:`_bench_principals` sees a different part of the store.
    """
    import statistics
    import tempfile

    from civharm.db.base import table_of
    from civharm.db.bulk import bulk_insert
    from civharm.db.engine import create_db_engine, session_factory
    from civharm.db.schema import upgrade_schema
    from civharm.incidents.models import Incident
    from civharm.linkage.candidates import candidates_for
    from civharm.reports.models import Report

    events = read_events(UCDP)
    per_copy = len(generate(events, seed=seed)[0])
    records, truth = generate(events, seed=seed, copies=-(-size // per_copy), limit=size)
    folder = tempfile.mkdtemp(prefix="civharm-linkage-")
    engine = create_db_engine(f"sqlite:///{folder}/store.db")
    upgrade_schema(engine)
    start = time.perf_counter()
    codes = {key: index + 1 for index, key in enumerate(dict.fromkeys(truth))}
    first = {}
    for record, key in zip(records, truth, strict=True):
        first.setdefault(key, record)
    incidents = [
        {
            "id": n, "code": f"CH-B-{n:07d}", "title": key, "date_start": first[key].date,
            "date_precision": first[key].date_precision, "latitude": first[key].latitude,
            "longitude": first[key].longitude, "location_precision": first[key].location_precision,
            "place_name": first[key].place_name, "admin1": first[key].admin1, "country_iso3": "SYR",
            **_marking(n),
        }
        for key, n in codes.items()
    ]  # fmt: skip
    reports = [
        {
            "source_system": "bench", "source_key": r.report_id, "source_type": "media",
            "source_name": r.source, "original_text": r.description, "date_start": r.date,
            "date_end": r.date, "date_precision": r.date_precision, "latitude": r.latitude,
            "longitude": r.longitude, "location_precision": r.location_precision,
            "place_name": r.place_name, "admin1": r.admin1, "country_iso3": "SYR",
            "killed_min": r.killed[0] if r.killed else None, "killed_max": r.killed[1] if r.killed else None,
            "injured_min": r.injured[0] if r.injured else None,
            "injured_max": r.injured[1] if r.injured else None, "incident_id": codes[key],
            **_marking(codes[key]),
        }
        for r, key in zip(records, truth, strict=True)
    ]  # fmt: skip
    with engine.begin() as connection:
        for table, rows in ((table_of(Incident), incidents), (table_of(Report), reports)):
            for offset in range(0, len(rows), 50_000):
                bulk_insert(connection, table, _full_rows(table, rows[offset : offset + 50_000]))
    print(
        f"store: {len(reports):,} reports in {len(incidents):,} incidents, "
        f"{time.perf_counter() - start:.0f} s"
    )
    new, _ = generate(events, seed=seed + 100, limit=probes)
    sessions = session_factory(engine)
    print(f"\ncandidates_for, {len(new)} new reports, limit 5\n")
    print("| who asks | p50 | p95 | max | mean candidates |\n|---|---|---|---|---|")
    for label, principal in _bench_principals():
        times, found = [], 0
        with sessions() as session:
            for record in new:
                tick = time.perf_counter()
                found += len(candidates_for(session, record=record, principal=principal))
                times.append((time.perf_counter() - tick) * 1000)
        times.sort()
        print(
            f"| {label} | {statistics.median(times):.0f} ms | {times[int(0.95 * len(times))]:.0f} ms "
            f"| {times[-1]:.0f} ms | {found / len(new):.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--year", type=int, default=2017)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument(
        "--copies", type=int, default=0, help="scale run: replicate all events this many times"
    )
    parser.add_argument("--duckdb-memory", help="scale run: DuckDB's memory limit (default: the engine's)")
    parser.add_argument(
        "--incremental", type=int, default=0, help="time candidates_for against a store of this many reports"
    )
    parser.add_argument(
        "--errors", action="store_true", help="quality: where civharm goes wrong, and ceilings"
    )
    parser.add_argument(
        "--naive", action="store_true", help="quality: only the naive matcher's sweep (generator calibration)"
    )
    args = parser.parse_args()
    if args.incremental:
        incremental(args.incremental, args.seed)
    elif args.errors:
        errors(args.year, args.seed)
    elif args.copies:
        scale(args.copies, args.seed, duckdb_memory=args.duckdb_memory)
    else:
        quality(args.year, args.seed, naive_only=args.naive)


if __name__ == "__main__":
    main()
