"""The areas part of the demo: PRIO-GRID cells over the Euphrates valley, synthetic indicators,
scores on the default framework and a forecast from the demo incidents.

The cells and town names are real; every indicator value is invented (source
``synthetic (demo)``), loosely following the demo's own incidents so the maps tell one story.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from civharm.areas.assessment import score_frame
from civharm.areas.events import month_index, store_events
from civharm.areas.forecast import build_panel, rolling_forecast
from civharm.areas.framework import Framework, Transform, load_framework
from civharm.areas.grids import PrioGrid
from civharm.areas.indicators import latest_values
from civharm.areas.models import Area
from civharm.areas.scoring import score_units
from civharm.areas.service import (
    assign_records,
    ensure_grid_areas,
    save_forecasts,
    save_indicator_values,
    save_scores,
    touch_area,
)
from civharm.demo.scenario import AREA
from civharm.incidents.models import Incident

DEMO_SOURCE = "demo"
SYNTHETIC = "synthetic (demo)"
DEMO_FRAMEWORK = "human_security (demo)"
DEMO_RUN = "demo forecast (synthetic)"
#: Months ahead in the demo forecast; it needs a few more months of incidents than that to learn from.
FORECAST_HORIZON = 3


@dataclass
class AreasDemo:
    cells: int = 0
    indicator_values: int = 0
    scores: int = 0
    forecasts: int = 0
    already_loaded: bool = False


def load_areas_demo(session: Session, *, seed: int = 7) -> AreasDemo:
    """Add the demo's areas, synthetic indicators, scores and forecast once; a second call does nothing."""
    if session.scalar(select(exists().where(Area.source == DEMO_SOURCE))):
        return AreasDemo(already_loaded=True)
    grid = PrioGrid()
    cells = grid.cells_in_bbox(AREA)
    ids = ensure_grid_areas(session, grid=grid, cells=cells, source=DEMO_SOURCE)
    _name_cells(session, ids)
    assign_records(session, kind=grid.kind, grid=grid)
    events = store_events(session)
    killed = _civilians_killed_per_cell(events, cells)
    framework = load_framework()
    values = synthetic_indicators(cells, killed, framework=framework, seed=seed)
    summary = AreasDemo(cells=len(cells))
    summary.indicator_values = save_indicator_values(session, frame=values, kind=grid.kind, source=SYNTHETIC)
    latest = latest_values(values, framework)
    scores = score_frame(framework, latest, score_units(framework, latest.values))
    summary.scores = save_scores(session, framework=DEMO_FRAMEWORK, scores=scores, kind=grid.kind)
    months = month_index(events["date"]) if not events.empty else pd.Series(dtype="int64")
    if len(months) and int(months.max()) - int(months.min()) >= FORECAST_HORIZON + 1:
        panel = build_panel(events, grid, cells=cells)
        result = rolling_forecast(panel, first_origin=int(months.max()), horizon=FORECAST_HORIZON, seed=seed)
        summary.forecasts = save_forecasts(session, run=DEMO_RUN, predictions=result.predictions, grid=grid)
    return summary


def _name_cells(session: Session, ids: dict[str, int]) -> None:
    """Call each cell after the place most of its incidents happened in, so the map reads like the valley."""
    rows = session.execute(
        select(Incident.place_name, Incident.latitude, Incident.longitude).where(
            Incident.place_name.is_not(None), Incident.latitude.is_not(None), Incident.longitude.is_not(None)
        )
    ).all()
    if not rows:
        return
    cells = PrioGrid().cells_of([r.latitude for r in rows], [r.longitude for r in rows])
    places = pd.DataFrame({"cell": cells, "place": [r.place_name for r in rows]})
    commonest = places.groupby("cell")["place"].agg(lambda names: names.value_counts().index[0])
    for cell, place in commonest.items():
        if str(cell) in ids:
            touch_area(session, area_id=ids[str(cell)], name=f"PRIO-GRID {cell} ({place})")


def _civilians_killed_per_cell(events: pd.DataFrame, cells: list[str]) -> np.ndarray:
    if events.empty:
        return np.zeros(len(cells))
    located = pd.Series(PrioGrid().cells_of(events["latitude"], events["longitude"]))
    per_cell = events["deaths_civilians"].groupby(located.to_numpy()).sum()
    return per_cell.reindex(cells, fill_value=0.0).to_numpy(dtype=float)


def synthetic_indicators(
    cells: list[str], killed: np.ndarray, *, framework: Framework, seed: int
) -> pd.DataFrame:
    """Two years of every default indicator per cell, invented, worse where the demo has more harm.

    About one value in twelve is left out so the coverage report has something to show.
    """
    rng = np.random.default_rng(seed)
    stress = (
        np.clip(np.log1p(killed) / max(np.log1p(killed).max(), 1.0), 0, 1) * 0.7
        + rng.random(len(cells)) * 0.3
    )
    rows = []
    for name in framework.used_indicators():
        spec = framework.indicators[name]
        lower = spec.lower if spec.lower is not None else 0.0
        upper = spec.upper if spec.upper is not None else 50.0
        bad_share = stress if spec.higher_is_worse else 1 - stress
        for year in (2024, 2025):
            noise = rng.normal(0, 0.08, len(cells))
            share = np.clip(bad_share + noise, 0, 1)
            if spec.transform is Transform.LOG:
                value = np.expm1(share * np.log1p(upper))
            else:
                value = lower + share * (upper - lower)
            keep = rng.random(len(cells)) > 1 / 12
            rows.append(
                pd.DataFrame(
                    {
                        "area_id": np.asarray(cells)[keep],
                        "indicator": name,
                        "value": np.round(value[keep], 2),
                        "year": year,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)
