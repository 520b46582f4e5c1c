"""Every export format, written from a :class:`ReleaseView` (records already projected by the policy)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from civharm.exchange.geojson import feature_collection
from civharm.exchange.hxl import write_hxl
from civharm.exchange.tables import cell_text
from civharm.exchange.view import ReleaseView

PACKAGE_FORMAT = "civharm-package"
PACKAGE_VERSION = 1
#: Entities in the order they are written: each sheet (XLSX) or record type (CSV long).
ENTITIES = ("incidents", "reports", "casualties", "counts", "gradings", "responses")
#: Each record's own reference in the long CSV.
REFERENCE = {"incidents": "code", "reports": "id", "casualties": "pseudonym"}


def text(value: Any) -> str:
    """A value as one spreadsheet cell: lists joined with ``; ``, objects as JSON."""
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return cell_text(value)


def _meta(view: ReleaseView) -> dict[str, Any]:
    return {"origin": view.origin, "organisation": view.organisation, "made_at": view.made_at}


def _columns(records: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(key for record in records for key in record))


def write_package(view: ReleaseView, path: Path) -> None:
    """The JSON package another civharm instance imports (``civharm import package FILE``)."""
    document = {"format": PACKAGE_FORMAT, "version": PACKAGE_VERSION, **_meta(view)}
    document.update({entity: getattr(view, entity) for entity in ENTITIES})
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")


def write_geojson(view: ReleaseView, path: Path) -> None:
    document = feature_collection(view.incidents, meta=_meta(view))
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def write_csv_wide(view: ReleaseView, path: Path) -> None:
    """One row per incident: its fields, how many reports and people, and its counts as columns."""
    reports: dict[str, int] = {}
    for report in view.reports:
        reports[report["incident_code"]] = reports.get(report["incident_code"], 0) + 1
    people: dict[str, int] = {}
    for person in view.casualties:
        people[person["incident_code"]] = people.get(person["incident_code"], 0) + 1
    counts: dict[str, dict[str, int]] = {}
    for count in view.counts:
        if count.get("report_id") is None and count.get("incident_code"):
            prefix = "_".join(str(count[k]) for k in ("outcome", "status", "sex", "age_group"))
            cells = counts.setdefault(count["incident_code"], {})
            cells[f"{prefix}_min"] = count["count_min"]
            cells[f"{prefix}_max"] = count["count_max"]
    count_columns = sorted({c for cells in counts.values() for c in cells})
    columns = [*_columns(view.incidents), "report_count", "casualty_records", *count_columns]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for incident in view.incidents:
            code = incident["code"]
            row = {**incident, "report_count": reports.get(code, 0), "casualty_records": people.get(code, 0)}
            row.update(counts.get(code, {}))
            writer.writerow([text(row.get(c)) for c in columns])


def write_csv_long(view: ReleaseView, path: Path) -> None:
    """One row per field of every record: ``entity, ref, incident_code, field, value``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["entity", "ref", "incident_code", "field", "value"])
        for entity in ENTITIES:
            for number, record in enumerate(getattr(view, entity), start=1):
                ref = record.get(REFERENCE.get(entity, ""), number)
                code = record.get("code") if entity == "incidents" else record.get("incident_code")
                for key, value in record.items():
                    if key != "withheld":
                        writer.writerow([entity, text(ref), text(code), key, text(value)])


def write_xlsx(view: ReleaseView, path: Path) -> None:
    """One sheet per entity, and a sheet saying what the release is."""
    book = Workbook()
    about = book.active
    about.title = "release"
    for key, value in {**_meta(view), **view.record_counts()}.items():
        about.append([key, text(value)])
    for entity in ENTITIES:
        records = getattr(view, entity)
        sheet = book.create_sheet(entity)
        columns = _columns(records)
        sheet.append(columns)
        for record in records:
            sheet.append([text(record.get(c)) for c in columns])
    book.save(path)


Writer = Callable[[ReleaseView, Path], None]
FORMATS: dict[str, Writer] = {
    "package": write_package,
    "hxl": write_hxl,
    "geojson": write_geojson,
    "csv": write_csv_wide,
    "csv-long": write_csv_long,
    "xlsx": write_xlsx,
}
