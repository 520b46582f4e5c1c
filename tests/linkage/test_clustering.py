"""Clustering that does not chain distinct events, and the scorer that mirrors Splink."""

from __future__ import annotations

from datetime import date

import numpy as np

from civharm.linkage.clustering import cluster
from civharm.linkage.engine import link_records
from civharm.linkage.features import feature_row
from civharm.linkage.model import ModelParams, probability, score_pair
from civharm.linkage.normalise import fold_place
from civharm.linkage.records import LinkRecord


def test_a_report_between_two_events_does_not_chain_them() -> None:
    # 0-1 are event A, 3-4 event B; report 2 looks like both. A and B clearly disagree.
    left = np.array([0, 1, 0, 3, 2, 2, 0, 1], dtype=np.int64)
    right = np.array([1, 2, 2, 4, 3, 4, 3, 4], dtype=np.int64)
    weight = np.array([12.0, 6.0, 5.0, 12.0, 6.5, 5.5, -9.0, -9.0])
    labels, merges = cluster(5, left, right, weight, threshold=0.0)
    assert labels[0] == labels[1] and labels[3] == labels[4]
    assert labels[0] != labels[3]
    assert all(m.gain > 0 for m in merges)


def test_connected_components_would_have_chained_them() -> None:
    left = np.array([0, 1, 2], dtype=np.int64)
    right = np.array([1, 2, 3], dtype=np.int64)
    labels, _ = cluster(4, left, right, np.array([8.0, 8.0, 8.0]), threshold=0.0)
    # 0 and 3 were never compared: assumed to disagree, so the chain stops.
    assert len(set(labels.tolist())) == 2


def _report(
    rid: str, day: int, *, killed: int, text: str, source: str, place: str = "Al-Mayadin"
) -> LinkRecord:
    return LinkRecord(
        report_id=rid,
        source=source,
        date=date(2017, 3, day),
        latitude=35.0198 + 0.002 * (rid[-1] == "b"),
        longitude=40.4515,
        place_name=place,
        killed=(killed, killed),
        description=text,
    )


def test_two_distinct_strikes_in_one_town_on_consecutive_days_stay_apart() -> None:
    records = [
        _report("a1", 10, killed=12, text="Airstrike hit the market in the morning", source="media-01"),
        _report(
            "a2",
            10,
            killed=11,
            text="Warplanes struck the souq this morning",
            source="ngo-01",
            place="Mayadeen",
        ),
        _report(
            "a3", 10, killed=12, text="غارة على سوق الميادين صباح", source="council-01", place="الميادين"
        ),
        _report("b1", 11, killed=2, text="Clashes near the checkpoint overnight", source="media-01"),
        _report("b2", 11, killed=2, text="Gunfire at a checkpoint at night", source="ngo-01"),
    ]
    result = link_records(records, retrain=False)
    labels = result.labels.tolist()
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4]
    assert labels[0] != labels[3]


def test_arabic_and_latin_spellings_fold_to_one_name() -> None:
    assert (
        fold_place("Al-Mayadin")
        == fold_place("Mayadeen")
        == fold_place("الميادين")
        == fold_place("El Mayadin")
    )
    assert fold_place("Deir ez-Zor") == fold_place("دير الزور") == fold_place("Dayr az Zawr")
    assert fold_place("Manbij") == fold_place("منبج")
    assert fold_place("Raqqa") != fold_place("Manbij")


def test_python_scores_match_splink(linked_pairs: tuple[object, ...]) -> None:
    frame, pairs, params = linked_pairs  # type: ignore[misc]
    rows = frame.to_dict("records")  # type: ignore[attr-defined]
    for _, pair in pairs.head(300).iterrows():  # type: ignore[attr-defined]
        left, right = _clean(rows[int(pair["rid_l"])]), _clean(rows[int(pair["rid_r"])])
        weight, _ = score_pair(params, left, right)
        assert (
            abs(probability(weight) - float(pair["match_probability"])) < 1e-6
            or abs(weight - float(pair["match_weight"])) < 1e-6
        )


def _clean(row: dict[str, object]) -> dict[str, object]:
    return {
        k: (None if v is None or (isinstance(v, float) and v != v) or v is _NA else v) for k, v in row.items()
    }


try:
    import pandas as pd

    _NA = pd.NA
except ImportError:  # pragma: no cover
    _NA = object()


def test_a_single_new_report_is_scored_like_the_batch() -> None:
    params = ModelParams.starting()
    a = feature_row(0, _report("a1", 10, killed=3, text="shelling of the market", source="s1"))
    b = feature_row(
        1, _report("a2", 10, killed=3, text="shells hit the market", source="s2", place="Mayadeen")
    )
    weight, parts = score_pair(params, a, b)
    assert parts["place"][0] == 1 and parts["date"][0] == 1 and weight > 0
