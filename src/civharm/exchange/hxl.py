"""HXL-tagged CSV: civharm's records one row each (incidents, reports, casualties, counts), and
other organisations' HXL read as reports.

civharm's layout is long: a ``#meta+type`` column says what each row is; reports, casualties
and counts name their incident in ``#event+code`` (and counts their report in
``#meta+report+id``), so the links survive the flat file. Numbers go only under the numeric
hashtags of HXL's core schema (``#affected``), so libhxl's default schema validates the file.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import hxl

from civharm.errors import InputFileError, RowError
from civharm.exchange.receive import Received
from civharm.exchange.tables import Table, cell_text, file_digest
from civharm.exchange.view import ReleaseView

#: ``(hashtag, field)``: each row's value is the record's field of that name.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("#meta+type", "record_type"),
    ("#meta+origin", "origin"),
    ("#event+code", "incident_code"),
    ("#meta+report+id", "report_id"),
    ("#meta+person+code", "pseudonym"),
    ("#event+name", "title"),
    ("#description", "description"),
    ("#description+source", "original_text"),
    ("#meta+translation", "translation"),
    ("#date+start", "date_start"),
    ("#date+end", "date_end"),
    ("#date+reported", "material_date"),
    ("#date+harm", "date_of_harm"),
    ("#meta+date_precision", "date_precision"),
    ("#geo+lat", "latitude"),
    ("#geo+lon", "longitude"),
    ("#meta+location_precision", "location_precision"),
    ("#loc+name", "place_name"),
    ("#meta+place_names", "place_names"),
    ("#adm1+name", "admin1"),
    ("#adm2+name", "admin2"),
    ("#country+code", "country_iso3"),
    ("#affected+killed+min", "killed_min"),
    ("#affected+killed+max", "killed_max"),
    ("#affected+killed+best", "killed_best"),
    ("#affected+injured+min", "injured_min"),
    ("#affected+injured+max", "injured_max"),
    ("#affected+min", "count_min"),
    ("#affected+max", "count_max"),
    ("#meta+outcome", "outcome"),
    ("#meta+sex", "sex"),
    ("#meta+age_group", "age_group"),
    ("#meta+person+status", "status_of_person"),
    ("#meta+confidence", "confidence"),
    ("#meta+sources", "sources"),
    ("#meta+cause", "cause"),
    ("#meta+topics", "topics"),
    ("#meta+harm_types", "harm_types"),
    ("#status", "status"),
    ("#meta+grading", "grading"),
    ("#meta+sensitivity", "sensitivity"),
    ("#meta+source+type", "source_type"),
    ("#meta+source+name", "source_name"),
    ("#meta+reliability", "reliability"),
    ("#meta+lang", "language"),
    ("#meta+url", "url"),
)
LIST_FIELDS = frozenset({"topics", "harm_types", "sources"})
JSON_FIELDS = frozenset({"place_names"})
#: Casualties and counts have a person's status; incidents have a workflow status.
PERSON_KINDS = frozenset({"casualty", "count"})


def _cell(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field in JSON_FIELDS:
        return json.dumps(value, ensure_ascii=False) if value else ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return cell_text(value)


def _rows(view: ReleaseView) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for incident in view.incidents:
        rows.append({**incident, "record_type": "incident", "incident_code": incident["code"]})
    for report in view.reports:
        rows.append({**report, "record_type": "report", "report_id": report["id"]})
    for kind, records in (("casualty", view.casualties), ("count", view.counts)):
        for record in records:
            rows.append(
                {**record, "record_type": kind, "status_of_person": record.get("status"), "status": None}
            )
    return rows


def write_hxl(view: ReleaseView, path: Path) -> None:
    """Write the release as HXL-tagged CSV (a header row, then the hashtag row, then the records)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([field for _, field in COLUMNS])
        writer.writerow([tag for tag, _ in COLUMNS])
        for row in _rows(view):
            row["origin"] = view.origin
            writer.writerow([_cell(field, row.get(field)) for _, field in COLUMNS])


def schema_errors(path: Path) -> list[str]:
    """Errors (not warnings) libhxl's default schema finds in an HXL file."""
    found: list[str] = []

    def note(problem: Any) -> None:
        if problem.rule.severity == "error":
            where = f"row {problem.row.row_number}, {problem.column.display_tag}"
            found.append(f"{where}: {problem.message} ({problem.value!r})")

    hxl.schema(callback=note).validate(hxl.data(str(path), hxl.InputOptions(allow_local=True)))
    return found


def _tag(column: Any) -> str:
    return str(column.get_display_tag(sort_attributes=True))


def _sorted_tag(tag: str) -> str:
    head, *attributes = tag.split("+")
    return "+".join([head, *sorted(attributes)])


def read_hxl(path: Path) -> Table:
    """An HXL file as rows keyed by hashtag (attributes sorted), numbered as lines of the file."""
    name = str(path)
    if not path.is_file():
        raise InputFileError(name, [RowError(name, 0, "", "file not found")])
    try:
        source = hxl.data(str(path), hxl.InputOptions(allow_local=True, encoding="utf-8-sig"))
        columns = [_tag(c) if c.tag else "" for c in source.columns]
        records = [list(row.values) for row in source]
    except hxl.HXLException as exc:
        raise InputFileError(name, [RowError(name, 1, "", f"is not HXL: {exc}")]) from None
    except (csv.Error, UnicodeDecodeError, ValueError) as exc:
        # libhxl lets the csv module's and the decoder's own errors through.
        raise InputFileError(
            name, [RowError(name, 1, "", f"is not a UTF-8 CSV file HXL can read: {exc}")]
        ) from None
    try:
        header_line = _hashtag_line(path)
    except UnicodeDecodeError as exc:
        raise InputFileError(name, [RowError(name, 1, "", f"is not UTF-8 text: {exc}")]) from None
    rows = [
        (header_line + number, {c: cell_text(v) for c, v in zip(columns, values, strict=False) if c})
        for number, values in enumerate(records, start=1)
    ]
    digest, size = file_digest(path)
    return Table(name, [c for c in columns if c], rows, digest, size)


def _hashtag_line(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if line.lstrip().startswith("#") or ",#" in line or ";#" in line:
                return number
    return 1


def is_civharm_layout(table: Table) -> bool:
    return "#meta+type" in table.columns


def received_from_hxl(table: Table) -> Received:
    """Rows of civharm's layout as records to receive (the sender's store id is in ``#meta+origin``)."""
    by_tag = {_sorted_tag(tag): field for tag, field in COLUMNS}
    origins = {row.get("#meta+origin", "") for _, row in table.rows} - {""}
    if len(origins) != 1:
        found = ", ".join(sorted(origins)) or "none"
        raise InputFileError(
            table.name, [RowError(table.name, 3, "#meta+origin", f"names one sender store; found {found}")]
        )
    received = Received(table.name, origins.pop())
    targets = {
        "incident": received.incidents,
        "report": received.reports,
        "casualty": received.casualties,
        "count": received.counts,
    }
    errors = []
    for number, row in table.rows:
        if not any(row.values()):
            continue
        record = {by_tag[t]: _value(by_tag[t], v) for t, v in row.items() if t in by_tag}
        kind = record.pop("record_type", None)
        if kind not in targets:
            errors.append(
                RowError(table.name, number, "#meta+type", f"must be one of {', '.join(targets)}", kind)
            )
            continue
        if kind == "incident":
            record["code"] = record.get("incident_code")
        if kind == "report":
            record["id"] = record.get("report_id")
        if kind in PERSON_KINDS:
            record["status"] = record.pop("status_of_person", None)
        targets[kind].append((number, record))
    if errors:
        raise InputFileError(table.name, errors)
    return received


def _value(field: str, text: str) -> Any:
    if not text.strip():
        return [] if field in LIST_FIELDS else None
    if field in LIST_FIELDS:
        return [part for part in text.split(";") if part]
    if field in JSON_FIELDS:
        return json.loads(text)
    return text


#: Report fields of other organisations' HXL, by the hashtag patterns that may carry them.
GENERIC_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("source_key", ("#event+id", "#meta+id", "#event+code", "#event")),
    ("date", ("#date+occurred", "#date+start", "#date")),
    ("date_end", ("#date+end",)),
    ("latitude", ("#geo+lat",)),
    ("longitude", ("#geo+lon",)),
    ("place_name", ("#loc+name", "#loc")),
    ("admin1", ("#adm1+name", "#adm1")),
    ("admin2", ("#adm2+name", "#adm2")),
    ("country", ("#country+code", "#country+name", "#country")),
    ("killed", ("#affected+killed",)),
    ("injured", ("#affected+injured",)),
    ("original_text", ("#description",)),
    ("source_name", ("#org+name", "#org", "#meta+source")),
)


def generic_columns(table: Table) -> dict[str, str]:
    """``{report field: column}`` for an HXL file in another organisation's layout."""
    mapping: dict[str, str] = {}
    for target, patterns in GENERIC_PATTERNS:
        for pattern in patterns:
            matcher = hxl.TagPattern.parse(pattern)
            column = next((c for c in table.columns if matcher.match(hxl.Column.parse(c))), None)
            if column is not None and column not in mapping.values():
                mapping[target] = column
                break
    return mapping
