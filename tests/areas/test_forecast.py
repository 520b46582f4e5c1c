"""The forecast: honest panels with zeros, baselines computed by hand, and the command's files."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from civharm.areas.events import parse_month, read_events
from civharm.areas.forecast import FEATURE_NAMES, build_panel, features, forecast_origin, rolling_forecast
from civharm.areas.grids import PrioGrid, priogrid_gid
from civharm.cli.main import app
from civharm.errors import InputFileError

runner = CliRunner()


def events(*rows: tuple[str, float, float, float]) -> pd.DataFrame:
    """Events as (date, lat, lon, civilian deaths)."""
    return pd.DataFrame(
        {
            "event_id": [str(i) for i in range(len(rows))],
            "date": pd.to_datetime([r[0] for r in rows]),
            "latitude": [r[1] for r in rows],
            "longitude": [r[2] for r in rows],
            "deaths_civilians": [r[3] for r in rows],
            "deaths_total": [r[3] + 1 for r in rows],
            "topics": ["poc"] * len(rows),
        }
    )


def test_quiet_cells_and_months_count_as_zeros() -> None:
    # two events a cell and a half apart, three months apart
    frame = events(("2020-01-15", 35.1, 40.1, 4), ("2020-04-02", 35.6, 40.9, 2))
    panel = build_panel(frame, PrioGrid())
    # the bounding box touches 2 x 2 cells; all of them are in the study area
    assert panel.cells == ["180441", "180442", "181161", "181162"]
    assert [m % 12 + 1 for m in panel.months] == [1, 2, 3, 4]
    assert panel.civilian.sum(axis=1).tolist() == [4.0, 0.0, 0.0, 2.0]
    assert panel.civilian[0].tolist() == [4.0, 0.0, 0.0, 0.0]
    assert panel.events[3].tolist() == [0.0, 0.0, 0.0, 1.0]
    # every cell of the box neighbours the three others
    assert all(len(r) == 3 for r in panel.ring1)


def test_features_use_only_the_past() -> None:
    frame = events(("2020-01-15", 35.1, 40.1, 4), ("2020-03-02", 35.1, 40.1, 9))
    panel = build_panel(frame, PrioGrid(), cells=["180441", "180442"])
    cube = features(panel)
    at = {name: cube[0, :, i] for i, name in enumerate(FEATURE_NAMES)}
    assert np.allclose(at["deaths_t"], np.log1p([4, 0, 9]))
    assert np.isnan(at["deaths_t-1"][0]) and np.allclose(at["deaths_t-1"][1:], np.log1p([4, 0]))
    # rolling mean over the months available so far
    assert np.allclose(at["deaths_mean_3"], [np.log1p(4), np.log1p(4) / 2, (np.log1p(4) + np.log1p(9)) / 3])
    assert at["months_since_civilian_deaths"].tolist() == [0.0, 1.0, 0.0]
    # the neighbour of the quiet cell is the busy one
    assert np.allclose(cube[1, :, FEATURE_NAMES.index("neighbours_deaths_t")], np.log1p([4, 0, 9]))


def test_baselines_by_hand() -> None:
    rows = [(f"2020-{m:02d}-10", 35.1, 40.1, float(m)) for m in range(1, 13)]  # 1, 2, ..., 12 deaths
    rows += [(f"2021-0{m}-10", 35.1, 40.1, 0.0) for m in (1, 2)]
    panel = build_panel(events(*rows), PrioGrid(), cells=["180441", "180442"])
    origin = 11  # December 2020
    out = forecast_origin(panel, features(panel), origin, horizon=2)
    assert out["last_value"][1].tolist() == [12.0, 0.0]
    assert out["mean_12_months"][2].tolist() == [6.5, 0.0]  # (1 + ... + 12) / 12
    assert out["zero"][1].tolist() == [0.0, 0.0]
    assert (out["civharm"][1] >= 0).all()


def test_rolling_forecast_scores_only_months_in_the_data() -> None:
    rng = np.random.default_rng(3)
    rows = [
        (
            f"{2019 + m // 12}-{m % 12 + 1:02d}-05",
            35.1 + 0.5 * (c % 3),
            40.1 + 0.5 * (c // 3),
            float(rng.poisson(3)),
        )
        for m in range(18)
        for c in range(9)
        if rng.random() < 0.5
    ]
    panel = build_panel(events(*rows), PrioGrid())
    result = rolling_forecast(
        panel, first_origin=parse_month("2020-04"), last_origin=parse_month("2020-05"), horizon=2
    )
    # origins April and May 2020; the data end in June 2020, so only 3 of 4 forecasts can be scored
    assert set(result.metrics["model"]) == {"civharm", "last_value", "mean_12_months", "zero"}
    n = result.metrics.set_index(["model", "horizon"])["n"]
    assert n[("civharm", 1)] == 2 * len(panel.cells) and n[("civharm", 2)] == len(panel.cells)
    assert set(result.predictions["month"]) == {"2020-05", "2020-06", "2020-07"}
    assert len(result.predictions) == 2 * 2 * 4 * len(panel.cells)
    with pytest.raises(ValueError, match="forecast origins must be months of the data"):
        rolling_forecast(panel, first_origin=parse_month("2024-01"), horizon=1)


@pytest.fixture
def ged_slice(shared_data: Path, tmp_path: Path) -> Path:
    """UCDP GED events of 2016 around Aleppo: a small slice of the real file."""
    source = shared_data / "ucdp_ged_syria_2016_2017.csv"
    target = tmp_path / "ged_slice.csv"
    with source.open(encoding="utf-8") as src, target.open("w", encoding="utf-8", newline="") as out:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            latitude, longitude = float(row["latitude"]), float(row["longitude"])
            if row["date_start"] < "2016-10" and 35.5 <= latitude <= 37.0 and 36.5 <= longitude <= 39.0:
                writer.writerow(row)
    return target


def test_forecast_command_writes_metrics_and_predictions(ged_slice: Path, tmp_path: Path) -> None:
    metrics, predictions = tmp_path / "metrics.csv", tmp_path / "predictions.csv"
    result = runner.invoke(
        app,
        [
            "areas", "forecast", "--events", str(ged_slice), "--unit", "priogrid", "--train-until", "2016-07",
            "--horizon", "2", "--output", str(metrics), "--predictions", str(predictions),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(metrics)
    assert list(scored.columns) == ["model", "horizon", "mse", "msle"]
    assert len(scored) == 8 and (scored["msle"] >= 0).all()
    predicted = pd.read_csv(predictions, dtype={"area_id": str})
    assert list(predicted.columns) == ["area_id", "month", "horizon", "model", "predicted"]
    assert set(predicted["month"]) == {"2016-08", "2016-09"}
    assert (predicted["predicted"] >= 0).all()
    # every cell of the study area (the events' bounding box: 3 x 6 cells) is forecast,
    # including the two where nothing happened
    cells = set(predicted["area_id"])
    sliced = read_events(ged_slice)
    with_events = {str(g) for g in priogrid_gid(sliced["latitude"], sliced["longitude"])}
    assert len(cells) == 18 and len(predicted) == 18 * 2 * 4
    assert len(with_events) == 16
    assert with_events < cells


def test_trends_command(ged_slice: Path, tmp_path: Path) -> None:
    monthly, summary = tmp_path / "trends.csv", tmp_path / "summary.csv"
    args = [
        "areas",
        "trends",
        "--events",
        str(ged_slice),
        "--output",
        str(monthly),
        "--summary",
        str(summary),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(monthly, dtype={"area_id": str})
    assert list(frame.columns) == ["area_id", "month", "topic", "events", "deaths_civilians", "deaths_total"]
    assert set(frame["topic"]) == {"all", "poc"}
    # every area has all nine months, quiet ones as zeros
    assert (frame[frame["topic"] == "all"].groupby("area_id").size() == 9).all()
    assert set(pd.read_csv(summary)["direction"]) <= {"rising", "falling", "stable"}


def test_a_bad_event_file_is_refused_with_rows(tmp_path: Path) -> None:
    path = tmp_path / "ged.csv"
    path.write_text(
        "id,type_of_violence,where_prec,latitude,longitude,date_start,best,deaths_civilians\n"
        "1,3,1,35.1,40.1,2020-01-05,2,2\n"
        "2,3,1,north,40.1,2020-13-05,2,2\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        read_events(path)
    assert "row 3, field 'date_start': is not a valid date" in str(caught.value)
    assert "row 3, field 'latitude': is not a number" in str(caught.value)


def test_acled_events_carry_civilian_deaths_and_topics(shared_data: Path) -> None:
    frame = read_events(shared_data / "acled_2022q1_sample.csv")
    assert len(frame) == 4524
    assert frame["topics"].value_counts().to_dict() == {"": 3683, "poc": 827, "poc;crsv": 14}
    # only violence against civilians counts as civilian deaths; all fatalities count in the total
    assert frame["deaths_civilians"].sum() == 565 and frame["deaths_total"].sum() == 2039


def test_assign_a_files_events_to_cells(ged_slice: Path, tmp_path: Path) -> None:
    output = tmp_path / "assigned.csv"
    args = ["areas", "assign", "--unit", "priogrid", "--events", str(ged_slice), "--output", str(output)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assigned = pd.read_csv(output, dtype={"area_id": str, "event_id": str})
    original = pd.read_csv(ged_slice, dtype={"priogrid_gid": str, "id": str})
    # UCDP's own priogrid_gid agrees with ours for every event of the slice
    merged = assigned.merge(original, left_on="event_id", right_on="id")
    assert len(merged) == len(original) and (merged["area_id"] == merged["priogrid_gid"]).all()
