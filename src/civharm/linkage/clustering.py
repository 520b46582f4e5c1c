"""Group scored pairs into incidents without chaining distinct events together.

Connected components over "probably the same" pairs chain: report A matches B, B matches
C, so A and C end up together even when A and C clearly disagree. Here clusters grow by
greedy *correlation clustering*: pairs are taken strongest first, and two clusters merge
only when the merge raises the objective, i.e. when the match weights of *all* pairs across
the two clusters, less the decision threshold, sum to more than zero. A pair that was never
a candidate, or scored below the kept probability, counts as clear evidence against
(:data:`MISSING_WEIGHT`). So a report that looks like two nearby events cannot glue them
together: the events' own reports disagree with each other and veto the merge.

Pure logic: arrays in, labels and merge records out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: Weight (bits) assumed for a pair without a score: not a candidate, or below the kept probability.
MISSING_WEIGHT = -12.0
#: Decision threshold (bits): pairs above it argue for a merge, below it against.
THRESHOLD = -2.0


@dataclass(frozen=True, slots=True)
class Merge:
    """One merge: the pair that triggered it and the evidence across the two clusters."""

    edge: int  # index of the triggering pair in the input arrays
    left: int
    right: int
    gain: float  # sum over all cross pairs of (weight - threshold)
    cross_pairs: int
    scored_pairs: int  # cross pairs that had a score (the rest counted as MISSING_WEIGHT)
    size: int  # size of the merged cluster


def cluster(
    n: int,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
    *,
    threshold: float = THRESHOLD,
    missing: float = MISSING_WEIGHT,
) -> tuple[npt.NDArray[np.int64], list[Merge]]:
    """Cluster label per record (0..n-1; a cluster is labelled by its first record) and the merges."""
    scores: dict[int, float] = {}
    for a, b, w in zip(left.tolist(), right.tolist(), weight.tolist(), strict=True):
        key = a * n + b if a < b else b * n + a
        scores[key] = max(w, scores.get(key, w))
    members: dict[int, list[int]] = {}
    label = np.arange(n, dtype=np.int64)
    merges: list[Merge] = []
    order = np.argsort(-weight, kind="stable")
    for index in order[weight[order] > threshold].tolist():
        a, b = label[left[index]], label[right[index]]
        if a == b:
            continue
        group_a, group_b = members.get(int(a), [int(a)]), members.get(int(b), [int(b)])
        gain, scored = 0.0, 0
        for x in group_a:
            for y in group_b:
                w = scores.get(x * n + y if x < y else y * n + x)
                if w is None:
                    gain += missing - threshold
                else:
                    gain += w - threshold
                    scored += 1
        if gain <= 0:
            continue
        keep, drop = (a, b) if a < b else (b, a)
        merged = members.pop(int(keep), [int(keep)]) + members.pop(int(drop), [int(drop)])
        members[int(keep)] = merged
        label[members[int(keep)]] = keep
        merges.append(
            Merge(
                edge=index,
                left=int(left[index]),
                right=int(right[index]),
                gain=round(gain, 3),
                cross_pairs=len(group_a) * len(group_b),
                scored_pairs=scored,
                size=len(merged),
            )
        )
    return label, merges
