"""Indicator values in long format (``area_id, indicator, value, year``) and each area's latest year."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from civharm.areas.framework import Framework, Transform
from civharm.areas.scoring import FloatArray
from civharm.errors import InputFileError, RowError

COLUMNS = ("area_id", "indicator", "value", "year")
MAX_ERRORS_SHOWN = 200


class IndicatorFileError(InputFileError):
    """The indicator file was refused; every problem found is listed with its row and field."""

    def __init__(self, file: str, errors: list[RowError], *, truncated: int = 0) -> None:
        super().__init__(file, errors, truncated=truncated)
        more = f" (and {truncated} more)" if truncated else ""
        lines = "\n".join(f"  {e}" for e in errors)
        self.args = (f"{file}: {len(errors) + truncated} problem(s){more}; nothing was written\n{lines}",)


@dataclass
class LatestValues:
    """One value per area and indicator: the latest year available (NaN where there is none)."""

    areas: list[str]
    values: dict[str, FloatArray]
    #: The year each value comes from (0 where there is no value).
    years: dict[str, np.ndarray]


def read_indicators(path: Path, framework: Framework) -> pd.DataFrame:
    """Read and check the long CSV; rows with an empty value are missing data and are dropped.

    Every problem (unknown indicator, a value that is not a number, a year that is not a
    whole number, a value the log transform cannot take, a repeated area/indicator/year) is
    reported with the file, the row and the field, and nothing is returned.
    """
    name = str(path)
    if not path.is_file():
        raise IndicatorFileError(name, [RowError(name, 0, "", "file not found")])
    try:
        with path.open(encoding="utf-8-sig") as handle:
            header = handle.readline()
        delimiter = max((",", ";", "\t"), key=header.count)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=delimiter)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise IndicatorFileError(name, [RowError(name, 1, "", f"cannot be read as CSV: {exc}")]) from None
    return check_indicators(frame, framework, file=name)


def check_indicators(frame: pd.DataFrame, framework: Framework, *, file: str) -> pd.DataFrame:
    """Validate a frame of strings (as read from CSV) into typed columns, or raise listing every problem."""
    frame = frame.rename(columns=lambda c: str(c).strip())
    absent = [c for c in COLUMNS if c not in frame.columns]
    if absent:
        raise IndicatorFileError(
            file, [RowError(file, 1, c, "column is missing from the header") for c in absent]
        )
    frame = frame[list(COLUMNS)].apply(lambda column: column.str.strip())
    rows = pd.Series(np.arange(len(frame)) + 2, index=frame.index)  # the header is row 1
    problems: list[tuple[pd.Series, str, str]] = []  # (mask of bad rows, field, message)
    known = set(framework.indicators)
    problems.append((frame["area_id"] == "", "area_id", "is required but empty"))
    problems.append(
        (~frame["indicator"].isin(known), "indicator", "unknown indicator (not in the framework)")
    )
    value = pd.to_numeric(frame["value"], errors="coerce")
    year = pd.to_numeric(frame["year"], errors="coerce")
    empty_value = frame["value"] == ""
    problems.append((value.isna() & ~empty_value, "value", "is not a number"))
    problems.append((~np.isfinite(value.fillna(0.0)), "value", "is not a finite number"))
    problems.append(((year.isna()) | (year % 1 != 0), "year", "is not a whole number (expected e.g. 2024)"))
    log_names = [n for n, s in framework.indicators.items() if s.transform is Transform.LOG]
    problems.append(
        (
            frame["indicator"].isin(log_names) & (value <= -1),
            "value",
            "must be greater than -1 (log: ln(1 + x))",
        )
    )
    repeated = frame.duplicated(["area_id", "indicator", "year"], keep="first") & ~empty_value
    problems.append((repeated, "year", "repeats an area, indicator and year given on an earlier row"))
    errors: list[RowError] = []
    total = 0
    for mask, field, message in problems:
        bad = mask.fillna(False).to_numpy(dtype=bool)
        total += int(bad.sum())
        for index in np.flatnonzero(bad)[: max(0, MAX_ERRORS_SHOWN - len(errors))]:
            errors.append(RowError(file, int(rows.iloc[index]), field, message, frame[field].iloc[index]))
    if total:
        errors.sort(key=lambda e: (e.row, e.field))
        raise IndicatorFileError(file, errors, truncated=total - len(errors))
    typed = pd.DataFrame(
        {"area_id": frame["area_id"], "indicator": frame["indicator"], "value": value, "year": year}
    )
    typed = typed[~empty_value]
    return typed.astype({"value": "float64", "year": "int64"}).reset_index(drop=True)


def latest_values(
    frame: pd.DataFrame,
    framework: Framework,
    *,
    as_of: int | None = None,
    max_age: int | None = None,
    areas: list[str] | None = None,
) -> LatestValues:
    """Each area's latest value of each indicator, in a matrix the scoring works on.

    ``as_of`` ignores values after that year; ``max_age`` ignores values older than that many
    years before the reference year (``as_of``, else the newest year in the data), INFORM's
    look-back limit. ``areas`` fixes the list and order of areas (default: as first seen).
    """
    names = framework.used_indicators()
    # Every area in the file is scored, even one whose values are all outside the years used.
    if areas is None:
        area_codes, uniques = pd.factorize(frame["area_id"])
        area_index = pd.Index(uniques)
    else:
        area_index = pd.Index(areas)
        area_codes = area_index.get_indexer(pd.Index(frame["area_id"]))
    indicator_codes, indicator_names = pd.factorize(frame["indicator"])
    rows = np.append(pd.Index(names).get_indexer(pd.Index(indicator_names)), -1)[indicator_codes]
    years = frame["year"].to_numpy()
    usable = (rows >= 0) & (area_codes >= 0)
    if as_of is not None:
        usable &= years <= as_of
    if max_age is not None and usable.any():
        reference = as_of if as_of is not None else int(years[usable].max())
        usable &= years >= reference - max_age
    # The last row of each (area, indicator) after ordering by year is its latest value.
    cells = rows[usable].astype(np.int64) * len(area_index) + area_codes[usable]
    order = np.lexsort((years[usable], cells))
    ordered = cells[order]
    last = order[np.append(ordered[1:] != ordered[:-1], True)] if len(ordered) else order
    matrix = np.full(len(names) * len(area_index), np.nan)
    year_matrix = np.zeros(len(names) * len(area_index), dtype=np.int64)
    matrix[cells[last]] = frame["value"].to_numpy()[usable][last]
    year_matrix[cells[last]] = years[usable][last]
    size = len(area_index)
    return LatestValues(
        areas=[str(a) for a in area_index],
        values={n: matrix[i * size : (i + 1) * size] for i, n in enumerate(names)},
        years={n: year_matrix[i * size : (i + 1) * size] for i, n in enumerate(names)},
    )
