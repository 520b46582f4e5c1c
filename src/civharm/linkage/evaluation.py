"""How good a clustering is against the truth: B-cubed and pairwise precision, recall, F1.

B-cubed scores every report: precision is the share of its predicted incident that truly
belongs with it, recall the share of its true event that was put with it. Pairwise scores
every pair of reports placed together. Pure functions over label sequences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def bcubed(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> Scores:
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth must label the same reports")
    both = Counter(zip(predicted, truth, strict=True))
    size_p, size_t = Counter(predicted), Counter(truth)
    # Each report in cell (p, t) sees both[p, t] reports sharing its predicted and true cluster.
    precision = sum(n * n / size_p[p] for (p, _t), n in both.items()) / len(predicted)
    recall = sum(n * n / size_t[t] for (_p, t), n in both.items()) / len(predicted)
    return Scores(precision, recall)


def pairwise(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> Scores:
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth must label the same reports")

    def pairs(counts: Counter[Hashable] | Counter[tuple[Hashable, Hashable]]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    together = pairs(Counter(zip(predicted, truth, strict=True)))
    predicted_pairs, true_pairs = pairs(Counter(predicted)), pairs(Counter(truth))
    return Scores(
        together / predicted_pairs if predicted_pairs else 1.0,
        together / true_pairs if true_pairs else 1.0,
    )
