"""Trends of harm per area and month, by human-security topic."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from civharm.areas.events import month_index, month_label

#: The topic row that counts every event, whatever its topics.
ALL_TOPICS = "all"
MONTHLY_COLUMNS = ["area_id", "month", "topic", "events", "deaths_civilians", "deaths_total"]

Locate = Callable[[npt.NDArray[np.float64], npt.NDArray[np.float64]], Sequence[str | None]]


def monthly_harm(events: pd.DataFrame, locate: Locate) -> pd.DataFrame:
    """Events, civilian deaths and all deaths per area, month and topic (plus ``all``).

    Every month between the first and the last event appears for every area that has an
    event, with zeros in quiet months, so a trend is never drawn across a gap.
    """
    if events.empty:
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    located = events.assign(
        area_id=pd.Series(
            list(locate(events["latitude"].to_numpy(), events["longitude"].to_numpy())), dtype=object
        ),
        month=month_index(events["date"]),
    )
    located = located[located["area_id"].notna()]
    per_topic = located.assign(topic=located["topics"].str.split(";")).explode("topic")
    per_topic = per_topic[per_topic["topic"].fillna("") != ""]
    both = pd.concat([located.assign(topic=ALL_TOPICS), per_topic], ignore_index=True)
    grouped = (
        both.groupby(["area_id", "topic", "month"])
        .agg(
            events=("event_id", "size"),
            deaths_civilians=("deaths_civilians", "sum"),
            deaths_total=("deaths_total", "sum"),
        )
        .reset_index()
    )
    months = range(int(located["month"].min()), int(located["month"].max()) + 1)
    keys = grouped[["area_id", "topic"]].drop_duplicates()
    full = keys.merge(pd.DataFrame({"month": list(months)}), how="cross")
    filled = full.merge(grouped, on=["area_id", "topic", "month"], how="left").fillna(
        {"events": 0, "deaths_civilians": 0.0, "deaths_total": 0.0}
    )
    filled = filled.astype({"events": "int64"}).sort_values(["area_id", "topic", "month"], ignore_index=True)
    filled["month"] = [month_label(int(m)) for m in filled["month"]]
    return filled[MONTHLY_COLUMNS]


def trend_summary(monthly: pd.DataFrame, *, window: int = 6) -> pd.DataFrame:
    """Per area and topic: the last ``window`` months against the ``window`` before, and the slope.

    The slope is the least-squares change per month of ln(1 + civilian deaths) over the
    last ``window`` months; ``direction`` is ``rising`` or ``falling`` when the recent
    window's deaths differ from the previous window's by at least half and the slope agrees,
    else ``stable``.
    """
    rows = []
    for (area, topic), group in monthly.groupby(["area_id", "topic"], sort=True):
        deaths = group["deaths_civilians"].to_numpy(dtype=float)
        recent, previous = deaths[-window:], deaths[-2 * window : -window]
        slope = _slope(np.log1p(recent))
        recent_sum, previous_sum = float(recent.sum()), float(previous.sum())
        change = (
            (recent_sum - previous_sum) / previous_sum if previous_sum else (np.inf if recent_sum else 0.0)
        )
        direction = "stable"
        if change >= 0.5 and slope > 0:
            direction = "rising"
        elif change <= -0.5 and slope < 0:
            direction = "falling"
        rows.append(
            {
                "area_id": area,
                "topic": topic,
                "last_month": group["month"].iloc[-1],
                "deaths_recent": recent_sum,
                "deaths_previous": previous_sum,
                "events_recent": int(group["events"].to_numpy()[-window:].sum()),
                "slope_log_deaths": slope,
                "direction": direction,
            }
        )
    return pd.DataFrame(rows)


def _slope(values: npt.NDArray[np.float64]) -> float:
    if len(values) < 2:
        return 0.0
    x = np.arange(len(values), dtype=float)
    x -= x.mean()
    return float((x * (values - values.mean())).sum() / (x * x).sum())
