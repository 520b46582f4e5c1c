"""Estimation without labels: m from the engine's own incidents, u and the prior among candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from civharm.linkage.comparisons import comparisons
from civharm.linkage.engine import calibrate, refine_m
from civharm.linkage.features import description_tokens
from civharm.linkage.generator import generate, generate_copies, read_events
from civharm.linkage.model import ModelParams


def _levels(rows: list[tuple[int, int, dict[str, int]]]) -> pd.DataFrame:
    names = [c.name for c in comparisons()]
    data: dict[str, list[int]] = {"rid_l": [], "rid_r": [], **{f"lv_{n}": [] for n in names}}
    for left, right, chosen in rows:
        data["rid_l"].append(left)
        data["rid_r"].append(right)
        for name in names:
            data[f"lv_{name}"].append(chosen.get(name, 1))
    return pd.DataFrame(
        {k: np.array(v, dtype=np.int64 if k.startswith("rid") else np.int8) for k, v in data.items()}
    )


def test_m_is_re_estimated_from_the_pairs_inside_the_engines_incidents() -> None:
    # Reports 0-1 and 2-3 form incidents: their pairs agree on the place; pairs across disagree.
    levels = _levels(
        [(0, 1, {"place": 1}), (2, 3, {"place": 1})] + [(a, b, {"place": 4}) for a in (0, 1) for b in (2, 3)]
    )
    start = calibrate(ModelParams.starting(), levels)
    refined = refine_m(start, levels, np.array([0, 0, 2, 2]))
    same_name, different = refined.levels["place"][1][0], refined.levels["place"][4][0]
    assert same_name > 0.6 > different


def test_a_level_no_candidate_reaches_carries_no_evidence() -> None:
    levels = _levels([(0, 1, {"date": 2}), (1, 2, {"date": 3})])
    params = calibrate(ModelParams.starting(), levels)
    assert params.level_weight("date", len(params.levels["date"]) - 1) == 0.0


def test_description_words_leave_the_place_and_the_numbers_to_their_own_comparisons() -> None:
    tokens = description_tokens("Shelling hit Al-Mayadin market, 4 killed", "Al-Mayadin")
    assert "market" in tokens and "shelling" in tokens
    assert not {"mayadin", "4"} & set(tokens)


def test_copies_one_at_a_time_are_the_reports_of_the_whole_set(shared_data: Path) -> None:
    events = read_events(shared_data / "ucdp_ged_syria_2016_2017.csv", years=(2017,))[:60]
    whole, truth = generate(events, seed=4, copies=2)
    chunks = list(generate_copies(events, seed=4, copies=2))
    ids = [r.report_id for records, _ in chunks for r in records]
    assert len(ids) == len(set(ids)) == len(whole)
    by_event: dict[str, list[str]] = {}
    for records, keys in chunks:
        for record, key in zip(records, keys, strict=True):
            by_event.setdefault(key, []).append(record.description)
    expected: dict[str, list[str]] = {}
    for record, key in zip(whole, truth, strict=True):
        expected.setdefault(key, []).append(record.description)
    assert {k: sorted(v) for k, v in by_event.items()} == {k: sorted(v) for k, v in expected.items()}
