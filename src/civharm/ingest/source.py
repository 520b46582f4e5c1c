"""What a tabular source format provides to the import pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

#: Problems found in one row: ``(field, message, value)``.
Problems = list[tuple[str, str, str | None]]


@dataclass(slots=True)
class ParsedRow:
    """One source row turned into a report and its casualty counts."""

    source_key: str
    report: dict[str, Any]
    counts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class SourceFormat(Protocol):
    """What a tabular source must provide to be imported. Instances must be picklable."""

    #: Stable name stored with each report, e.g. ``ucdp-ged``.
    source_system: str
    #: Columns that must be present in the header.
    required_columns: tuple[str, ...]
    #: The column holding the source's own id.
    id_column: str

    def parse(self, row: dict[str, str], problems: Problems) -> ParsedRow | None:
        """Turn one row into a report; append ``(field, message, value)`` to ``problems`` on failure."""
        ...
