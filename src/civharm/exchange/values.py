"""Reading single values from partners' files: dates in any of the forms spreadsheets produce."""

from __future__ import annotations

import re
from datetime import date, timedelta

from civharm.ingest import fields
from civharm.ingest.fields import FieldError

#: Day 0 of Excel's 1900 date system (its serial 60 is a 29 February 1900 that never was).
EXCEL_EPOCH = date(1899, 12, 30)
#: Serials accepted as dates: 1927-05-18 to 2173-10-14. A bare year (2022) is refused, not read as 1905.
EXCEL_SERIALS = (10_000, 100_000)
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def excel_serial_date(serial: float) -> date:
    """The calendar date of an Excel serial day number (1900 date system)."""
    return EXCEL_EPOCH + timedelta(days=int(serial))


def parse_any_date(value: str | None) -> date:
    """``YYYY-MM-DD`` (with or without a time), ``15 January 2022``, ``15/01/2022`` or an Excel serial."""
    text = fields.required(value)
    if _NUMBER.match(text):
        serial = float(text)
        if EXCEL_SERIALS[0] <= serial < EXCEL_SERIALS[1]:
            return excel_serial_date(serial)
        raise FieldError("is a number but not an Excel date serial; write the date as YYYY-MM-DD")
    return fields.parse_date(text)


def split_list(value: str | None) -> list[str]:
    """``"poc; caac"``, ``"poc,caac"`` or ``"poc caac"`` (as form tools write multiple choices)."""
    return [part for part in re.split(r"[;,\s]+", (value or "").strip()) if part]
