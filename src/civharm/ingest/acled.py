"""ACLED export CSV (31 columns): one report per event row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from civharm.ingest import fields
from civharm.ingest.blocks import RAW_RECORD, BlockReports, Same
from civharm.ingest.countries import iso3_from_name, iso3_from_numeric
from civharm.ingest.source import FieldReader, ParsedRow, Problems, read_checked
from civharm.precision import ACLED_GEO_PRECISION, ACLED_TIME_PRECISION
from civharm.vocabulary import Cause, Outcome, PersonStatus, Reliability, SourceType, Topic

REQUIRED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "inter2",
    "iso",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "notes",
    "fatalities",
)
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
CIVILIANS_INTER_CODE = 7

#: ACLED sub-event types that name the means, mapped to SDG 16.1.2 causes.
SUB_EVENT_CAUSE: dict[str, Cause] = {
    "Air/drone strike": Cause.HEAVY_WEAPONS,
    "Shelling/artillery/missile attack": Cause.HEAVY_WEAPONS,
    "Suicide bomb": Cause.HEAVY_WEAPONS,
    "Grenade": Cause.HEAVY_WEAPONS,
    "Remote explosive/landmine/IED": Cause.PLANTED_EXPLOSIVES,
    "Chemical weapon": Cause.CBRN,
    "Armed clash": Cause.SMALL_ARMS,
}


def acled_topics(event_type: str, sub_event_type: str, inter2: str) -> list[str]:
    """Human-security topics an ACLED event points to."""
    topics: list[str] = []
    civilians_targeted = event_type == VIOLENCE_AGAINST_CIVILIANS or inter2.strip() == str(
        CIVILIANS_INTER_CODE
    )
    if civilians_targeted:
        topics.append(Topic.POC.value)
    if sub_event_type == "Sexual violence":
        topics.append(Topic.CRSV.value)
    return topics


def _time_precision(text: str | None) -> int:
    return fields.parse_choice(text, ACLED_TIME_PRECISION)


def _geo_precision(text: str | None) -> int:
    return fields.parse_choice(text, ACLED_GEO_PRECISION)


def _count(text: str | None) -> int:
    return fields.parse_int(text, minimum=0)


def _optional_count(text: str | None) -> int | None:
    return None if not (text or "").strip() else fields.parse_int(text, minimum=0)


#: The checked columns, in the order their problems are reported.
CHECKS: tuple[tuple[str, FieldReader], ...] = (
    ("event_id_cnty", fields.required),
    ("event_date", fields.parse_date),
    ("time_precision", _time_precision),
    ("geo_precision", _geo_precision),
    ("latitude", fields.parse_latitude),
    ("longitude", fields.parse_longitude),
    ("fatalities", _count),
    ("iso", _optional_count),
)


@dataclass
class AcledExport:
    """Reads ACLED's export layout (``event_id_cnty`` ... ``timestamp``)."""

    source_system: str = "acled"
    required_columns: tuple[str, ...] = REQUIRED_COLUMNS
    id_column: str = "event_id_cnty"
    reliability: Reliability = Reliability.UNKNOWN

    def checks(self) -> Sequence[tuple[str, FieldReader]]:
        return CHECKS

    def parse(self, row: dict[str, str], problems: Problems) -> ParsedRow | None:
        values = read_checked(row, CHECKS, problems)
        return None if values is None else self.build(row, values)

    def build(self, row: dict[str, str], values: Sequence[Any]) -> ParsedRow:
        event_id, when, time_precision, geo_precision, latitude, longitude, fatalities, iso_number = values
        warnings: list[str] = []
        iso3 = _iso3((iso_number, row.get("country", "")))
        if iso3 is None:
            warnings.append(
                f"country {row.get('country')!r} (iso {row.get('iso')!r}) has no known ISO 3166-1 code"
            )
        event_type, sub_event_type = row.get("event_type", ""), row.get("sub_event_type", "")
        status = _victims(event_type)
        counts = []
        if fatalities > 0:
            counts.append(
                {
                    "outcome": Outcome.KILLED,
                    "status": status,
                    "count_min": fatalities,
                    "count_max": fatalities,
                }
            )
        report = {
            "source_type": SourceType.DATASET,
            "source_name": "ACLED",
            "original_text": row.get("notes", ""),
            "language": "en",
            "date_start": when,
            "date_end": when,
            "date_precision": ACLED_TIME_PRECISION[time_precision],
            "date_precision_code": f"acled:time_precision={time_precision}",
            "latitude": latitude,
            "longitude": longitude,
            "location_precision": ACLED_GEO_PRECISION[geo_precision],
            "location_precision_code": f"acled:geo_precision={geo_precision}",
            "place_name": fields.optional_text(row.get("location")),
            "admin1": fields.optional_text(row.get("admin1")),
            "admin2": fields.optional_text(row.get("admin2")),
            "country_iso3": iso3,
            "killed_min": fatalities,
            "killed_best": fatalities,
            "killed_max": fatalities,
            "cause": SUB_EVENT_CAUSE.get(sub_event_type, Cause.UNKNOWN),
            "reliability": self.reliability,
            "topics": acled_topics(event_type, sub_event_type, row.get("inter2", "")),
            "raw_record": dict(row),
        }
        return ParsedRow(source_key=event_id, report=report, counts=counts, warnings=warnings)

    def build_block(self, columns: Mapping[str, pa.Array], checked: Sequence[list[Any]]) -> BlockReports:
        """:meth:`build` for many rows at once: each column computed once per distinct value."""
        event_ids, when, time_precision, geo_precision, latitude, longitude, fatalities, iso_numbers = checked
        text = {name: columns[name].to_pylist() for name in _BLOCK_TEXT_COLUMNS}
        iso3 = _per_distinct(list(zip(iso_numbers, text["country"], strict=True)), _iso3)
        warnings: dict[int, list[str]] = {}
        if None in iso3:
            iso_text = columns["iso"].to_pylist()
            for at, code in enumerate(iso3):
                if code is None:
                    warnings[at] = [
                        f"country {text['country'][at]!r} (iso {iso_text[at]!r}) has no known ISO 3166-1 code"
                    ]
        kinds = list(zip(text["event_type"], text["sub_event_type"], text["inter2"], strict=True))
        statuses = _per_distinct(text["event_type"], _victims)
        counts = _per_distinct(list(zip(fatalities, statuses, strict=True)), _killed)
        report: dict[str, Sequence[Any] | pa.Array | Same | None] = {
            "source_type": Same(SourceType.DATASET),
            "source_name": Same("ACLED"),
            "original_text": columns["notes"],
            "language": Same("en"),
            "date_start": when,
            "date_end": when,
            "date_precision": [ACLED_TIME_PRECISION[p] for p in time_precision],
            "date_precision_code": _per_distinct(time_precision, "acled:time_precision={}".format),
            "latitude": latitude,
            "longitude": longitude,
            "location_precision": [ACLED_GEO_PRECISION[p] for p in geo_precision],
            "location_precision_code": _per_distinct(geo_precision, "acled:geo_precision={}".format),
            "place_name": _per_distinct(text["location"], fields.optional_text),
            "admin1": _per_distinct(text["admin1"], fields.optional_text),
            "admin2": _per_distinct(text["admin2"], fields.optional_text),
            "country_iso3": iso3,
            "killed_min": fatalities,
            "killed_best": fatalities,
            "killed_max": fatalities,
            "cause": [SUB_EVENT_CAUSE.get(sub, Cause.UNKNOWN) for _, sub, _ in kinds],
            "reliability": Same(self.reliability),
            "topics": _per_distinct(kinds, lambda kind: acled_topics(*kind)),
            RAW_RECORD: None,
        }
        return BlockReports(list(event_ids), report, counts, warnings)


_BLOCK_TEXT_COLUMNS = ("country", "event_type", "sub_event_type", "inter2", "location", "admin1", "admin2")


def _per_distinct(values: Sequence[Any], compute: Any) -> list[Any]:
    """``compute`` of each value, called once per distinct value."""
    results = {value: compute(value) for value in set(values)}
    return [results[value] for value in values]


def _iso3(pair: tuple[int | None, str]) -> str | None:
    iso_number, country = pair
    code = iso3_from_numeric(iso_number) if iso_number is not None else None
    return code or iso3_from_name(fields.optional_text(country))


def _killed(pair: tuple[int, PersonStatus]) -> list[dict[str, Any]]:
    """The casualty counts of an event with this toll (rows with equal ones share the list)."""
    toll, status = pair
    if toll <= 0:
        return []
    return [{"outcome": Outcome.KILLED, "status": status, "count_min": toll, "count_max": toll}]


def _victims(event_type: str) -> PersonStatus:
    return PersonStatus.CIVILIAN if event_type == VIOLENCE_AGAINST_CIVILIANS else PersonStatus.UNKNOWN
