"""``civharm import hxl|geojson|csv|xlsx|kobo|package FILE``: partners' files into the store.

Flat files (generic CSV/XLSX with a saved mapping, GeoJSON, other organisations' HXL, form
submissions) become reports through the ingest pipeline; civharm's own HXL and JSON packages
carry incidents, reports, casualties and their links, and are received as such. Either way a
refused file writes nothing, and importing a file again adds nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from civharm.db.engine import session_factory
from civharm.errors import InputFileError, RowError, ValidationError
from civharm.exchange.forms import FormSubmissions, submission_columns_missing
from civharm.exchange.geojson import feature_rows, rfc7946_problems
from civharm.exchange.hxl import generic_columns, is_civharm_layout, read_hxl, received_from_hxl
from civharm.exchange.mapping import TARGETS, MappedFormat, get_mapping
from civharm.exchange.receive import Received, ReceiveResult, receive
from civharm.exchange.tables import Table, file_digest, read_xlsx
from civharm.exchange.writers import ENTITIES, PACKAGE_FORMAT, PACKAGE_VERSION
from civharm.ingest.csvfile import open_csv
from civharm.ingest.pipeline import ImportResult, import_csv, import_rows

KINDS = ("hxl", "geojson", "csv", "xlsx", "kobo", "package")


def _saved(engine: Engine, name: str | None, source_system: str | None) -> MappedFormat | None:
    if name is None:
        return None
    with session_factory(engine)() as session:
        mapping = get_mapping(session, name=name)
        return MappedFormat(
            source_system=source_system or f"map:{mapping.name}"[:40],
            columns=dict(mapping.columns),
            defaults=dict(mapping.defaults),
        )


def import_file(
    engine: Engine, kind: str, path: Path, *, mapping: str | None = None, sheet: str | None = None, actor: str
) -> ImportResult | ReceiveResult:
    """Import ``path`` as ``kind``; ``mapping`` names a saved column mapping (csv, xlsx, geojson)."""
    if kind not in KINDS:
        raise ValidationError(f"unknown import kind {kind!r}; choose one of {', '.join(KINDS)}")
    fmt = _saved(engine, mapping, None)
    if kind == "package":
        return receive(engine, read_package(path), actor=actor)
    if kind == "hxl":
        return _import_hxl(engine, path, actor=actor)
    if kind == "geojson":
        return _import_geojson(engine, path, fmt)
    if kind == "kobo":
        return _import_submissions(engine, path, sheet)
    if fmt is None:
        raise ValidationError(
            f"say which saved column mapping to use: civharm import {kind} FILE --mapping NAME"
        )
    if kind == "csv":
        return import_csv(engine, path, fmt)
    table = read_xlsx(path, sheet=sheet)
    fmt.labels = table.labels
    _check_columns(table, fmt.required_columns)
    return import_rows(engine, table, table.numbered_rows(), fmt)


def _check_columns(table: Table, required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in table.columns]
    if missing:
        errors = [RowError(table.name, 1, c, "column is missing from the header row") for c in missing]
        raise InputFileError(table.name, errors)


def _import_hxl(engine: Engine, path: Path, *, actor: str) -> ImportResult | ReceiveResult:
    table = read_hxl(path)
    if is_civharm_layout(table):
        return receive(engine, received_from_hxl(table), actor=actor)
    columns = generic_columns(table)
    if "source_key" not in columns:
        raise InputFileError(
            table.name,
            [RowError(table.name, 2, "#event+id", "an id column (#event+id or #meta+id) is needed")],
        )
    fmt = MappedFormat("hxl", columns, defaults={"source_type": "dataset", "source_name": path.name})
    return import_rows(engine, table, table.numbered_rows(), fmt)


def _import_geojson(engine: Engine, path: Path, fmt: MappedFormat | None) -> ImportResult:
    name = str(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(name, [RowError(name, 0, "", f"is not a JSON file ({exc})")]) from None
    problems = rfc7946_problems(document)
    if problems:
        raise InputFileError(name, [_geojson_error(name, p) for p in problems[:200]])
    rows = feature_rows(document)
    unlocated = [
        RowError(name, n, "geometry", f"a {r['_geometry']} cannot be placed; give each feature a Point")
        for n, r in rows
        if "_geometry" in r
    ]
    if unlocated:
        raise InputFileError(name, unlocated)
    digest, size = file_digest(path)
    if fmt is None:
        present = {k for _, row in rows for k in row}
        columns = {t: t for t in TARGETS if t in present}
        columns["source_key"] = "id"
        defaults = {"source_type": "dataset", "source_name": path.name}
        fmt = MappedFormat(
            "geojson", columns, defaults={k: v for k, v in defaults.items() if k not in columns}
        )
    fmt.labels = {c: f"{c} (property)" for c in fmt.columns.values()}
    table = Table(name, [], rows, digest, size)
    return import_rows(engine, table, table.numbered_rows(), fmt)


def _geojson_error(name: str, problem: str) -> RowError:
    where, _, message = problem.partition(": ")
    if where.startswith("feature "):
        number, _, rest = where.removeprefix("feature ").partition(".")
        if number.isdigit():
            return RowError(name, int(number), rest or "feature", message)
    return RowError(name, 0, where, message)


def _import_submissions(engine: Engine, path: Path, sheet: str | None) -> ImportResult:
    fmt = FormSubmissions()
    if path.suffix.lower() == ".xlsx":
        table = read_xlsx(path, sheet=sheet)
        columns = table.columns
    else:
        with open_csv(path) as source:
            columns = source.columns
    missing = submission_columns_missing(columns)
    if missing:
        errors = [RowError(str(path), 1, c, "form field is missing from the header row") for c in missing]
        raise InputFileError(str(path), errors)
    if path.suffix.lower() == ".xlsx":
        return import_rows(engine, table, table.numbered_rows(), fmt)
    return import_csv(engine, path, fmt)


def read_package(path: Path) -> Received:
    """A JSON package written by ``civharm export package``."""
    name = str(path)
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(name, [RowError(name, 0, "", f"is not a JSON file ({exc})")]) from None
    if not isinstance(document, dict) or document.get("format") != PACKAGE_FORMAT:
        raise InputFileError(name, [RowError(name, 0, "format", f"is not a {PACKAGE_FORMAT} file")])
    if document.get("version") != PACKAGE_VERSION:
        raise InputFileError(
            name, [RowError(name, 0, "version", f"version {document.get('version')!r} is not supported")]
        )
    if not isinstance(document.get("origin"), str) or not document["origin"]:
        raise InputFileError(name, [RowError(name, 0, "origin", "names the sending store")])
    received = Received(name, document["origin"])
    for entity in ENTITIES:
        records = document.get(entity, [])
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise InputFileError(name, [RowError(name, 0, entity, "is a list of records")])
        if entity in ("gradings", "responses"):
            setattr(received, entity, records)
        else:
            getattr(received, entity).extend(enumerate(records, start=1))
    return received
