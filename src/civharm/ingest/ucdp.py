"""UCDP Georeferenced Event Dataset (GED) CSV: one report per event row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from civharm.ingest.countries import iso3_from_name
from civharm.ingest.fields import FieldError, parse_date
from civharm.ingest.rowreader import RowReader
from civharm.ingest.source import ParsedRow, Problems
from civharm.precision import UCDP_DATE_PREC, UCDP_WHERE_PREC
from civharm.vocabulary import Outcome, PersonStatus, Reliability, SourceType, Topic

REQUIRED_COLUMNS = (
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "source_article",
    "where_prec",
    "where_coordinates",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "country",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "low",
    "best",
    "high",
)
TYPE_OF_VIOLENCE = {1: "state-based", 2: "non-state", 3: "one-sided"}


def side_status(side: str) -> PersonStatus:
    """SDG 16.1.2 status of a UCDP side's dead: civilians, state forces or other fighters."""
    if side.strip().lower() == "civilians":
        return PersonStatus.CIVILIAN
    if side.startswith("Government of"):
        return PersonStatus.ARMED_FORCES
    return PersonStatus.DIRECT_PARTICIPANT


def _first_date(text: str | None) -> date | None:
    """UCDP joins the dates of several sources with ``;``; the first is the material's date."""
    try:
        return parse_date((text or "").split(";")[0])
    except FieldError:
        return None


@dataclass
class UcdpGed:
    """Reads UCDP GED rows (the 19.1 layout and later releases keep these column names)."""

    source_system: str = "ucdp-ged"
    required_columns: tuple[str, ...] = REQUIRED_COLUMNS
    id_column: str = "id"
    reliability: Reliability = Reliability.UNKNOWN

    def parse(self, row: dict[str, str], problems: Problems) -> ParsedRow | None:
        r = RowReader(row, problems)
        event_id = r.integer("id", minimum=0)
        violence = r.choice("type_of_violence", TYPE_OF_VIOLENCE)
        where_prec = r.choice("where_prec", UCDP_WHERE_PREC)
        date_prec = r.choice("date_prec", UCDP_DATE_PREC)
        start, end = r.calendar_date("date_start"), r.calendar_date("date_end")
        latitude, longitude = r.latitude("latitude"), r.longitude("longitude")
        deaths_a, deaths_b = r.integer("deaths_a", minimum=0), r.integer("deaths_b", minimum=0)
        civilians, unknown = r.integer("deaths_civilians", minimum=0), r.integer("deaths_unknown", minimum=0)
        low, best, high = (r.integer(c, minimum=0) for c in ("low", "best", "high"))
        if not r.failed and end < start:
            r.fail("date_end", "is before date_start")
        if r.failed:
            return None

        warnings: list[str] = []
        if not low <= best <= high:
            warnings.append(f"low <= best <= high fails (low={low}, best={best}, high={high}); kept as given")
        if deaths_a + deaths_b + civilians + unknown != best:
            warnings.append(f"best={best} differs from the sum of the four death columns")
        country = r.optional("country")
        iso3 = iso3_from_name(country)
        if country and iso3 is None:
            warnings.append(f"country {country!r} has no known ISO 3166-1 code")

        counts = [
            {"outcome": Outcome.KILLED, "status": status, "count_min": n, "count_max": n}
            for status, n in (
                (side_status(row["side_a"]), deaths_a),
                (side_status(row["side_b"]), deaths_b),
                (PersonStatus.CIVILIAN, civilians),
                (PersonStatus.UNKNOWN, unknown),
            )
            if n > 0
        ]
        report = {
            "source_type": SourceType.DATASET,
            "source_name": "UCDP GED",
            "original_text": row["source_article"],
            "language": "en",
            "material_date": _first_date(row.get("source_date")),
            "date_start": start,
            "date_end": end,
            "date_precision": UCDP_DATE_PREC[date_prec],
            "date_precision_code": f"ucdp:date_prec={date_prec}",
            "latitude": latitude,
            "longitude": longitude,
            "location_precision": UCDP_WHERE_PREC[where_prec],
            "location_precision_code": f"ucdp:where_prec={where_prec}",
            "place_name": r.optional("where_coordinates"),
            "admin1": r.optional("adm_1"),
            "admin2": r.optional("adm_2"),
            "country_iso3": iso3,
            "killed_min": min(low, best, high),
            "killed_best": best,
            "killed_max": max(low, best, high),
            "reliability": self.reliability,
            "topics": [Topic.POC.value] if civilians > 0 or violence == 3 else [],
            "raw_record": dict(row),
        }
        return ParsedRow(source_key=str(event_id), report=report, counts=counts, warnings=warnings)
