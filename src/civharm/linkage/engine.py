"""Run the whole linkage on a set of reports: features, EM training, prediction, clustering.

Example::

    records = read_records(Path("reports.csv"))
    result = link_records(records)
    result.labels[i]          # the incident (cluster) of records[i]
    result.explain_merges()   # why each merge happened, comparison by comparison
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
from splink import DuckDBAPI, Linker

from civharm.linkage.blocking import PRIOR_RULE_RECALL, prior_rule, training_rules
from civharm.linkage.clustering import MISSING_WEIGHT, THRESHOLD, Merge, cluster
from civharm.linkage.comparisons import comparisons
from civharm.linkage.features import feature_frame
from civharm.linkage.model import (
    KEEP_PROBABILITY,
    ModelParams,
    explain,
    level_columns,
    params_from_splink,
    probability,
    splink_settings,
)
from civharm.linkage.records import LinkRecord

#: Fewer reports than this are linked with the starting parameters: EM needs data.
MIN_REPORTS_TO_TRAIN = 200
#: Random pairs drawn to estimate u for the EM sessions.
U_SAMPLE_PAIRS = 200_000
#: EM for m runs on at most this many reports (whole months of them); u and the prior use all.
MAX_TRAIN_REPORTS = 20_000
#: Fixed-point iterations for the prior among candidate pairs.
PRIOR_ITERATIONS = 50
#: Rounds of re-estimating m from the engine's own incidents (no labels: see :func:`refine_m`).
REFINE_ROUNDS = 2
#: The stricter threshold (bits) of the incidents m is re-estimated from: they should be right
#: more than complete. The final decision uses :data:`~civharm.linkage.clustering.THRESHOLD`.
REFINE_THRESHOLD = -1.0
#: How many pairs' worth of weight the previous m has when it is re-estimated.
REFINE_PRIOR_PAIRS = 20.0


#: DuckDB's memory for blocking and comparing. At a million reports the process peaks at about
#: 5.8 GiB with 3 GB and 6.4 GiB with 4 GB (DuckDB spills to disk sooner, and was not slower).
DUCKDB_MEMORY = "3GB"


def duckdb_api(*, threads: int = 2, memory_limit: str = DUCKDB_MEMORY) -> DuckDBAPI:
    """A DuckDB connection sized for a shared two-core machine."""
    connection = duckdb.connect()
    connection.execute(f"SET threads = {int(threads)}")
    connection.execute(f"SET memory_limit = '{memory_limit}'")
    connection.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection=connection)


def train_m(
    frame: pd.DataFrame, *, start: ModelParams | None = None, db_api: Any = None, seed: int = 1
) -> ModelParams:
    """Estimate each level's m without labels, by EM in Splink sessions.

    Each session is blocked on fields whose comparisons it then leaves out, so every
    comparison's m is estimated from pairs not selected for agreeing on it (u from random
    pairs, the prior from a strict rule whose recall is assumed; both only serve the
    sessions: :func:`calibrate` replaces them).
    """
    start = start or ModelParams.starting()
    estimates = []
    with_u: ModelParams | None = None
    for session, (rule, _) in enumerate(training_rules()):
        linker = Linker(cast(Any, frame), splink_settings(with_u or start), db_api=db_api or duckdb_api())
        if with_u is None:
            # The same random pairs (same seed) give every session the same u: sample them once.
            linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
            with_u = _with_sampled_u(start, linker.misc.save_model_to_json())
        if session == 0:
            linker.training.estimate_probability_two_random_records_match(
                [prior_rule()], recall=PRIOR_RULE_RECALL
            )
        # Later sessions' pairs are all close: u is estimated there too, so EM separates
        # matches from near non-matches; only their m values are kept.
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, fix_u_probabilities=session == 0
        )
        estimates.append(linker.misc.save_model_to_json())
    prior = float(estimates[0]["probability_two_random_records_match"])
    params = params_from_splink(estimates[0], prior=prior, trained_on=len(frame), fallback=with_u)
    for (_, names), estimate in zip(training_rules(), estimates, strict=True):
        trained = params_from_splink(estimate, prior=prior, trained_on=len(frame), fallback=with_u).levels
        for name in names:
            params.levels[name] = [
                (m, u) for (m, _), (_, u) in zip(trained[name], params.levels[name], strict=True)
            ]
    return params


def _with_sampled_u(start: ModelParams, model: dict[str, Any]) -> ModelParams:
    """``start`` with the u values of a Splink model (its m values and prior unchanged)."""
    sampled = params_from_splink(model, prior=start.prior, trained_on=start.trained_on).levels
    levels = {
        c.name: [
            (m, u)
            for (m, _), (_, u) in zip(
                start.levels.get(c.name) or [(lv.m, lv.u) for lv in c.levels], sampled[c.name], strict=True
            )
        ]
        for c in comparisons()
    }
    return ModelParams(prior=start.prior, levels=levels, trained_on=start.trained_on, version=start.version)


def calibrate(params: ModelParams, levels: pd.DataFrame) -> ModelParams:
    """u and the prior among the *candidate* pairs, the pairs the model actually decides on.

    Random pairs are far apart, so among them "same place name", "same province" and
    "within a few km" are each rare, and together they would be counted three times over.
    Among candidate pairs (all near each other in space and time) almost all pairs are
    still different events, so each level's share of the candidate pairs estimates its u
    given nearness, and the prior is the share of candidates that the model itself, with
    these u, finds to be matches (a fixed point).
    """
    out = ModelParams(prior=params.prior, levels={}, trained_on=params.trained_on, version=params.version)
    for comparison in comparisons():
        count = len(comparison.levels)
        seen = np.bincount(levels[f"lv_{comparison.name}"].to_numpy(), minlength=count).astype(float)
        seen[0] = 0.0
        u = (seen + 0.5) / (seen.sum() + 0.5 * (count - 1))
        # A level no candidate pair reaches (two dates weeks apart, when the blocking window is
        # days) carries no evidence: with u from a pseudo-count it would weigh +13 bits.
        out.levels[comparison.name] = [
            (1.0, 1.0) if i == 0 else (m, float(u[i])) if seen[i] > 0 else (float(u[i]), float(u[i]))
            for i, (m, _) in enumerate(params.levels[comparison.name])
        ]
    # Pairs share few distinct level combinations: iterate over those, weighted by their counts.
    combos, counts = _level_combinations(levels)
    evidence = level_weights(out, combos) - out.prior_weight
    share = counts / max(counts.sum(), 1)
    prior = 0.05
    for _ in range(PRIOR_ITERATIONS):
        posterior = 1.0 / (1.0 + np.exp2(-(evidence + np.log2(prior / (1 - prior)))))
        prior = float(np.clip((posterior * share).sum(), 1e-6, 0.5)) if len(posterior) else prior
    out.prior = prior
    return out


def _level_combinations(levels: pd.DataFrame) -> tuple[pd.DataFrame, npt.NDArray[np.float64]]:
    """The distinct combinations of levels among ``levels`` and how many pairs have each."""
    code = np.zeros(len(levels), dtype=np.int64)
    sizes = []
    for comparison in comparisons():
        size = len(comparison.levels)
        code = code * size + levels[f"lv_{comparison.name}"].to_numpy().astype(np.int64)
        sizes.append(size)
    unique, counts = np.unique(code, return_counts=True)
    columns = {}
    for comparison, size in zip(reversed(comparisons()), reversed(sizes), strict=True):
        columns[f"lv_{comparison.name}"] = unique % size
        unique = unique // size
    return pd.DataFrame(columns), counts.astype(np.float64)


def refine_m(
    params: ModelParams,
    levels: pd.DataFrame,
    labels: npt.NDArray[np.int64],
) -> ModelParams:
    """m re-estimated from the engine's own incidents, then u and the prior among candidates again.

    The EM sessions estimate each m among pairs chosen by one rule (same day anywhere, same
    place name ...), where the latent class is only roughly "one event". The incidents the
    model then forms use every comparison together and the no-chaining clustering, so the
    levels of the candidate pairs *inside* them are a cleaner sample of how reports of one
    event compare (hard EM over clusters; no labels). On the 2016 tuning set this moved m
    for two precisely placed reports and for the particulars towards their true values.
    """
    left = levels["rid_l"].to_numpy()
    right = levels["rid_r"].to_numpy()
    inside = labels[left] == labels[right]
    if not inside.any():
        return params
    out = ModelParams(prior=params.prior, levels={}, trained_on=params.trained_on, version=params.version)
    for comparison in comparisons():
        count = len(comparison.levels)
        seen = np.bincount(levels[f"lv_{comparison.name}"].to_numpy()[inside], minlength=count).astype(float)
        seen[0] = 0.0
        # The previous m is the prior, worth REFINE_PRIOR_PAIRS pairs: it rules a small set (a
        # level no pair inside an incident reaches keeps its small m), a large one hardly moves it.
        before = np.array([m for m, _ in params.levels[comparison.name]], dtype=float)
        before[0] = 0.0
        before = before / before.sum() if before.sum() > 0 else np.full(count, 1.0 / max(count - 1, 1))
        m = (seen + REFINE_PRIOR_PAIRS * before) / (seen.sum() + REFINE_PRIOR_PAIRS)
        out.levels[comparison.name] = [(1.0, 1.0)] + [
            (float(m[i]), params.levels[comparison.name][i][1]) for i in range(1, count)
        ]
    return calibrate(out, levels)


def training_sample(frame: pd.DataFrame, *, limit: int = MAX_TRAIN_REPORTS, seed: int = 1) -> pd.DataFrame:
    """At most ``limit`` reports for EM, whole months at a time (so events keep all their reports)."""
    chosen = month_sample(frame, limit=limit, seed=seed)
    if chosen is None:
        return frame
    return frame[chosen].reset_index(drop=True).assign(rid=lambda f: np.arange(len(f)))


def month_sample(
    frame: pd.DataFrame, *, limit: int = MAX_TRAIN_REPORTS, seed: int = 1
) -> npt.NDArray[np.bool_] | None:
    """Which reports fall in randomly chosen whole months holding at most ``limit`` (None: all fit)."""
    if len(frame) <= limit:
        return None
    month = frame["day"].fillna(0).astype("int64").to_numpy() // 30
    months, counts = np.unique(month, return_counts=True)
    order = np.random.default_rng(seed).permutation(len(months))
    chosen = months[order[np.cumsum(counts[order]) <= limit]]
    return np.isin(month, chosen)


def train(
    frame: pd.DataFrame, *, start: ModelParams | None = None, db_api: Any = None, seed: int = 1
) -> tuple[ModelParams, pd.DataFrame]:
    """m by EM, then u and the prior among the candidate pairs; also returns those pairs' levels."""
    params = train_m(frame, start=start, db_api=db_api, seed=seed)
    levels = candidate_levels(frame, params, db_api=db_api)
    return calibrate(params, levels), levels


def candidate_levels(
    frame: Any, params: ModelParams, *, db_api: Any = None, dialect: str = "duckdb"
) -> pd.DataFrame:
    """Every candidate pair the blocking rules produce, with its level on each comparison.

    ``frame`` is a pandas frame for DuckDB, or a Spark DataFrame with ``dialect="spark"``.
    Columns ``rid_l, rid_r`` and ``lv_<comparison>`` (index into the comparison's levels,
    0 for the null level).
    """
    linker = Linker(frame, splink_settings(_level_code(), dialect=dialect), db_api=db_api or duckdb_api())
    scored = linker.inference.predict()
    names = [c.name for c in comparisons()]
    columns = ["rid_l", "rid_r"] + [f"bf_{n}" for n in names]
    if dialect == "spark":
        out = scored.as_spark_dataframe().select(*columns).toPandas()
        for name in names:
            code = np.rint(out.pop(f"bf_{name}").to_numpy(dtype=np.float64) * LEVEL_CODE)
            out[f"lv_{name}"] = np.where(code >= LEVEL_CODE, 0, code).astype(np.int8)
    else:
        # Levels decoded in DuckDB: one byte per comparison reaches pandas, not a float per pair.
        decoded = [
            f"CAST(CASE WHEN round(bf_{n} * {LEVEL_CODE}) >= {LEVEL_CODE} THEN 0 "
            f"ELSE round(bf_{n} * {LEVEL_CODE}) END AS TINYINT) AS lv_{n}"
            for n in names
        ]
        out = scored.as_duckdbpyrelation().select(", ".join(["rid_l", "rid_r", *decoded])).df()
    scored.drop_table_from_database_and_remove_from_cache()
    out["rid_l"] = out["rid_l"].astype(np.int64)
    out["rid_r"] = out["rid_r"].astype(np.int64)
    return cast(pd.DataFrame, out)


#: Levels are read back from Splink's Bayes factors: level i (null level: 0) gets m = i / this, u = 1.
LEVEL_CODE = 64


def _level_code() -> ModelParams:
    """Parameters whose Bayes factor on each level is the level's index / :data:`LEVEL_CODE`."""
    return ModelParams(
        prior=0.5,
        levels={c.name: [(i / LEVEL_CODE, 1.0) for i in range(len(c.levels))] for c in comparisons()},
    )


def level_weights(params: ModelParams, levels: pd.DataFrame) -> npt.NDArray[np.float64]:
    """Match weight (bits) of every pair: the prior's log-odds plus each level's log2(m/u)."""
    total = np.full(len(levels), params.prior_weight)
    for comparison in comparisons():
        table = np.array([params.level_weight(comparison.name, i) for i in range(len(comparison.levels))])
        total += table[levels[f"lv_{comparison.name}"].to_numpy()]
    return total


def score(levels: pd.DataFrame, params: ModelParams, *, keep: float = KEEP_PROBABILITY) -> pd.DataFrame:
    """The candidate pairs worth keeping (probability at least ``keep``), with weight and probability."""
    weight = level_weights(params, levels)
    chosen = weight >= np.log2(keep / (1 - keep))
    out = levels.loc[chosen].reset_index(drop=True)
    out.insert(2, "match_weight", weight[chosen])
    out.insert(3, "match_probability", 1.0 / (1.0 + np.exp2(-weight[chosen])))
    return cast(pd.DataFrame, out)


def predict(frame: Any, params: ModelParams, *, db_api: Any = None, dialect: str = "duckdb") -> pd.DataFrame:
    """Candidate pairs with probability at least :data:`KEEP_PROBABILITY`, their weights and levels.

    ``frame`` is a pandas frame for DuckDB, or a Spark DataFrame with ``dialect="spark"``.
    """
    return score(candidate_levels(frame, params, db_api=db_api, dialect=dialect), params)


@dataclass
class LinkResult:
    """Incidents found among the reports, with the evidence for every merge."""

    labels: npt.NDArray[np.int64]
    probability: list[float | None]
    merges: list[Merge]
    pairs: pd.DataFrame
    params: ModelParams

    @property
    def incidents(self) -> int:
        return len(set(self.labels.tolist()))

    def explain_merges(self) -> list[dict[str, Any]]:
        levels = level_columns(self.pairs, self.params)
        out = []
        for merge in self.merges:
            row = self.pairs.iloc[merge.edge]
            out.append(
                {
                    "left": merge.left,
                    "right": merge.right,
                    "match_weight": round(float(row["match_weight"]), 2),
                    "match_probability": round(float(row["match_probability"]), 4),
                    "cluster_size": merge.size,
                    "gain": merge.gain,
                    "cross_pairs": merge.cross_pairs,
                    "comparisons": explain(self.params, {k: int(v[merge.edge]) for k, v in levels.items()}),
                }
            )
        return out


def cluster_pairs(
    n: int, pairs: pd.DataFrame, *, threshold: float = THRESHOLD, missing: float = MISSING_WEIGHT
) -> tuple[npt.NDArray[np.int64], list[Merge], list[float | None]]:
    left = pairs["rid_l"].to_numpy(dtype=np.int64)
    right = pairs["rid_r"].to_numpy(dtype=np.int64)
    weight = pairs["match_weight"].to_numpy(dtype=np.float64)
    labels, merges = cluster(n, left, right, weight, threshold=threshold, missing=missing)
    return (
        labels,
        merges,
        member_probability(labels, left, right, pairs["match_probability"].to_numpy(), missing),
    )


def member_probability(
    labels: npt.NDArray[np.int64],
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    prob: npt.NDArray[np.float64],
    missing: float,
) -> list[float | None]:
    """Per report, the mean match probability with the other reports of its incident (None if alone)."""
    n = len(labels)
    sizes = np.bincount(labels, minlength=n)[labels]
    inside = labels[left] == labels[right]
    total = np.zeros(n)
    count = np.zeros(n)
    for ends in (left[inside], right[inside]):
        np.add.at(total, ends, prob[inside])
        np.add.at(count, ends, 1)
    others = sizes - 1
    unscored = others - count
    mean = np.divide(total + unscored * probability(missing), others, out=np.zeros(n), where=others > 0)
    return [round(float(m), 4) if o > 0 else None for m, o in zip(mean, others, strict=True)]


def self_train(
    frame: pd.DataFrame, levels: pd.DataFrame, params: ModelParams, *, rounds: int = REFINE_ROUNDS
) -> ModelParams:
    """:func:`refine_m` ``rounds`` times, on the incidents of at most :data:`MAX_TRAIN_REPORTS` reports.

    Above that many reports the incidents are formed among whole months of reports (as for EM),
    which keeps the cost fixed; u and the prior still come from every candidate pair.
    """
    chosen = month_sample(frame)
    sample = levels
    if chosen is not None:
        sample = levels.loc[chosen[levels["rid_l"].to_numpy()] & chosen[levels["rid_r"].to_numpy()]]
    for _ in range(rounds):
        labels, _, _ = cluster_pairs(len(frame), score(sample, params), threshold=REFINE_THRESHOLD)
        params = refine_m(params, sample, labels)
        if chosen is not None:
            params = calibrate(params, levels)
    return params


def link_frame(
    frame: pd.DataFrame,
    *,
    params: ModelParams | None = None,
    retrain: bool = True,
    threshold: float = THRESHOLD,
    missing: float = MISSING_WEIGHT,
) -> LinkResult:
    """Link the reports in ``frame`` (see :func:`~civharm.linkage.features.feature_frame`)."""
    params = params or ModelParams.starting()
    if retrain and len(frame) >= MIN_REPORTS_TO_TRAIN:
        params = train_m(training_sample(frame), start=params)
        levels = candidate_levels(frame, params)
        params = self_train(frame, levels, calibrate(params, levels))
        params.trained_on = len(frame)
    else:
        levels = candidate_levels(frame, params)
    pairs = score(levels, params)
    labels, merges, member_prob = cluster_pairs(len(frame), pairs, threshold=threshold, missing=missing)
    return LinkResult(labels=labels, probability=member_prob, merges=merges, pairs=pairs, params=params)


def link_records(records: list[LinkRecord], **options: Any) -> LinkResult:
    return link_frame(feature_frame(records), **options)
