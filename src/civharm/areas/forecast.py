"""Forecast civilian deaths per area-month 1-6 months ahead, and score the forecast honestly.

The study area is a fixed set of cells, and every cell-month in it counts, with zeros where
nothing happened: leaving quiet cells out would flatter every model. For each horizon ``h``
one gradient-boosting model (scikit-learn's histogram gradient boosting, squared error on
``log1p`` of deaths, so it minimises the MSLE directly) learns from the months up to the
forecast origin: the month-``t`` features of a cell predict its deaths in month ``t + h``.
The features use only what was known at ``t``: the cell's own recent deaths, rolling means,
months since the last event, the same for its neighbours (spatial lags), and all deaths and
event counts, not only civilian ones.

Baselines (ViEWS practice): the last month's value, the mean of the last 12 months, and zero.
A rolling-origin evaluation refits everything at each origin and scores every forecast whose
month is in the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from civharm.areas.events import month_index, month_label
from civharm.areas.grids import Grid

MODELS = ("civharm", "last_value", "mean_12_months", "zero")
FEATURE_NAMES = (
    "deaths_t",
    "deaths_t-1",
    "deaths_t-2",
    "deaths_mean_3",
    "deaths_mean_6",
    "deaths_mean_12",
    "deaths_mean_all",
    "all_deaths_t",
    "all_deaths_mean_3",
    "all_deaths_mean_12",
    "events_t",
    "events_mean_3",
    "months_since_civilian_deaths",
    "months_since_event",
    "neighbours_deaths_t",
    "neighbours_deaths_mean_3",
    "neighbours_all_deaths_mean_3",
    "ring2_deaths_mean_3",
)
#: "Months since" is counted up to this many; longer quiet spells look the same to the model.
MONTHS_SINCE_CAP = 24

Matrix = npt.NDArray[np.float64]


@dataclass
class Panel:
    """Cells x consecutive months of civilian deaths, all deaths and event counts."""

    cells: list[str]
    months: list[int]
    civilian: Matrix
    total: Matrix
    events: Matrix
    #: Per cell, the positions of its neighbours inside the study area (ring 1 and ring 2).
    ring1: list[npt.NDArray[np.int64]]
    ring2: list[npt.NDArray[np.int64]]


def build_panel(
    events: pd.DataFrame,
    grid: Grid,
    *,
    cells: Sequence[str] | None = None,
    first_month: int | None = None,
    last_month: int | None = None,
) -> Panel:
    """Count events per cell and month over the study area.

    ``cells`` is the study area; by default every cell the bounding box of the events
    touches, so cells with no event at all are in it, with zeros.
    """
    if events.empty and cells is None:
        raise ValueError("no events: cannot tell the study area; give the cells")
    event_cells = grid.cells_of(events["latitude"].to_numpy(), events["longitude"].to_numpy())
    if cells is None:
        bbox = (
            float(events["longitude"].min()),
            float(events["latitude"].min()),
            float(events["longitude"].max()),
            float(events["latitude"].max()),
        )
        cells = grid.cells_in_bbox(bbox)
    cell_index = pd.Index(list(cells))
    months_of = month_index(events["date"]).to_numpy() if len(events) else np.array([], dtype=np.int64)
    first = int(months_of.min()) if first_month is None else first_month
    last = int(months_of.max()) if last_month is None else last_month
    months = list(range(first, last + 1))
    rows = cell_index.get_indexer(pd.Index(event_cells))
    columns = months_of - first
    keep = (rows >= 0) & (columns >= 0) & (columns < len(months))
    shape = (len(cell_index), len(months))
    civilian, total, counts = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    np.add.at(civilian, (rows[keep], columns[keep]), events["deaths_civilians"].to_numpy()[keep])
    np.add.at(total, (rows[keep], columns[keep]), events["deaths_total"].to_numpy()[keep])
    np.add.at(counts, (rows[keep], columns[keep]), 1.0)
    position = {c: i for i, c in enumerate(cell_index)}

    def ring(cell: str, distance: int) -> npt.NDArray[np.int64]:
        inner = set(grid.neighbours(cell, distance - 1)) if distance > 1 else set()
        found = [position[n] for n in grid.neighbours(cell, distance) if n in position and n not in inner]
        return np.array(found, dtype=np.int64)

    return Panel(
        cells=[str(c) for c in cell_index],
        months=months,
        civilian=civilian,
        total=total,
        events=counts,
        ring1=[ring(c, 1) for c in cell_index],
        ring2=[ring(c, 2) for c in cell_index],
    )


def _rolling_mean(values: Matrix, window: int) -> Matrix:
    """Mean over the last ``window`` months up to each month (fewer at the start of the data)."""
    cumulative = np.cumsum(values, axis=1)
    shifted = np.zeros_like(cumulative)
    shifted[:, window:] = cumulative[:, :-window]
    counts = np.minimum(np.arange(1, values.shape[1] + 1), window)
    return (cumulative - shifted) / counts


def _lag(values: Matrix, by: int) -> Matrix:
    out = np.full_like(values, np.nan)
    out[:, by:] = values[:, : values.shape[1] - by]
    return out


def _months_since(occurred: npt.NDArray[np.bool_]) -> Matrix:
    out = np.full(occurred.shape, float(MONTHS_SINCE_CAP))
    last = np.full(occurred.shape[0], -MONTHS_SINCE_CAP - 1)
    for t in range(occurred.shape[1]):
        last = np.where(occurred[:, t], t, last)
        out[:, t] = np.minimum(t - last, MONTHS_SINCE_CAP)
    return out


def _neighbour_mean(values: Matrix, rings: list[npt.NDArray[np.int64]]) -> Matrix:
    out = np.zeros_like(values)
    for cell, neighbours in enumerate(rings):
        if len(neighbours):
            out[cell] = values[neighbours].mean(axis=0)
    return out


def features(panel: Panel) -> npt.NDArray[np.float64]:
    """``(cells, months, features)``: what is known at the end of each month (:data:`FEATURE_NAMES`)."""
    civ, tot, ev = np.log1p(panel.civilian), np.log1p(panel.total), np.log1p(panel.events)
    civ3 = _rolling_mean(civ, 3)
    tot3 = _rolling_mean(tot, 3)
    columns = [
        civ,
        _lag(civ, 1),
        _lag(civ, 2),
        civ3,
        _rolling_mean(civ, 6),
        _rolling_mean(civ, 12),
        np.cumsum(civ, axis=1) / np.arange(1, civ.shape[1] + 1),
        tot,
        tot3,
        _rolling_mean(tot, 12),
        ev,
        _rolling_mean(ev, 3),
        _months_since(panel.civilian > 0),
        _months_since(panel.events > 0),
        _neighbour_mean(civ, panel.ring1),
        _neighbour_mean(civ3, panel.ring1),
        _neighbour_mean(tot3, panel.ring1),
        _neighbour_mean(civ3, panel.ring2),
    ]
    return np.stack(columns, axis=2)


def new_model(seed: int = 0) -> HistGradientBoostingRegressor:
    """Shallow, slowly learning trees with an L2 penalty: the panels are small and mostly zeros."""
    return HistGradientBoostingRegressor(
        loss="squared_error",
        learning_rate=0.05,
        max_iter=200,
        max_leaf_nodes=15,
        min_samples_leaf=20,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    )


@dataclass
class ForecastResult:
    #: ``area_id, month, horizon, model, predicted`` (``month`` is the month forecast, YYYY-MM).
    predictions: pd.DataFrame
    #: ``model, horizon, mse, msle, n`` over every scored forecast (``n`` cell-months).
    metrics: pd.DataFrame


def forecast_origin(
    panel: Panel, cube: npt.NDArray[np.float64], origin: int, horizon: int, seed: int = 0
) -> dict[str, dict[int, Matrix]]:
    """Predictions of every model for months ``origin + 1 .. origin + horizon`` (position in the panel)."""
    civ_log = np.log1p(panel.civilian)
    out: dict[str, dict[int, Matrix]] = {model: {} for model in MODELS}
    window = panel.civilian[:, max(0, origin - 11) : origin + 1]
    for h in range(1, horizon + 1):
        x_train = cube[:, : origin - h + 1].reshape(-1, cube.shape[2])
        y_train = civ_log[:, h : origin + 1].reshape(-1)
        if len(y_train) == 0:
            raise ValueError(f"no month to learn horizon {h} from before {month_label(panel.months[origin])}")
        # One thread: these fits are small, and OpenMP threads spinning against other
        # processes on a busy two-core machine make them many times slower, not faster.
        with threadpool_limits(limits=1, user_api="openmp"):
            model = new_model(seed).fit(x_train, y_train)
            predicted = model.predict(cube[:, origin])
        out["civharm"][h] = np.maximum(np.expm1(predicted), 0.0)
        out["last_value"][h] = panel.civilian[:, origin].copy()
        out["mean_12_months"][h] = window.mean(axis=1)
        out["zero"][h] = np.zeros(len(panel.cells))
    return out


def rolling_forecast(
    panel: Panel, *, first_origin: int, last_origin: int | None = None, horizon: int = 6, seed: int = 0
) -> ForecastResult:
    """Forecast from every origin month ``first_origin .. last_origin`` (month indexes) and score it.

    Each origin uses only the months up to it. Forecasts for months beyond the data are
    kept in the predictions but not scored.
    """
    last_origin = first_origin if last_origin is None else last_origin
    position = {m: i for i, m in enumerate(panel.months)}
    if first_origin not in position or last_origin not in position or last_origin < first_origin:
        span = f"{month_label(panel.months[0])}..{month_label(panel.months[-1])}"
        raise ValueError(f"forecast origins must be months of the data ({span})")
    cube = features(panel)
    prediction_parts: list[pd.DataFrame] = []
    errors: list[dict[str, object]] = []
    for origin in range(position[first_origin], position[last_origin] + 1):
        for model, by_horizon in forecast_origin(panel, cube, origin, horizon, seed).items():
            for h, predicted in by_horizon.items():
                month = panel.months[origin] + h
                prediction_parts.append(
                    pd.DataFrame(
                        {
                            "area_id": panel.cells,
                            "month": month_label(month),
                            "horizon": h,
                            "model": model,
                            "predicted": predicted,
                        }
                    )
                )
                if origin + h < len(panel.months):
                    actual = panel.civilian[:, origin + h]
                    errors.append(
                        {
                            "model": model,
                            "horizon": h,
                            "squared": ((predicted - actual) ** 2).sum(),
                            "squared_log": ((np.log1p(predicted) - np.log1p(actual)) ** 2).sum(),
                            "n": len(actual),
                        }
                    )
    return ForecastResult(
        predictions=pd.concat(prediction_parts, ignore_index=True), metrics=_metrics(errors)
    )


def _metrics(errors: list[dict[str, object]]) -> pd.DataFrame:
    if not errors:
        return pd.DataFrame(columns=["model", "horizon", "mse", "msle", "n"])
    summed = pd.DataFrame(errors).groupby(["model", "horizon"], sort=False).sum().reset_index()
    summed["mse"] = summed["squared"] / summed["n"]
    summed["msle"] = summed["squared_log"] / summed["n"]
    order = {m: i for i, m in enumerate(MODELS)}
    summed = summed.sort_values(["horizon", "model"], key=lambda c: c.map(order) if c.name == "model" else c)
    return summed[["model", "horizon", "mse", "msle", "n"]].reset_index(drop=True)
