"""Parsing of single field values, each failing with a message a person can act on."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

_MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2}) ([A-Za-z]+) (\d{4})$")


class FieldError(ValueError):
    """A value that cannot be used; the message says what was expected."""


def required(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise FieldError("is required but empty")
    return text


def optional_text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def parse_int(value: str | None, *, minimum: int | None = None, maximum: int | None = None) -> int:
    # The common case first, without stripping or float fallbacks.
    number = int(value) if value and value.isdecimal() else _parse_int_slow(value)
    if minimum is not None and number < minimum:
        raise FieldError(f"must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise FieldError(f"must be at most {maximum}")
    return number


def _parse_int_slow(value: str | None) -> int:
    text = required(value)
    try:
        return int(text)
    except ValueError:
        # Some exports write integers as "3.0".
        try:
            as_float = float(text)
        except ValueError:
            raise FieldError("is not a whole number") from None
        if not as_float.is_integer():
            raise FieldError("is not a whole number") from None
        return int(as_float)


def parse_choice(value: str | None, choices: Mapping[int, object]) -> int:
    number = parse_int(value)
    if number not in choices:
        allowed = ", ".join(str(c) for c in sorted(choices))
        raise FieldError(f"must be one of {allowed}")
    return number


def parse_float(value: str | None) -> float:
    text = required(value)
    try:
        number = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except ValueError:
        raise FieldError("is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise FieldError("is not a finite number")
    return number


def parse_latitude(value: str | None) -> float:
    number = parse_float(value)
    if not -90.0 <= number <= 90.0:
        raise FieldError("latitude must be between -90 and 90")
    return number


def parse_longitude(value: str | None) -> float:
    number = parse_float(value)
    if not -180.0 <= number <= 180.0:
        raise FieldError("longitude must be between -180 and 180")
    return number


def parse_date(value: str | None) -> date:
    """Accept ``YYYY-MM-DD`` (optionally followed by a time) and ``15 January 2022``."""
    text = required(value)
    if len(text) > 10 and text[10] in " T" and text[4:5] == "-":  # an ISO date with a time
        text = text[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _DAY_MONTH_YEAR.match(text)
    if match and match.group(2).lower() in _MONTHS:
        try:
            return date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
        except ValueError:
            pass
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise FieldError("is not a valid date (expected YYYY-MM-DD)") from None
