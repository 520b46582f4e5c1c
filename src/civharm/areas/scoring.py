"""Scores on 0-10 from indicator values, INFORM's way, vectorised over any number of units.

A unit is whatever is scored: an area, or an area in one period. The rules:

- indicator: ``x`` is transformed (``none``; ``log`` = ln(1 + x)), capped to ``[lo, hi]`` where
  ``lo``/``hi`` are the transformed ``lower``/``upper`` caps, or the observed min/max of the
  transformed values over all units scored together; score = 10 · (x - lo)/(hi - lo), and
  10 - score when higher is better. Missing values stay missing (NaN).
- inner node: the weighted arithmetic mean of its children's scores, or the weighted
  geometric mean (∏ (sᵢ + 1)^wᵢ)^(1/Σwᵢ) - 1, over the children that have a score. When the
  weight share of children without a score exceeds ``max_missing`` the node has no score.

Example (the framework of docs/areas.md)::

    framework = load_framework(Path("framework.yaml"))
    result = score_units(framework, {"civilian_deaths": np.array([0.0, 999.0]), ...})
    result.scores["risk"], result.missing_share["hazard"]
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from civharm.areas.framework import Aggregation, Classes, Framework, IndicatorSpec, NodeSpec, Transform

FloatArray = npt.NDArray[np.floating]

#: The score an indicator gets when every unit has the same value and no caps are set:
#: it cannot rank units, so it sits in the middle and moves no one (and inverts to itself).
FLAT_SCORE = 5.0


@dataclass
class ScoreResult:
    """Scores per node and indicator, and the weight share of missing children per inner node, per unit."""

    scores: dict[str, FloatArray]
    #: Inner nodes only; :meth:`missing` covers indicators too.
    missing_share: dict[str, FloatArray]
    #: Indicators whose values were all equal (scored :data:`FLAT_SCORE`).
    flat_indicators: list[str]

    def missing(self, name: str) -> FloatArray:
        """The missing share of a node, or of an indicator (1 where it has no value, else 0)."""
        if name in self.missing_share:
            return self.missing_share[name]
        score = self.scores[name]
        return np.isnan(score).astype(score.dtype)


def transform(values: FloatArray, how: Transform) -> FloatArray:
    if how is Transform.LOG:
        return np.log1p(values)
    return values


def bounds(spec: IndicatorSpec, values: FloatArray) -> tuple[float, float] | None:
    """``(lo, hi)`` on the transformed scale; ``None`` when no unit has a value and no caps are set.

    Both transforms increase with ``x``, so the transformed observed minimum is the transform
    of the raw minimum: the bounds need one pass over the raw values and no transformed copy.
    """
    lo = spec.lower if spec.lower is not None else float(np.fmin.reduce(values)) if values.size else None
    hi = spec.upper if spec.upper is not None else float(np.fmax.reduce(values)) if values.size else None
    # fmin/fmax skip NaN, and give NaN only when every unit is missing.
    if lo is None or hi is None or np.isnan(lo) or np.isnan(hi):
        return None
    lo_t, hi_t = transform(np.array([lo, hi], dtype=np.float64), spec.transform)
    return float(lo_t), float(hi_t)


def indicator_score(
    spec: IndicatorSpec, values: FloatArray, out_dtype: npt.DTypeLike = np.float64
) -> FloatArray:
    """0-10 score of one indicator for every unit (NaN where the value is missing)."""
    out = np.empty(len(values), dtype=out_dtype)
    _scale(spec, np.asarray(values), bounds(spec, np.asarray(values)), out)
    return out


def _scale(
    spec: IndicatorSpec, values: FloatArray, limits: tuple[float, float] | None, out: FloatArray
) -> None:
    """Write the scores of ``values`` into ``out``, in place: panels can be millions of units."""
    np.copyto(out, values, casting="unsafe")
    if limits is None:
        out.fill(np.nan)
        return
    if spec.transform is Transform.LOG:
        np.log1p(out, out=out)
    lo, hi = limits
    if hi <= lo:
        out[~np.isnan(out)] = FLAT_SCORE
        return
    np.clip(out, lo, hi, out=out)
    out -= lo
    out *= 10.0 / (hi - lo)
    if not spec.higher_is_worse:
        np.subtract(10.0, out, out=out)


#: Shares of missing weight are compared with a little slack, so that exactly ``max_missing``
#: (say 0.5 of weights 1 + 1) is still scored whatever the rounding.
MISSING_TOLERANCE = 1e-6


def aggregate(
    node: NodeSpec,
    children: list[FloatArray],
    out_dtype: npt.DTypeLike = np.float64,
    *,
    out: FloatArray | None = None,
    missing_out: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """The node's score and the weight share of its children that have no score."""
    shape = children[0].shape
    total = sum(weight for _, weight in node.children)
    weight_present = np.zeros(shape, dtype=out_dtype)
    accumulated = np.zeros(shape, dtype=out_dtype) if out is None else out
    accumulated.fill(0.0)
    # Scratch arrays reused for every child: fresh large arrays cost page faults on big panels.
    present = np.empty(shape, dtype=bool)
    term = np.empty(shape, dtype=out_dtype)
    geometric = node.aggregation is Aggregation.GEOMETRIC
    for (_, weight), score in zip(node.children, children, strict=True):
        np.isnan(score, out=present)
        np.logical_not(present, out=present)
        np.add(weight_present, weight, out=weight_present, where=present)
        if geometric:
            np.log1p(score, out=term)
        else:
            np.copyto(term, score)
        term *= weight
        np.add(accumulated, term, out=accumulated, where=present)
    del term, present
    missing = np.multiply(weight_present, -1.0 / total, out=missing_out)
    missing += 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.divide(accumulated, weight_present, out=accumulated)
    if geometric:
        np.expm1(value, out=value)
    value[(missing > node.max_missing + MISSING_TOLERANCE) | (weight_present == 0)] = np.nan
    return value, missing


def score_units(
    framework: Framework,
    values: Mapping[str, FloatArray],
    *,
    out_dtype: npt.DTypeLike = np.float64,
    workers: int = 1,
    chunk_size: int = 262_144,
) -> ScoreResult:
    """Score every node of ``framework`` for every unit.

    ``values`` maps indicator names to one array each (all the same length, NaN = missing);
    an indicator absent from ``values`` is missing everywhere. Bounds come from all units;
    the scoring itself runs chunk by chunk (small temporaries stay in cache), on ``workers``
    threads (numpy releases the GIL in its loops).
    """
    lengths = {len(v) for v in values.values()}
    if len(lengths) > 1:
        raise ValueError("every indicator needs one value per unit")
    size = lengths.pop() if lengths else 0
    indicators = framework.used_indicators()
    raw = {name: np.asarray(values[name]) for name in indicators if name in values}
    limits = {
        name: bounds(framework.indicators[name], raw[name]) if name in raw else None for name in indicators
    }
    flat = [name for name, limit in limits.items() if limit is not None and limit[1] <= limit[0]]
    scores = {name: np.empty(size, dtype=out_dtype) for name in framework.order()}
    missing = {name: np.empty(size, dtype=out_dtype) for name in framework.evaluation_order()}

    def run(start: int, stop: int) -> None:
        for name in indicators:
            if name in raw:
                _scale(
                    framework.indicators[name], raw[name][start:stop], limits[name], scores[name][start:stop]
                )
            else:
                scores[name][start:stop] = np.nan
        for name in framework.evaluation_order():
            node = framework.nodes[name]
            children = [scores[child][start:stop] for child, _ in node.children]
            aggregate(
                node, children, out_dtype, out=scores[name][start:stop], missing_out=missing[name][start:stop]
            )

    chunks = [(start, min(start + chunk_size, size)) for start in range(0, size, chunk_size)]
    if workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda chunk: run(*chunk), chunks))
    else:
        for chunk in chunks:
            run(*chunk)
    return ScoreResult(scores=scores, missing_share=missing, flat_indicators=flat)


def classify(scores: FloatArray, classes: Classes) -> npt.NDArray[np.int8]:
    """Class index 0-4 per score (-1 where there is no score)."""
    index = np.digitize(scores, np.asarray(classes.breaks), right=False).astype(np.int8)
    return np.where(np.isnan(scores), np.int8(-1), index).astype(np.int8)


def class_labels(scores: FloatArray, classes: Classes) -> list[str]:
    labels = [*classes.labels, ""]
    return [labels[i] for i in classify(scores, classes)]


def ranks(scores: FloatArray) -> FloatArray:
    """Rank 1 for the highest score (ties share the best rank); NaN where there is no score."""
    order = np.argsort(-np.nan_to_num(scores, nan=-np.inf), kind="stable")
    ranked = np.empty(len(scores))
    ranked[order] = np.arange(1, len(scores) + 1)
    # Ties take the best (smallest) rank of their group.
    sorted_scores = scores[order]
    first = np.r_[True, sorted_scores[1:] != sorted_scores[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(scores)), 0))
    ranked[order] = group_start + 1
    return np.where(np.isnan(scores), np.nan, ranked)
