"""Blocking: which pairs of reports are compared at all.

Only pairs that share an equality key are compared, never all pairs:

1. the same H3 cell neighbourhood (each report's cell and its six neighbours) and an
   overlapping date bucket;
2. the same first-order division and date bucket, when either report is imprecise about
   place (coarser than :data:`~civharm.linkage.features.COARSE_KM`) or has no coordinates;
3. the same folded place name and date bucket, so reports without coordinates still meet.

Each rule explodes the array columns (cells, buckets) and joins on equality, so the cost
grows with the number of reports near each other, not with the square of the data set.
"""

from __future__ import annotations

from typing import Any

from splink import block_on
from splink.blocking_rule_library import CustomRule


def prediction_rules(dialect: str = "duckdb") -> list[Any]:
    rules = [
        block_on("cells", "dbuckets", arrays_to_explode=["cells", "dbuckets"]),
        CustomRule(
            "l.admin1_key = r.admin1_key AND l.dbuckets = r.dbuckets AND (l.coarse OR r.coarse)",
            arrays_to_explode=["dbuckets"],
        ),
        block_on("place_key", "dbuckets", arrays_to_explode=["dbuckets"]),
    ]
    return [rule.create_blocking_rule_dict(dialect) for rule in rules]


def training_rules() -> list[tuple[Any, tuple[str, ...]]]:
    """EM sessions and the comparisons whose m each one sets.

    The first session (pairs on the same day anywhere) learns how far apart and how
    differently named reports of one event are. The second (same place name, same 4-day
    bucket) holds place fixed, so EM must separate one event from its neighbours in time by
    date, counts, words, particulars and source; the third (same coarse H3 cell and bucket)
    does the same for names. u always comes from random pairs.
    """
    return [
        (block_on("day"), ("distance",)),
        (block_on("place_key", "week"), ("date", "killed", "injured", "text", "details", "source")),
        (block_on("cell5", "week"), ("place", "admin1")),
    ]


#: Pairs this rule selects are assumed to be this share of all true matches (sets the prior).
PRIOR_RULE_RECALL = 0.5


def prior_rule() -> Any:
    return block_on("place_key", "day")
