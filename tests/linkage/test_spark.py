"""The same model on a local Spark session gives the same scores as on DuckDB.

Four reports are enough: three tell one event (two placed, one without coordinates, one in
Arabic script), so every blocking rule and every comparison's SQL runs on Spark, and the
fourth is another event. The session is shared (``tests/linkage/conftest.py``) and skips
only when pyspark or Java is missing, which ``scripts/setup --test`` installs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from civharm.linkage.engine import cluster_pairs, predict
from civharm.linkage.features import feature_frame
from civharm.linkage.model import ModelParams
from civharm.linkage.records import read_records
from tests.linkage.test_files import HEADER, ROWS


def test_spark_scores_pairs_like_duckdb(spark: Any, tmp_path: Path) -> None:
    from civharm.linkage.spark import spark_predict

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
