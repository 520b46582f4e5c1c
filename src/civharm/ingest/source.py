"""What a tabular source format provides to the import pipeline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from civharm.ingest.fields import FieldError

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


#: Reads one field's text (``None`` when the column is absent), raising ``FieldError`` when it is bad.
FieldReader = Callable[[str | None], Any]


class ColumnwiseFormat(SourceFormat, Protocol):
    """A format whose checks each look at one field, so a whole column can be checked at once.

    :meth:`parse` must equal :func:`read_checked` with :meth:`checks` followed by :meth:`build`;
    large files are then read column by column (:mod:`civharm.ingest.columnar`) and give the
    same reports, warnings and error messages.
    """

    def checks(self) -> Sequence[tuple[str, FieldReader]]:
        """The checked columns and how each is read, in the order their problems are reported."""
        ...

    def build(self, row: dict[str, str], values: Sequence[Any]) -> ParsedRow | None:
        """The report of ``row`` from its checked ``values`` (in the order of :meth:`checks`).

        ``None`` when a check across fields fails: the row is then given to :meth:`parse`,
        which reports the problem.
        """
        ...


def read_checked(
    row: dict[str, str], checks: Sequence[tuple[str, FieldReader]], problems: Problems
) -> list[Any] | None:
    """Every checked field of ``row``, or ``None`` with each problem added to ``problems``."""
    values: list[Any] = []
    failed = False
    for column, read in checks:
        text = row.get(column)
        try:
            values.append(read(text))
        except FieldError as exc:
            problems.append((column, str(exc), text))
            failed = True
    return None if failed else values
