"""Cohen's kappa between two coders, with characters as the units (as QualCoder does).

For each code, every character of every document is either coded with it or not by each
coder, which gives a 2x2 table per code. Kappa per code comes from its table; the overall
kappa comes from the tables of all codes summed cell by cell. Overlapping segments of one
code by one coder count each character once.

Convention for a code without variance: when both coders put every character in the same
cell (expected agreement is 1), kappa is 0/0 and therefore undefined; it is reported as NaN
(printed ``nan``), never silently as 0 or 1.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodedSpan:
    """A span ``[start, end)`` of a document coded with ``code``."""

    document_id: str
    start: int
    end: int
    code: str


@dataclass(frozen=True, slots=True)
class AgreementTable:
    """Characters coded by both coders, by A only, by B only, and by neither."""

    both: int = 0
    a_only: int = 0
    b_only: int = 0
    neither: int = 0

    @property
    def total(self) -> int:
        return self.both + self.a_only + self.b_only + self.neither

    def __add__(self, other: AgreementTable) -> AgreementTable:
        return AgreementTable(
            self.both + other.both,
            self.a_only + other.a_only,
            self.b_only + other.b_only,
            self.neither + other.neither,
        )

    def kappa(self) -> float:
        """``(p_o - p_e) / (1 - p_e)``; NaN when expected agreement is 1 (no variance)."""
        n = self.total
        if n == 0:
            return math.nan
        observed = (self.both + self.neither) / n
        a_yes, b_yes = (self.both + self.a_only) / n, (self.both + self.b_only) / n
        expected = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
        if math.isclose(expected, 1.0, rel_tol=0, abs_tol=1e-15):
            return math.nan
        return (observed - expected) / (1 - expected)


def _covered(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge spans into disjoint, sorted intervals."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Number of characters in both sets of disjoint sorted intervals."""
    i = j = shared = 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        shared += max(0, high - low)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return shared


def agreement_tables(
    coder_a: Iterable[CodedSpan], coder_b: Iterable[CodedSpan], document_lengths: Mapping[str, int]
) -> dict[str, AgreementTable]:
    """One 2x2 table per code used by either coder, over every character of every document."""
    spans: dict[tuple[int, str, str], list[tuple[int, int]]] = defaultdict(list)
    codes: set[str] = set()
    for which, coded in ((0, coder_a), (1, coder_b)):
        for span in coded:
            spans[(which, span.code, span.document_id)].append((span.start, span.end))
            codes.add(span.code)
    corpus = sum(document_lengths.values())
    tables = {}
    for code in sorted(codes):
        both = a_total = b_total = 0
        for document in document_lengths:
            a = _covered(spans.get((0, code, document), []))
            b = _covered(spans.get((1, code, document), []))
            a_total += sum(end - start for start, end in a)
            b_total += sum(end - start for start, end in b)
            both += _overlap(a, b)
        tables[code] = AgreementTable(
            both=both,
            a_only=a_total - both,
            b_only=b_total - both,
            neither=corpus - a_total - b_total + both,
        )
    return tables


def kappa_by_code(tables: Mapping[str, AgreementTable]) -> tuple[dict[str, float], float]:
    """Kappa per code and the overall kappa from the summed tables."""
    per_code = {code: table.kappa() for code, table in tables.items()}
    summed = sum(tables.values(), AgreementTable())
    return per_code, summed.kappa()
