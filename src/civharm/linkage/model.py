"""The Fellegi–Sunter model on Splink: settings, EM training without labels, prediction.

Parameters (the prior and each level's m and u probabilities) live in :class:`ModelParams`,
a plain JSON-able object the store keeps in a table; Splink settings are generated from it
for whichever backend runs the model (DuckDB here, Spark for data beyond one machine).

Training estimates m *and* u by expectation maximisation on the candidate pairs the
blocking rules produce. The prior is the share of candidate pairs that match, so
probabilities mean "of pairs this close in space and time, how likely one event" and do
not shrink as the data set grows.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from civharm.linkage.comparisons import Comparison, Row, comparisons

#: Pairs below this probability are not kept from prediction (they count as non-matches).
KEEP_PROBABILITY = 0.01
#: Prior before training: the share of candidate pairs that are one event.
START_PRIOR = 0.05
EM_MAX_ITERATIONS = 40

for _name in ("splink", "splink.internals"):
    logging.getLogger(_name).setLevel(logging.WARNING)


@dataclass
class ModelParams:
    """Everything the model learned: the prior and, per comparison, (m, u) for each level."""

    prior: float = START_PRIOR
    levels: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    trained_on: int = 0  # number of reports the parameters were estimated on
    version: int = 1

    @classmethod
    def starting(cls) -> ModelParams:
        return cls(levels={c.name: [(lv.m, lv.u) for lv in c.levels] for c in comparisons()})

    def to_json(self) -> dict[str, Any]:
        return {
            "prior": self.prior,
            "levels": {k: [list(p) for p in v] for k, v in self.levels.items()},
            "trained_on": self.trained_on,
            "version": self.version,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelParams:
        return cls(
            prior=float(data["prior"]),
            levels={k: [(float(m), float(u)) for m, u in v] for k, v in data["levels"].items()},
            trained_on=int(data.get("trained_on", 0)),
            version=int(data.get("version", 1)),
        )

    def level_weight(self, comparison: str, level: int) -> float:
        """log2 Bayes factor of one level (0 for the null level)."""
        if level == 0:
            return 0.0
        m, u = self.levels[comparison][level]
        return math.log2(max(m, 1e-9) / max(u, 1e-9))

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))


def splink_settings(params: ModelParams, *, dialect: str = "duckdb") -> dict[str, Any]:
    """Splink 4 settings for ``params`` in ``dialect`` (``duckdb`` or ``spark``)."""
    from civharm.linkage.blocking import prediction_rules

    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "rid",
        "probability_two_random_records_match": params.prior,
        "blocking_rules_to_generate_predictions": prediction_rules(dialect),
        "comparisons": [_comparison_dict(c, params) for c in comparisons(dialect)],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
        "em_convergence": 0.001,
        "max_iterations": EM_MAX_ITERATIONS,
        "sql_dialect": dialect,
    }


def _comparison_dict(comparison: Comparison, params: ModelParams) -> dict[str, Any]:
    trained = params.levels.get(comparison.name) or [(lv.m, lv.u) for lv in comparison.levels]
    levels = []
    for index, (level, (m, u)) in enumerate(zip(comparison.levels, trained, strict=True)):
        entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.label}
        if index == 0:
            entry["is_null_level"] = True
        else:
            entry["m_probability"], entry["u_probability"] = m, u
        levels.append(entry)
    return {
        "output_column_name": comparison.name,
        "comparison_description": comparison.description,
        "comparison_levels": levels,
    }


def params_from_splink(
    model: dict[str, Any], *, prior: float, trained_on: int, fallback: ModelParams | None = None
) -> ModelParams:
    """Read trained m and u back out of a Splink model dictionary.

    A level EM could not estimate (never seen among the session's pairs) may come back without
    a value; it keeps ``fallback``'s.
    """
    levels: dict[str, list[tuple[float, float]]] = {}
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        pairs = []
        for index, level in enumerate(comparison["comparison_levels"]):
            if level.get("is_null_level"):
                pairs.append((1.0, 1.0))
                continue
            m, u = fallback.levels[name][index] if fallback else (None, None)
            pairs.append((float(level.get("m_probability", m)), float(level.get("u_probability", u))))
        levels[name] = pairs
    return ModelParams(prior=prior, levels=levels, trained_on=trained_on)


def score_pair(params: ModelParams, left: Row, right: Row) -> tuple[float, dict[str, tuple[int, float]]]:
    """Match weight (bits) of one pair and, per comparison, (level, weight): the Python twin of Splink."""
    total = params.prior_weight
    parts: dict[str, tuple[int, float]] = {}
    for comparison in comparisons():
        level = comparison.level_of(left, right)
        weight = params.level_weight(comparison.name, level)
        parts[comparison.name] = (level, weight)
        total += weight
    return total, parts


def probability(weight: float) -> float:
    return float(1.0 / (1.0 + 2.0 ** (-weight)))


def explain(params: ModelParams, levels: dict[str, int]) -> list[dict[str, Any]]:
    """Each comparison's level label and weight, for showing why two reports were merged."""
    out = []
    for comparison in comparisons():
        level = levels[comparison.name]
        out.append(
            {
                "comparison": comparison.name,
                "level": comparison.levels[level].label,
                "weight": round(params.level_weight(comparison.name, level), 2),
            }
        )
    return out


def level_columns(frame: pd.DataFrame, params: ModelParams) -> dict[str, Any]:
    """Each pair's level per comparison (the ``lv_<name>`` columns of scored pairs)."""
    return {c.name: frame[f"lv_{c.name}"].to_numpy() for c in comparisons()}
