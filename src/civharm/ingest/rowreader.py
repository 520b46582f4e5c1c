"""Typed access to one row's fields that records every problem instead of stopping at the first."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TypeVar

from civharm.ingest import fields
from civharm.ingest.fields import FieldError

T = TypeVar("T")

Problems = list[tuple[str, str, str | None]]


class RowReader:
    """Reads fields of ``row``; a bad value is recorded in ``problems`` and a placeholder returned.

    Callers read every field, then check :attr:`failed` before using the values, so one pass
    reports all of a row's problems.
    """

    def __init__(self, row: Mapping[str, str | None], problems: Problems) -> None:
        self.row = row
        self.problems = problems
        self._start = len(problems)

    @property
    def failed(self) -> bool:
        return len(self.problems) > self._start

    def fail(self, column: str, message: str) -> None:
        self.problems.append((column, message, self.row.get(column)))

    def _read(self, column: str, parse: Callable[[str | None], T], placeholder: T) -> T:
        try:
            return parse(self.row.get(column))
        except FieldError as exc:
            self.fail(column, str(exc))
            return placeholder

    def text(self, column: str) -> str:
        return self._read(column, fields.required, "")

    def optional(self, column: str) -> str | None:
        return fields.optional_text(self.row.get(column))

    def integer(self, column: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
        return self._read(column, lambda v: fields.parse_int(v, minimum=minimum, maximum=maximum), 0)

    def optional_integer(self, column: str, *, minimum: int | None = None) -> int | None:
        if not (self.row.get(column) or "").strip():
            return None
        return self.integer(column, minimum=minimum)

    def choice(self, column: str, choices: Mapping[int, object]) -> int:
        return self._read(column, lambda v: fields.parse_choice(v, dict(choices)), next(iter(choices)))

    def latitude(self, column: str) -> float:
        return self._read(column, fields.parse_latitude, 0.0)

    def longitude(self, column: str) -> float:
        return self._read(column, fields.parse_longitude, 0.0)

    def calendar_date(self, column: str) -> date:
        return self._read(column, fields.parse_date, date.min)

    def optional_date(self, column: str) -> date | None:
        if not (self.row.get(column) or "").strip():
            return None
        return self._read(column, fields.parse_date, None)
