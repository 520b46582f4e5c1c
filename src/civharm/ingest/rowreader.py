"""Typed access to one row's fields that records every problem instead of stopping at the first."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from civharm.ingest import fields
from civharm.ingest.fields import FieldError
from civharm.ingest.source import Problems


class RowReader:
    """Reads fields of ``row``; a bad value is recorded in ``problems`` and a placeholder returned.

    Callers read every field, then check :attr:`failed` before using the values, so one pass
    reports all of a row's problems. (Imports call this millions of times, hence the plain
    try/except in each method rather than a shared helper taking a callable.)
    """

    __slots__ = ("_start", "problems", "row")

    def __init__(self, row: Mapping[str, str | None], problems: Problems) -> None:
        self.row = row
        self.problems = problems
        self._start = len(problems)

    @property
    def failed(self) -> bool:
        return len(self.problems) > self._start

    def fail(self, column: str, message: str) -> None:
        self.problems.append((column, message, self.row.get(column)))

    def text(self, column: str) -> str:
        try:
            return fields.required(self.row.get(column))
        except FieldError as exc:
            self.fail(column, str(exc))
            return ""

    def optional(self, column: str) -> str | None:
        return fields.optional_text(self.row.get(column))

    def integer(self, column: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
        try:
            return fields.parse_int(self.row.get(column), minimum=minimum, maximum=maximum)
        except FieldError as exc:
            self.fail(column, str(exc))
            return 0

    def optional_integer(self, column: str, *, minimum: int | None = None) -> int | None:
        if not (self.row.get(column) or "").strip():
            return None
        return self.integer(column, minimum=minimum)

    def choice(self, column: str, choices: Mapping[int, object]) -> int:
        try:
            return fields.parse_choice(self.row.get(column), choices)
        except FieldError as exc:
            self.fail(column, str(exc))
            return next(iter(choices))

    def latitude(self, column: str) -> float:
        try:
            return fields.parse_latitude(self.row.get(column))
        except FieldError as exc:
            self.fail(column, str(exc))
            return 0.0

    def longitude(self, column: str) -> float:
        try:
            return fields.parse_longitude(self.row.get(column))
        except FieldError as exc:
            self.fail(column, str(exc))
            return 0.0

    def calendar_date(self, column: str) -> date:
        try:
            return fields.parse_date(self.row.get(column))
        except FieldError as exc:
            self.fail(column, str(exc))
            return date.min

    def optional_date(self, column: str) -> date | None:
        if not (self.row.get(column) or "").strip():
            return None
        try:
            return fields.parse_date(self.row.get(column))
        except FieldError as exc:
            self.fail(column, str(exc))
            return None
