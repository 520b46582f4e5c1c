"""civharm's own intake form (an XLSForm for KoboToolbox and ODK) and the reading of its submissions.

Partners collect reports offline on phones with the form; the exported submissions (CSV or
XLSX, from KoboToolbox or ODK Central) import with ``civharm import kobo FILE``. Group paths
(``incident/killed``), Kobo's split geopoint columns and ODK Central's ``KEY`` are understood.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from civharm.exchange.mapping import MappedFormat
from civharm.ingest.source import ParsedRow, Problems
from civharm.vocabulary import TOPIC_LABELS, Cause, SourceType, Topic

FORM_ID = "civharm_intake"
FORM_VERSION = "2026.1"

#: ``(type, name, label, required, report field)`` of each question.
QUESTIONS: tuple[tuple[str, str, str, bool, str | None], ...] = (
    ("date", "incident_date", "When did it happen?", True, "date"),
    ("text", "place", "Where (village, town, neighbourhood)?", True, "place_name"),
    ("text", "admin1", "Province / governorate", False, "admin1"),
    ("geopoint", "location", "Location (GPS), if safe to record", False, None),
    ("text", "description", "What happened?", True, "original_text"),
    ("select_one source_types", "source_type", "Kind of source", True, "source_type"),
    ("text", "source_name", "Name of the source (organisation, outlet, person's role)", True, "source_name"),
    ("integer", "killed", "Civilians killed (best figure)", False, "killed"),
    ("integer", "injured", "Civilians injured (best figure)", False, "injured"),
    ("select_multiple topics", "topics", "Topics", False, "topics"),
    ("select_one causes", "cause", "Weapon or cause", False, "cause"),
    ("text", "language", "Language of the account (e.g. ar, en)", False, "language"),
)
CHOICES: dict[str, list[str]] = {
    "source_types": [t.value for t in SourceType if t is not SourceType.OWN_FORCE],
    "topics": [t.value for t in Topic],
    "causes": [c.value for c in Cause],
}
#: Columns that may hold a submission's own id, most specific first.
KEY_COLUMNS = ("_uuid", "instanceID", "KEY", "_id")


def write_xlsform(path: Path) -> Path:
    """Write the intake form as an XLSForm (survey, choices and settings sheets)."""
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "required", "constraint", "constraint_message"])
    survey.append(["start", "start", "", "", "", ""])
    survey.append(["end", "end", "", "", "", ""])
    for kind, name, label, required, _ in QUESTIONS:
        constraint, message = (". >= 0", "cannot be negative") if kind == "integer" else ("", "")
        survey.append([kind, name, label, "yes" if required else "", constraint, message])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for list_name, values in CHOICES.items():
        for value in values:
            choices.append([list_name, value, _label(value)])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["civharm incident report", FORM_ID, FORM_VERSION, "English (en)"])
    book.save(path)
    return path


def _label(value: str) -> str:
    topic = next((label for topic, label in TOPIC_LABELS.items() if topic.value == value), None)
    return topic or {"un": "UN", "ngo": "NGO"}.get(value, value.replace("_", " ").capitalize())


def _short(column: str) -> str:
    """``incident/killed`` becomes ``killed``."""
    return column.rsplit("/", 1)[-1]


@dataclass
class FormSubmissions:
    """A :class:`~civharm.ingest.source.SourceFormat` for submissions of the intake form."""

    source_system: str = "kobo"
    defaults: dict[str, Any] = field(default_factory=dict)
    required_columns: tuple[str, ...] = ()
    id_column: str = "_uuid"

    def __post_init__(self) -> None:
        columns = {target: name for _, name, _, _, target in QUESTIONS if target is not None}
        columns.update(source_key="_key", latitude="_latitude", longitude="_longitude")
        self._mapped = MappedFormat(self.source_system, columns, defaults=self.defaults)

    def parse(self, row: dict[str, str], problems: Problems) -> ParsedRow | None:
        short = {_short(k): v for k, v in row.items()}
        key = next((short[c] for c in KEY_COLUMNS if (short.get(c) or "").strip()), "")
        short["_key"] = key.removeprefix("uuid:")
        short["_latitude"], short["_longitude"] = _coordinates(short)
        parsed = self._mapped.parse(short, problems)
        if parsed is not None:
            parsed.report["raw_record"] = dict(row)
        return parsed


def _coordinates(row: dict[str, str]) -> tuple[str, str]:
    """From Kobo's split columns, ODK Central's, or the geopoint text ``"lat lon alt accuracy"``."""
    for latitude, longitude in (
        ("_location_latitude", "_location_longitude"),
        ("location-Latitude", "location-Longitude"),
    ):
        if (row.get(latitude) or "").strip():
            return row[latitude], row.get(longitude, "")
    parts = (row.get("location") or "").split()
    return (parts[0], parts[1]) if len(parts) >= 2 else ("", "")


def submission_columns_missing(columns: list[str]) -> list[str]:
    """Form fields a submissions file must have (after group paths are removed) but lacks."""
    short = {_short(c) for c in columns}
    missing = [name for _, name, _, required, _ in QUESTIONS if required and name not in short]
    if not short & set(KEY_COLUMNS):
        missing.append(" or ".join(KEY_COLUMNS))
    return missing
