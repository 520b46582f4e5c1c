"""A small generated report set from real UCDP events, linked once for the module's tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from civharm.linkage.engine import LinkResult, link_records
from civharm.linkage.generator import generate, read_events
from civharm.linkage.records import LinkRecord


@dataclass
class Linked:
    records: list[LinkRecord]
    truth: list[str]
    result: LinkResult


@pytest.fixture(scope="session")
def january_2017(shared_data: Path) -> tuple[list[LinkRecord], list[str]]:
    """Reports of every UCDP event of January 2017 in Syria (a held-out month: tuning used 2016)."""
    events = [
        e
        for e in read_events(shared_data / "ucdp_ged_syria_2016_2017.csv", years=(2017,))
        if e.day < date(2017, 1, 21)
    ]
    return generate(events, seed=5)


@pytest.fixture(scope="session")
def linked(january_2017: tuple[list[LinkRecord], list[str]]) -> Linked:
    records, truth = january_2017
    return Linked(records, truth, link_records(records))


@pytest.fixture(scope="session")
def linked_pairs(linked: Linked) -> tuple[object, ...]:
    from civharm.linkage.features import feature_frame

    return feature_frame(linked.records), linked.result.pairs, linked.result.params
