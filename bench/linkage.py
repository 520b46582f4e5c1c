"""Linkage benchmark: quality against the truth for civharm and two baselines, then scale.

    .venv/bin/python -m bench.linkage                       # quality: 2017 events, seed 2 (held out)
    .venv/bin/python -m bench.linkage --copies 34           # ≈1,000,000 reports: time and peak memory
    .venv/bin/python -m bench.linkage --incremental 1000000 # candidates_for p50 against a store

Parameters and thresholds were tuned on 2016 events with seed 1; the default run evaluates
on 2017 events with seed 2, a report set the engine has never seen.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from civharm.linkage.baselines import window_match
from civharm.linkage.engine import link_records
from civharm.linkage.evaluation import bcubed, pairwise
from civharm.linkage.generator import generate, read_events
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


def quality(year: int, seed: int) -> None:
    events = read_events(UCDP, years=(year,))
    records, truth = generate(events, seed=seed)
    print(f"{len(records):,} reports of {len(set(truth)):,} real UCDP events ({year}, seed {seed})\n")
    print("| matcher | B³ P | B³ R | B³ F1 | pair P | pair R | pair F1 | seconds |")
    print("|---|---|---|---|---|---|---|---|")
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
    best: tuple[float, str, list[int], float] | None = None
    for km in (1, 2, 5, 10, 25):
        for days in (0, 1, 2, 3):
            start = time.perf_counter()
            labels = window_match(records, km=km, days=days)
            f1 = bcubed(labels, truth).f1
            if best is None or f1 > best[0]:
                best = (
                    f1,
                    f"naive window, best of sweep ({km} km, {days} d)",
                    labels,
                    time.perf_counter() - start,
                )
    assert best is not None
    print(_row(best[1], best[2], truth, best[3]))
    start = time.perf_counter()
    print(
        _row(
            "generic Splink (stock comparisons, connected components)",
            generic_splink(records),
            truth,
            time.perf_counter() - start,
        )
    )


def scale(copies: int, seed: int) -> None:
    events = read_events(UCDP)
    records, _ = generate(events, seed=seed, copies=copies)
    start = time.perf_counter()
    result = link_records(records)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(
        f"{len(records):,} reports → {result.incidents:,} incidents in {seconds:.0f} s; "
        f"peak RSS {peak:.2f} GiB"
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
    args = parser.parse_args()
    if args.copies:
        scale(args.copies, args.seed)
    else:
        quality(args.year, args.seed)


if __name__ == "__main__":
    main()
