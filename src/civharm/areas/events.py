"""Harm events from UCDP GED or ACLED files, or from the store, in one shape for trends and forecasts.

Every event becomes a row of :data:`EVENT_COLUMNS`: where (latitude, longitude), when
(``date``, the first day of the event), how many civilians were killed
(``deaths_civilians``), how many people in all (``deaths_total``) and the human-security
topics it touches (``topics``, ``;``-separated).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from civharm.areas.indicators import IndicatorFileError
from civharm.errors import RowError
from civharm.incidents.models import Incident
from civharm.ingest.acled import CIVILIANS_INTER_CODE, VIOLENCE_AGAINST_CIVILIANS
from civharm.vocabulary import Topic

EVENT_COLUMNS = ["event_id", "date", "latitude", "longitude", "deaths_civilians", "deaths_total", "topics"]
UCDP_COLUMNS = ["id", "type_of_violence", "where_prec", "latitude", "longitude", "date_start", "best"]
ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "inter2",
    "latitude",
    "longitude",
]
#: UCDP ``where_prec`` 6 (only the country is known) and 7 (international waters) place
#: nothing in a cell, so by default they are left out of per-cell counts.
UCDP_MAX_WHERE_PREC = 5
MAX_ERRORS_SHOWN = 200


def detect_format(path: Path) -> str:
    """``ucdp`` or ``acled`` from the header of ``path``."""
    with path.open(encoding="utf-8-sig") as handle:
        header = {c.strip().strip('"') for c in handle.readline().split(",")}
    if "deaths_civilians" in header and "type_of_violence" in header:
        return "ucdp"
    if "event_id_cnty" in header:
        return "acled"
    raise IndicatorFileError(
        str(path), [RowError(str(path), 1, "", "is neither a UCDP GED nor an ACLED file (unknown header)")]
    )


def read_events(
    path: Path, *, source: str = "auto", max_where_prec: int = UCDP_MAX_WHERE_PREC
) -> pd.DataFrame:
    """Events of a UCDP GED or ACLED CSV; a file with bad values is refused with every problem named."""
    name = str(path)
    if not path.is_file():
        raise IndicatorFileError(name, [RowError(name, 0, "", "file not found")])
    source = detect_format(path) if source == "auto" else source
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if source == "ucdp":
        return _ucdp(frame, name, max_where_prec)
    if source == "acled":
        return _acled(frame, name)
    raise ValueError(f"unknown event source {source!r}")


def _check(
    frame: pd.DataFrame, file: str, required: list[str], numeric: list[str], date: str
) -> pd.DataFrame:
    absent = [c for c in required if c not in frame.columns]
    if absent:
        raise IndicatorFileError(
            file, [RowError(file, 1, c, "column is missing from the header") for c in absent]
        )
    parsed = pd.DataFrame(index=frame.index)
    problems: list[tuple[pd.Series, str, str]] = []
    for column in numeric:
        parsed[column] = pd.to_numeric(frame[column].str.strip(), errors="coerce")
        problems.append((parsed[column].isna(), column, "is not a number"))
    parsed[date] = pd.to_datetime(frame[date].str.strip().str[:10], format="%Y-%m-%d", errors="coerce")
    problems.append((parsed[date].isna(), date, "is not a valid date (expected YYYY-MM-DD)"))
    problems.append((~parsed["latitude"].between(-90, 90), "latitude", "must be between -90 and 90"))
    problems.append((~parsed["longitude"].between(-180, 180), "longitude", "must be between -180 and 180"))
    errors: list[RowError] = []
    total = 0
    for mask, column, message in problems:
        bad = np.flatnonzero(mask.to_numpy(dtype=bool))
        total += len(bad)
        for index in bad[: max(0, MAX_ERRORS_SHOWN - len(errors))]:
            errors.append(RowError(file, int(index) + 2, column, message, frame[column].iloc[index]))
    if total:
        errors.sort(key=lambda e: (e.row, e.field))
        raise IndicatorFileError(file, errors, truncated=total - len(errors))
    return parsed


def _ucdp(frame: pd.DataFrame, file: str, max_where_prec: int) -> pd.DataFrame:
    numeric = ["type_of_violence", "where_prec", "latitude", "longitude", "best", "deaths_civilians"]
    parsed = _check(frame, file, [*UCDP_COLUMNS, "deaths_civilians"], numeric, "date_start")
    one_sided = parsed["type_of_violence"] == 3
    events = pd.DataFrame(
        {
            "event_id": frame["id"].str.strip(),
            "date": parsed["date_start"],
            "latitude": parsed["latitude"],
            "longitude": parsed["longitude"],
            "deaths_civilians": parsed["deaths_civilians"].astype(float),
            "deaths_total": parsed["best"].astype(float),
            "topics": np.where((parsed["deaths_civilians"] > 0) | one_sided, Topic.POC.value, ""),
        }
    )
    return events[parsed["where_prec"] <= max_where_prec].reset_index(drop=True)


def _acled(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    parsed = _check(
        frame, file, [*ACLED_COLUMNS, "fatalities"], ["latitude", "longitude", "fatalities"], "event_date"
    )
    against_civilians = frame["event_type"].str.strip() == VIOLENCE_AGAINST_CIVILIANS
    civilians_targeted = against_civilians | (frame["inter2"].str.strip() == str(CIVILIANS_INTER_CODE))
    sexual = frame["sub_event_type"].str.strip() == "Sexual violence"
    topics = np.where(civilians_targeted, Topic.POC.value, "")
    topics = np.where(sexual, np.char.add(topics.astype(str), f";{Topic.CRSV.value}"), topics)
    return pd.DataFrame(
        {
            "event_id": frame["event_id_cnty"].str.strip(),
            "date": parsed["event_date"],
            "latitude": parsed["latitude"],
            "longitude": parsed["longitude"],
            # ACLED does not split fatalities by status; in violence against civilians they are civilians.
            "deaths_civilians": np.where(against_civilians, parsed["fatalities"], 0.0).astype(float),
            "deaths_total": parsed["fatalities"].astype(float),
            "topics": pd.Series(topics).str.strip(";"),
        }
    )


def store_events(session: Session, *, incidents: Select[tuple[Incident]] | None = None) -> pd.DataFrame:
    """Incidents of the store with a place and a date, as events.

    ``incidents`` is the query of incidents the caller may see (the visibility policy's
    filtered query); by default every incident. Civilian deaths are the recorder's
    conservative consolidated count (``killed_min``).
    """
    query = incidents if incidents is not None else select(Incident)
    query = query.where(
        Incident.latitude.is_not(None), Incident.longitude.is_not(None), Incident.date_start.is_not(None)
    )
    rows = [
        {
            "event_id": incident.code,
            "date": pd.Timestamp(incident.date_start or 0),
            "latitude": incident.latitude,
            "longitude": incident.longitude,
            "deaths_civilians": float(incident.killed_min or 0),
            "deaths_total": float(incident.killed_max or incident.killed_min or 0),
            "topics": ";".join(t.value for t in incident.topics),
        }
        for incident in session.scalars(query)
    ]
    return pd.DataFrame(rows, columns=EVENT_COLUMNS).astype({"date": "datetime64[ns]"})


def month_index(dates: pd.Series) -> pd.Series:
    """Months since year 0 (``year * 12 + month - 1``): consecutive months differ by 1."""
    index: pd.Series = dates.dt.year * 12 + dates.dt.month - 1
    return index


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_month(text: str) -> int:
    """``YYYY-MM`` as a month index."""
    try:
        year, month = (int(part) for part in text.split("-"))
    except ValueError:
        raise ValueError(f"{text!r} is not a month (expected YYYY-MM)") from None
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} is not a month (expected YYYY-MM)")
    return year * 12 + month - 1
