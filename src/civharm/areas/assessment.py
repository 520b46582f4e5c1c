"""From latest indicator values to the tables a user reads: scores, coverage and rank sensitivity."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from civharm.areas.framework import Aggregation, Framework, NodeSpec, Transform
from civharm.areas.indicators import LatestValues
from civharm.areas.scoring import FloatArray, ScoreResult, classify, ranks, score_units

SCORE_COLUMNS = ["area_id", "node", "score", "class", "missing_share"]


def score_frame(framework: Framework, latest: LatestValues, result: ScoreResult) -> pd.DataFrame:
    """``area_id, node, score, class, missing_share`` for every area and every node and indicator.

    Rows go area by area (in the order the areas came), nodes root first, depth first.
    """
    nodes = framework.order()
    count = len(latest.areas)
    labels = np.array([*framework.classes.labels, ""], dtype=object)
    scores = np.stack([result.scores[n] for n in nodes], axis=1).ravel()
    missing = np.stack([result.missing(n) for n in nodes], axis=1).ravel()
    return pd.DataFrame(
        {
            "area_id": np.repeat(np.asarray(latest.areas, dtype=object), len(nodes)),
            "node": np.tile(np.asarray(nodes, dtype=object), count),
            "score": scores,
            "class": labels[classify(scores, framework.classes)],
            "missing_share": missing,
        }
    )


def write_scores(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, float_format="%.4f", columns=SCORE_COLUMNS)


@dataclass
class Coverage:
    by_indicator: pd.DataFrame
    by_area: pd.DataFrame


def coverage(framework: Framework, latest: LatestValues, result: ScoreResult) -> Coverage:
    """What is missing where: per indicator (how many areas lack it) and per area (which ones)."""
    names = framework.used_indicators()
    count = len(latest.areas)
    by_indicator = pd.DataFrame(
        [
            {
                "indicator": name,
                "areas_with_value": int(has.sum()),
                "areas_missing": int(count - has.sum()),
                "missing_share": float(1 - has.mean()) if count else 1.0,
                "oldest_year": int(latest.years[name][has].min()) if has.any() else None,
                "newest_year": int(latest.years[name][has].max()) if has.any() else None,
            }
            for name in names
            for has in [~np.isnan(latest.values[name])]
        ]
    )
    missing = np.stack([np.isnan(latest.values[n]) for n in names]) if names else np.zeros((0, count), bool)
    inner = [n for n in framework.order() if n in framework.nodes]
    unscored = np.stack([np.isnan(result.scores[n]) for n in inner]) if inner else np.zeros((0, count), bool)
    by_area = pd.DataFrame(
        {
            "area_id": latest.areas,
            "indicators_present": (~missing).sum(axis=0),
            "indicators_missing": missing.sum(axis=0),
            "missing_indicators": _joined(missing, names),
            "unscored_nodes": _joined(unscored, inner),
        }
    )
    return Coverage(by_indicator=by_indicator, by_area=by_area)


def _joined(mask: np.ndarray, names: list[str]) -> list[str]:
    """Per column of ``mask``, the names of its true rows joined by ``;``."""
    out = [""] * mask.shape[1]
    for row, name in enumerate(names):
        for column in np.flatnonzero(mask[row]):
            out[column] = f"{out[column]};{name}" if out[column] else name
    return out


def variants(framework: Framework) -> list[tuple[str, Framework]]:
    """One-at-a-time changes to the framework: each is a question a reviewer would ask.

    Every inner node with the other aggregation; every weight halved and doubled; every
    indicator with the other transform; and all weights equal.
    """
    out: list[tuple[str, Framework]] = []
    for name in framework.evaluation_order():
        node = framework.nodes[name]
        other = (
            Aggregation.GEOMETRIC if node.aggregation is Aggregation.ARITHMETIC else Aggregation.ARITHMETIC
        )
        out.append((f"{name}: {other.value} mean", framework.with_node(replace(node, aggregation=other))))
        if len(node.children) > 1:
            for position, (child, weight) in enumerate(node.children):
                for factor in (0.5, 2.0):
                    changed = list(node.children)
                    changed[position] = (child, weight * factor)
                    label = f"{name}: weight of {child} x{factor:g}"
                    out.append((label, framework.with_node(replace(node, children=tuple(changed)))))
    for name in framework.used_indicators():
        spec = framework.indicators[name]
        other_t = Transform.NONE if spec.transform is Transform.LOG else Transform.LOG
        if other_t is Transform.LOG and spec.lower is not None and spec.lower <= -1:
            continue
        out.append(
            (f"{name}: transform {other_t.value}", framework.with_indicator(replace(spec, transform=other_t)))
        )
    equal = {n: _equal_weights(node) for n, node in framework.nodes.items()}
    out.append(("all weights equal", replace(framework, nodes=equal)))
    return out


def _equal_weights(node: NodeSpec) -> NodeSpec:
    return replace(node, children=tuple((child, 1.0) for child, _ in node.children))


@dataclass
class Sensitivity:
    #: Per area: baseline rank and score, best and worst rank over the variants, largest move.
    summary: pd.DataFrame
    #: Per area and variant: the rank and how far it moved (positive: towards rank 1, more at risk).
    moves: pd.DataFrame


def sensitivity(framework: Framework, latest: LatestValues, *, node: str | None = None) -> Sensitivity:
    """How each area's rank on ``node`` (default: the root) moves under :func:`variants`."""
    target = node or framework.root
    values: dict[str, FloatArray] = latest.values
    base_scores = score_units(framework, values).scores[target]
    base = ranks(base_scores)
    labels: list[str] = []
    rank_rows: list[FloatArray] = []
    for label, changed in variants(framework):
        labels.append(label)
        rank_rows.append(ranks(score_units(changed, values).scores[target]))
    matrix = np.stack(rank_rows) if rank_rows else np.zeros((0, len(base)))
    shift = base[None, :] - matrix  # positive: the area rises towards rank 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices: areas without a score
        largest = np.nanargmax(np.nan_to_num(np.abs(shift), nan=-1), axis=0) if len(labels) else []
        summary = pd.DataFrame(
            {
                "area_id": latest.areas,
                "score": base_scores,
                "rank": base,
                "best_rank": np.nanmin(matrix, axis=0) if len(labels) else base,
                "worst_rank": np.nanmax(matrix, axis=0) if len(labels) else base,
                "median_rank": np.nanmedian(matrix, axis=0) if len(labels) else base,
                "mean_abs_shift": np.nanmean(np.abs(shift), axis=0) if len(labels) else 0.0,
                "largest_shift": [shift[j, i] for i, j in enumerate(largest)] if len(labels) else 0.0,
                "largest_shift_variant": [
                    labels[j] if np.nan_to_num(abs(shift[j, i])) > 0 else "" for i, j in enumerate(largest)
                ]
                if len(labels)
                else "",
            }
        )
    summary = summary.astype({"rank": "Int64", "best_rank": "Int64", "worst_rank": "Int64"})
    moves = pd.DataFrame(
        {
            "area_id": np.tile(np.asarray(latest.areas, dtype=object), len(labels)),
            "variant": np.repeat(np.asarray(labels, dtype=object), len(base)),
            "baseline_rank": np.tile(base, len(labels)),
            "rank": matrix.ravel(),
            "rank_change": shift.ravel(),
        }
    ).astype({"baseline_rank": "Int64", "rank": "Int64", "rank_change": "Int64"})
    return Sensitivity(summary=summary, moves=moves)
