"""The same model on a local Spark session gives the same scores as on DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from civharm.linkage.engine import cluster_pairs, predict
from civharm.linkage.features import feature_frame
from civharm.linkage.model import ModelParams
from tests.linkage.test_files import ROWS

pyspark = pytest.importorskip("pyspark", reason="install the spark extra: pip install -e '.[spark]'")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("civharm-linkage-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.mark.slow
def test_spark_scores_pairs_like_duckdb(spark: Any, tmp_path: Any) -> None:
    from civharm.linkage.records import read_records
    from civharm.linkage.spark import spark_predict
    from tests.linkage.test_files import HEADER

    path = tmp_path / "reports.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    frame = feature_frame(read_records(path))
    params = ModelParams.starting()
    on_duckdb = predict(frame, params).sort_values(["rid_l", "rid_r"]).reset_index(drop=True)
    on_spark = spark_predict(spark, frame, params).sort_values(["rid_l", "rid_r"]).reset_index(drop=True)
    assert len(on_spark) == len(on_duckdb) > 0
    assert on_spark[["rid_l", "rid_r"]].values.tolist() == on_duckdb[["rid_l", "rid_r"]].values.tolist()
    assert (abs(on_spark["match_weight"] - on_duckdb["match_weight"]) < 1e-6).all()
    labels, _, _ = cluster_pairs(len(frame), on_spark)
    assert labels[0] == labels[1] == labels[2] != labels[3]
