"""Generic rows (CSV, XLSX, GeoJSON properties, HXL, form submissions) turned into reports by a
column mapping: ``{report field: source column}``, saved once per layout and reused."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.errors import NotFoundError, ValidationError
from civharm.exchange.models import ColumnMapping
from civharm.exchange.values import parse_any_date, split_list
from civharm.ingest import fields
from civharm.ingest.countries import country_name, iso3_from_name
from civharm.ingest.fields import FieldError
from civharm.ingest.source import ParsedRow, Problems
from civharm.precision import DatePrecision, LocationPrecision
from civharm.vocabulary import Cause, Outcome, Reliability, SourceType, Topic

E = TypeVar("E", bound=StrEnum)

TEXT_TARGETS = ("source_name", "original_text", "language", "url", "place_name", "admin1", "admin2")
DATE_TARGETS = ("date", "date_start", "date_end")
NUMBER_TARGETS = ("killed", "killed_min", "killed_max", "injured", "injured_min", "injured_max")
CHOICE_TARGETS: dict[str, type[StrEnum]] = {
    "source_type": SourceType,
    "cause": Cause,
    "reliability": Reliability,
    "location_precision": LocationPrecision,
}
#: Every report field a mapping may fill; ``source_key`` (the row's own id) is required.
TARGETS = (
    "source_key",
    *TEXT_TARGETS,
    *DATE_TARGETS,
    *NUMBER_TARGETS,
    *CHOICE_TARGETS,
    "latitude",
    "longitude",
    "country",
    "topics",
)


def check_mapping(columns: dict[str, str], defaults: dict[str, Any]) -> None:
    unknown = sorted((set(columns) | set(defaults)) - set(TARGETS))
    if unknown:
        raise ValidationError(
            f"unknown report field(s) {', '.join(unknown)}; choose from {', '.join(TARGETS)}"
        )
    if "source_key" not in columns:
        raise ValidationError("map source_key to the column holding each row's own id")
    if "source_type" not in columns and "source_type" not in defaults:
        raise ValidationError("map source_type to a column or give it a default (e.g. ngo, un, media)")


@dataclass
class MappedFormat:
    """A :class:`~civharm.ingest.source.SourceFormat` for any table with a column mapping."""

    source_system: str
    columns: dict[str, str]
    defaults: dict[str, Any] = field(default_factory=dict)
    #: How to name a source column in messages, e.g. ``"Date (column C)"`` for a spreadsheet.
    labels: dict[str, str] = field(default_factory=dict)
    required_columns: tuple[str, ...] = ()
    id_column: str = ""

    def __post_init__(self) -> None:
        check_mapping(self.columns, self.defaults)
        self.required_columns = tuple(dict.fromkeys(self.columns.values()))
        self.id_column = self.columns["source_key"]

    def _raw(self, row: dict[str, str], target: str) -> str | None:
        column = self.columns.get(target)
        value = row.get(column) if column is not None else None
        if (value is None or not value.strip()) and target in self.defaults:
            return str(self.defaults[target])
        return value

    def _fail(self, problems: Problems, target: str, message: str, value: str | None) -> None:
        column = self.columns.get(target, target)
        problems.append((self.labels.get(column, column), message, value))

    def _read(self, row: dict[str, str], problems: Problems, target: str, parse: Any) -> Any:
        value = self._raw(row, target)
        if value is None or not value.strip():
            return None
        try:
            return parse(value.strip())
        except FieldError as exc:
            self._fail(problems, target, str(exc), value)
            return None

    def _choice(self, row: dict[str, str], problems: Problems, target: str, enum: type[E]) -> E | None:
        def parse(text: str) -> E:
            wanted = text.strip().lower().replace(" ", "_")
            for member in enum:
                if wanted in (member.value, member.name.lower()):
                    return member
            raise FieldError(f"must be one of {', '.join(m.value for m in enum)}")

        result: E | None = self._read(row, problems, target, parse)
        return result

    def parse(self, row: dict[str, str], problems: Problems) -> ParsedRow | None:
        start = len(problems)
        key = self._raw(row, "source_key")
        if key is None or not key.strip():
            self._fail(problems, "source_key", "is required but empty", key)
        values = self._values(row, problems)
        if len(problems) > start or key is None:
            return None
        counts = [
            {
                "outcome": outcome,
                "count_min": values[f"{outcome.value}_min"],
                "count_max": values[f"{outcome.value}_max"],
            }
            for outcome in (Outcome.KILLED, Outcome.INJURED)
            if values[f"{outcome.value}_max"]
        ]
        return ParsedRow(source_key=key.strip(), report=values, counts=counts)

    def _values(self, row: dict[str, str], problems: Problems) -> dict[str, Any]:
        text = {t: fields.optional_text(self._raw(row, t)) for t in TEXT_TARGETS}
        one_day = self._read(row, problems, "date", parse_any_date)
        start = self._read(row, problems, "date_start", parse_any_date) or one_day
        end = self._read(row, problems, "date_end", parse_any_date) or one_day or start
        if start and end and end < start:
            self._fail(problems, "date_end", "is before the start date", self._raw(row, "date_end"))
        latitude = self._read(row, problems, "latitude", fields.parse_latitude)
        longitude = self._read(row, problems, "longitude", fields.parse_longitude)
        if bool((self._raw(row, "latitude") or "").strip()) != bool(
            (self._raw(row, "longitude") or "").strip()
        ):
            self._fail(problems, "longitude", "latitude and longitude must be given together", None)
        numbers = {
            t: self._read(row, problems, t, lambda v: fields.parse_int(v, minimum=0)) for t in NUMBER_TARGETS
        }
        ranges: dict[str, int | None] = {}
        for what in ("killed", "injured"):
            low = numbers[f"{what}_min"] if numbers[f"{what}_min"] is not None else numbers[what]
            high = numbers[f"{what}_max"] if numbers[f"{what}_max"] is not None else numbers[what]
            low = low if low is not None else high
            high = high if high is not None else low
            if low is not None and high is not None and low > high:
                self._fail(problems, f"{what}_max", f"is smaller than {what}_min", str(high))
            ranges[f"{what}_min"], ranges[f"{what}_max"] = low, high
        source_type = self._choice(row, problems, "source_type", SourceType)
        country = self._raw(row, "country")
        iso3 = _iso3(country.strip()) if country and country.strip() else None
        if country and country.strip() and iso3 is None:
            self._fail(problems, "country", "is not a country name or ISO 3166 code", country)
        topics = []
        for name in split_list(self._raw(row, "topics")):
            try:
                topics.append(Topic(name.lower()).value)
            except ValueError:
                self._fail(
                    problems, "topics", f"{name!r} is not one of {', '.join(t.value for t in Topic)}", name
                )
        located = latitude is not None
        return {
            "source_type": source_type or SourceType.NGO,
            "source_name": text["source_name"] or self.source_system,
            "original_text": text["original_text"] or "",
            "language": text["language"],
            "url": text["url"],
            "date_start": start,
            "date_end": end,
            "date_precision": DatePrecision.DAY if start else DatePrecision.UNKNOWN,
            "latitude": latitude,
            "longitude": longitude,
            "location_precision": self._choice(row, problems, "location_precision", LocationPrecision)
            or (LocationPrecision.EXACT if located else LocationPrecision.UNKNOWN),
            "place_name": text["place_name"],
            "admin1": text["admin1"],
            "admin2": text["admin2"],
            "country_iso3": iso3,
            **ranges,
            "cause": self._choice(row, problems, "cause", Cause) or Cause.UNKNOWN,
            "reliability": self._choice(row, problems, "reliability", Reliability) or Reliability.UNKNOWN,
            "topics": topics,
            "raw_record": dict(row),
        }


def _iso3(country: str) -> str | None:
    """An ISO 3166 alpha-3 code as given (``SYR``), or the code of a country's name."""
    if len(country) == 3 and country.isalpha() and country_name(country.upper()) is not None:
        return country.upper()
    return iso3_from_name(country)


# --- saved mappings ------------------------------------------------------------------------


def save_mapping(
    session: Session, *, name: str, columns: dict[str, str], defaults: dict[str, Any], actor: str
) -> ColumnMapping:
    """Save (or replace) the mapping ``name``: map a spreadsheet once, reuse it for every file.

    Example: ``save_mapping(s, name="ocha-sitrep", columns={"source_key": "ID", "date": "Date"},
    defaults={"source_type": "un", "source_name": "OCHA"}, actor="ana")``
    """
    check_mapping(columns, defaults)
    row = session.scalar(select(ColumnMapping).where(ColumnMapping.name == name))
    if row is None:
        row = ColumnMapping(name=name, created_by=actor)
        session.add(row)
    row.columns, row.defaults = dict(columns), dict(defaults)
    session.flush()
    return row


def get_mapping(session: Session, *, name: str) -> ColumnMapping:
    row = session.scalar(select(ColumnMapping).where(ColumnMapping.name == name))
    if row is None:
        raise NotFoundError(
            f"no saved column mapping {name!r}; save one with `civharm exchange mapping save`"
        )
    return row


def list_mappings(session: Session) -> list[ColumnMapping]:
    return list(session.scalars(select(ColumnMapping).order_by(ColumnMapping.name)))


def mapped_format(mapping: ColumnMapping, *, source_system: str | None = None) -> MappedFormat:
    return MappedFormat(
        source_system=source_system or f"map:{mapping.name}"[:40],
        columns=dict(mapping.columns),
        defaults=dict(mapping.defaults),
    )
