"""The report as the linkage engine sees it, and reading a reports CSV file into such records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from civharm.errors import InputFileError, RowError
from civharm.ingest import fields
from civharm.ingest.csvfile import open_csv
from civharm.precision import DatePrecision, LocationPrecision

#: The columns a reports file must have (extra columns are ignored).
REQUIRED_COLUMNS = (
    "report_id",
    "source",
    "date",
    "date_precision",
    "latitude",
    "longitude",
    "place_name",
    "admin1",
    "country",
    "civilians_killed",
    "civilians_injured",
    "description",
)
#: Optional: how precise the coordinates are (a :class:`LocationPrecision` value).
OPTIONAL_COLUMNS = ("location_precision",)
#: Assumed when a file does not say how precise its coordinates are: a town or village.
DEFAULT_LOCATION_PRECISION = LocationPrecision.SETTLEMENT
MAX_ERRORS = 50


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One report: where, when, how many, who said it and in what words."""

    report_id: str
    source: str | None = None
    date: date | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    latitude: float | None = None
    longitude: float | None = None
    location_precision: LocationPrecision = DEFAULT_LOCATION_PRECISION
    place_name: str | None = None
    admin1: str | None = None
    country: str | None = None
    killed: tuple[int, int] | None = None
    injured: tuple[int, int] | None = None
    description: str = ""

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def parse_count(value: str | None) -> tuple[int, int] | None:
    """``"3"`` → (3, 3); ``"2-5"`` → (2, 5); empty → ``None``."""
    text = (value or "").strip()
    if not text:
        return None
    low_text, dash, high_text = text.partition("-")
    low = fields.parse_int(low_text, minimum=0)
    high = fields.parse_int(high_text, minimum=0) if dash else low
    if high < low:
        raise fields.FieldError("range must be written low-high, e.g. 2-5")
    return low, high


def _enum(value: str | None, enum: type[DatePrecision] | type[LocationPrecision], default: str) -> str:
    text = (value or "").strip().lower()
    if not text:
        return default
    allowed = [member.value for member in enum]
    if text not in allowed:
        raise fields.FieldError(f"must be one of {', '.join(allowed)}")
    return text


def _parse_row(row: dict[str, str], problems: list[tuple[str, str, str | None]]) -> LinkRecord | None:
    def read(column: str, parse: object) -> object:
        try:
            return parse(row.get(column))  # type: ignore[operator]
        except fields.FieldError as exc:
            problems.append((column, str(exc), row.get(column)))
            return None

    start = len(problems)
    report_id = read("report_id", fields.required)
    day = read("date", lambda v: fields.parse_date(v) if (v or "").strip() else None)
    date_precision = read("date_precision", lambda v: _enum(v, DatePrecision, "day"))
    has_lat, has_lon = bool((row.get("latitude") or "").strip()), bool((row.get("longitude") or "").strip())
    latitude = read("latitude", fields.parse_latitude) if has_lat else None
    longitude = read("longitude", fields.parse_longitude) if has_lon else None
    if has_lat != has_lon:
        missing = "longitude" if has_lat else "latitude"
        problems.append((missing, "is empty while the other coordinate is given", row.get(missing)))
    precision = read(
        "location_precision", lambda v: _enum(v, LocationPrecision, DEFAULT_LOCATION_PRECISION.value)
    )
    killed = read("civilians_killed", parse_count)
    injured = read("civilians_injured", parse_count)
    if len(problems) > start:
        return None
    return LinkRecord(
        report_id=str(report_id),
        source=fields.optional_text(row.get("source")),
        date=day,  # type: ignore[arg-type]
        date_precision=DatePrecision(str(date_precision)) if day else DatePrecision.UNKNOWN,
        latitude=latitude,  # type: ignore[arg-type]
        longitude=longitude,  # type: ignore[arg-type]
        location_precision=LocationPrecision(str(precision)),
        place_name=fields.optional_text(row.get("place_name")),
        admin1=fields.optional_text(row.get("admin1")),
        country=fields.optional_text(row.get("country")),
        killed=killed,  # type: ignore[arg-type]
        injured=injured,  # type: ignore[arg-type]
        description=(row.get("description") or "").strip(),
    )


def read_records(path: Path) -> list[LinkRecord]:
    """Every report in ``path``; any bad row refuses the whole file with each problem named."""
    name = str(path)
    records: list[LinkRecord] = []
    errors: list[RowError] = []
    extra = 0
    seen: dict[str, int] = {}
    with open_csv(path) as source:
        missing = [c for c in REQUIRED_COLUMNS if c not in source.columns]
        if missing:
            raise InputFileError(
                name, [RowError(name, 1, c, "column is missing from the header row") for c in missing]
            )
        for row_number, row in enumerate(source.rows, start=2):
            problems: list[tuple[str, str, str | None]] = []
            record = _parse_row(row, problems)
            if record is not None and record.report_id in seen:
                problems.append(("report_id", f"repeats the id of row {seen[record.report_id]}", None))
            for column, message, value in problems:
                if len(errors) < MAX_ERRORS:
                    errors.append(RowError(name, row_number, column, message, value))
                else:
                    extra += 1
            if record is not None and not problems:
                seen[record.report_id] = row_number
                records.append(record)
    if errors:
        raise InputFileError(name, errors, truncated=extra)
    if not records:
        raise InputFileError(name, [RowError(name, 2, "", "the file has a header row but no reports")])
    return records


def iter_record_rows(records: list[LinkRecord]) -> Iterator[dict[str, str]]:
    """Records as rows of a reports file (the generator writes them this way)."""
    for r in records:
        yield {
            "report_id": r.report_id,
            "source": r.source or "",
            "date": r.date.isoformat() if r.date else "",
            "date_precision": r.date_precision.value if r.date else "",
            "latitude": "" if r.latitude is None else f"{r.latitude:.5f}",
            "longitude": "" if r.longitude is None else f"{r.longitude:.5f}",
            "location_precision": r.location_precision.value,
            "place_name": r.place_name or "",
            "admin1": r.admin1 or "",
            "country": r.country or "",
            "civilians_killed": _count_text(r.killed),
            "civilians_injured": _count_text(r.injured),
            "description": r.description,
        }


def _count_text(count: tuple[int, int] | None) -> str:
    if count is None:
        return ""
    return str(count[0]) if count[0] == count[1] else f"{count[0]}-{count[1]}"
