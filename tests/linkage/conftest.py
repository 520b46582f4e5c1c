"""A small generated report set from real UCDP events, linked once for the module's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

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


def _spark_missing() -> str | None:
    """Why the Spark backend cannot run here, or None (``scripts/setup --test`` installs both)."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed: pip install -e '.[spark]' (scripts/setup --test does)"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java 17 is not installed: apt-get install openjdk-17-jre-headless (scripts/setup --test does)"
    return None


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for every Spark test, tuned to start fast on tiny data.

    Whole-stage code generation and adaptive planning pay off on big data only; on a few
    rows they are most of the time. The JVM stops at its first compiler tier for the same reason.
    """
    reason = _spark_missing()
    if reason:
        pytest.skip(reason)
    from pyspark.sql import SparkSession

    java_options = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss4m"
    session = (
        SparkSession.builder.master("local[1]")
        .appName("civharm-linkage-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.driver.memory", "512m")
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.sql.execution.arrow.pyspark.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()
