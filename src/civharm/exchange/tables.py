"""Spreadsheets read as numbered rows of text, with their layout problems named by row and column."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from civharm.errors import InputFileError, RowError


@dataclass
class Table:
    """Rows read from a file, numbered as the file shows them (a :class:`RowSource` for imports)."""

    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    digest: str
    size: int
    #: How messages name each column, e.g. ``"Date (column C)"``.
    labels: dict[str, str] = field(default_factory=dict)

    def bytes_read(self) -> int:
        return self.size

    def sha256(self) -> str:
        return self.digest

    def numbered_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows)


def file_digest(path: Path) -> tuple[str, int]:
    data = path.read_bytes()
    return hashlib.sha256(data).hexdigest(), len(data)


def cell_text(value: Any) -> str:
    """A cell as text: dates as ISO dates, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _merged(sheet: Any) -> list[tuple[int, int, int, int, str]]:
    """Merged ranges as ``(min_row, min_col, max_row, max_col, "B1:C1")``."""
    return [(r.min_row, r.min_col, r.max_row, r.max_col, r.coord) for r in sheet.merged_cells.ranges]


def read_xlsx(path: Path, *, sheet: str | None = None) -> Table:
    """Read the first (or named) sheet; the first non-blank row is the header.

    A header whose cells are merged across columns (a group label over several columns) is
    read with the row below it as a second header row: ``"Casualties / killed"``. Cells merged
    in the data rows are refused, since only their first row would carry the value.
    """
    name = str(path)
    if not path.is_file():
        raise InputFileError(name, [RowError(name, 0, "", "file not found")])
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise InputFileError(
            name, [RowError(name, 0, "", f"is not a readable XLSX workbook ({exc})")]
        ) from None
    if sheet is not None and sheet not in book.sheetnames:
        raise InputFileError(
            name, [RowError(name, 0, "", f"has no sheet {sheet!r} ({', '.join(book.sheetnames)})")]
        )
    ws = book[sheet] if sheet else book.worksheets[0]
    grid = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    header_at = next((i for i, row in enumerate(grid, start=1) if any(row)), None)
    if header_at is None:
        raise InputFileError(name, [RowError(name, 1, "", "the sheet is empty: no header row")])
    merges = _merged(ws)
    grouped = any(r0 == header_at and c1 > c0 for r0, c0, _, c1, _ in merges)
    data_from = header_at + (2 if grouped else 1)
    columns = _header(name, grid, header_at, merges, grouped)
    errors = [
        RowError(
            name,
            r0,
            f"column {get_column_letter(c0)}",
            f"cells {coord} are merged; unmerge them and fill each row",
        )
        for r0, c0, r1, _, coord in merges
        if r1 >= data_from and r1 > r0
    ]
    if errors:
        raise InputFileError(name, errors)
    labels = {c: f"{c} (column {get_column_letter(i)})" for i, c in enumerate(columns, start=1) if c}
    rows = []
    for number, values in enumerate(grid[data_from - 1 :], start=data_from):
        _check_unnamed(name, number, columns, values)
        rows.append((number, {c: v for c, v in zip(columns, values, strict=False) if c}))
    digest, size = file_digest(path)
    return Table(name, [c for c in columns if c], rows, digest, size, labels)


def _header(
    name: str, grid: list[list[str]], at: int, merges: list[tuple[int, int, int, int, str]], grouped: bool
) -> list[str]:
    top = list(grid[at - 1])
    for r0, c0, _, c1, _ in merges:
        if r0 == at:
            for column in range(c0 + 1, c1 + 1):
                top[column - 1] = top[c0 - 1]
    if grouped:
        below = grid[at] if len(grid) > at else []
        columns = []
        for index, label in enumerate(top):
            sub = below[index] if index < len(below) else ""
            columns.append(f"{label} / {sub}" if label and sub and sub != label else label or sub)
    else:
        columns = top
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise InputFileError(name, [RowError(name, at, c, "column name appears twice") for c in repeated])
    return [c.strip() for c in columns]


def _check_unnamed(name: str, number: int, columns: list[str], values: list[str]) -> None:
    for index, value in enumerate(values):
        if value and (index >= len(columns) or not columns[index]):
            letter = get_column_letter(index + 1)
            raise InputFileError(
                name,
                [
                    RowError(
                        name, number, f"column {letter}", "holds a value but the column has no header", value
                    )
                ],
            )
