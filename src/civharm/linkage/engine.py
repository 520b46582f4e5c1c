"""Run the whole linkage on a set of reports: features, EM training, prediction, clustering.

Example::

    records = read_records(Path("reports.csv"))
    result = link_records(records)
    result.labels[i]          # the incident (cluster) of records[i]
    result.explain_merges()   # why each merge happened, comparison by comparison
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
from splink import DuckDBAPI, Linker

from civharm.linkage.blocking import PRIOR_RULE_RECALL, prior_rule, training_rules
from civharm.linkage.clustering import MISSING_WEIGHT, THRESHOLD, Merge, cluster
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
#: Random pairs drawn to estimate u.
U_SAMPLE_PAIRS = 200_000


def duckdb_api(*, threads: int = 2, memory_limit: str = "4GB") -> DuckDBAPI:
    """A DuckDB connection sized for a shared two-core machine."""
    connection = duckdb.connect()
    connection.execute(f"SET threads = {int(threads)}")
    connection.execute(f"SET memory_limit = '{memory_limit}'")
    connection.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection=connection)


def train(
    frame: pd.DataFrame, *, start: ModelParams | None = None, db_api: Any = None, seed: int = 1
) -> ModelParams:
    """Estimate the prior, m and u without labels (Splink's usual recipe).

    u comes from random pairs (almost all non-matches); the prior from a strict rule whose
    recall is assumed (:data:`~civharm.linkage.blocking.PRIOR_RULE_RECALL`); m by EM in two
    sessions, each blocked on fields whose comparisons it then leaves out, so every
    comparison's m is estimated from pairs not selected for agreeing on it.
    """
    start = start or ModelParams.starting()
    estimates = []
    for session, (rule, _) in enumerate(training_rules()):
        linker = Linker(frame, splink_settings(start), db_api=db_api or duckdb_api())
        linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
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
    params = params_from_splink(estimates[0], prior=prior, trained_on=len(frame))
    for (_, names), estimate in zip(training_rules(), estimates, strict=True):
        trained = params_from_splink(estimate, prior=prior, trained_on=len(frame)).levels
        for name in names:
            params.levels[name] = [
                (m, u) for (m, _), (_, u) in zip(trained[name], params.levels[name], strict=True)
            ]
    return params


def predict(frame: Any, params: ModelParams, *, db_api: Any = None, dialect: str = "duckdb") -> pd.DataFrame:
    """Candidate pairs with probability at least :data:`KEEP_PROBABILITY` and their levels.

    ``frame`` is a pandas frame for DuckDB, or a Spark DataFrame with ``dialect="spark"``.
    """
    linker = Linker(frame, splink_settings(params, dialect=dialect), db_api=db_api or duckdb_api())
    pairs = linker.inference.predict(threshold_match_probability=KEEP_PROBABILITY)
    out = pairs.as_pandas_dataframe()
    keep = ["rid_l", "rid_r", "match_weight", "match_probability"] + [
        c for c in out.columns if c.startswith("bf_")
    ]
    return out[keep].reset_index(drop=True)


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
        params = train(frame, start=params)
    pairs = predict(frame, params)
    labels, merges, member_prob = cluster_pairs(len(frame), pairs, threshold=threshold, missing=missing)
    return LinkResult(labels=labels, probability=member_prob, merges=merges, pairs=pairs, params=params)


def link_records(records: list[LinkRecord], **options: Any) -> LinkResult:
    return link_frame(feature_frame(records), **options)
