"""Read coded spans from CSV (``document_id, start, end, code``) and documents from a folder.

Every problem is reported with its file, row and field, and nothing is used from a file that
has any problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from civharm.errors import InputFileError, RowError
from civharm.ingest.csvfile import open_csv
from civharm.qualitative.kappa import CodedSpan

SPAN_COLUMNS = ("document_id", "start", "end", "code")
MAX_ERRORS = 50


def read_document_folder(folder: Path) -> dict[str, str]:
    """``{document_id: text}`` for every ``<document_id>.txt`` in ``folder`` (UTF-8, newlines kept)."""
    name = str(folder)
    if not folder.is_dir():
        raise InputFileError(name, [RowError(name, 0, "", "is not a folder")])
    texts = {}
    for path in sorted(folder.glob("*.txt")):
        try:
            # newline="" keeps "\r\n" as two characters, so offsets count what is in the file.
            with path.open(encoding="utf-8-sig", newline="") as handle:
                texts[path.stem] = handle.read()
        except UnicodeDecodeError:
            raise InputFileError(str(path), [RowError(str(path), 0, "", "is not valid UTF-8 text")]) from None
    if not texts:
        raise InputFileError(name, [RowError(name, 0, "", "holds no <document_id>.txt files")])
    return texts


def _parse_offset(raw: str, file: str, row: int, field: str, errors: list[RowError]) -> int | None:
    value = raw.strip()
    if not value.lstrip("-").isdigit():
        errors.append(RowError(file, row, field, "is not a whole number", value))
        return None
    number = int(value)
    if number < 0:
        errors.append(RowError(file, row, field, "must not be negative", value))
        return None
    return number


def read_spans(path: Path, document_lengths: Mapping[str, int]) -> list[CodedSpan]:
    """The coded spans of one coder, checked against the documents' lengths."""
    spans: list[CodedSpan] = []
    errors: list[RowError] = []
    with open_csv(path) as source:
        missing = [c for c in SPAN_COLUMNS if c not in source.columns]
        if missing:
            raise InputFileError(
                source.name,
                [
                    RowError(source.name, 1, c, "column is missing; expected " + ", ".join(SPAN_COLUMNS))
                    for c in missing
                ],
            )
        for row_number, row in enumerate(source.rows, start=2):
            if not any(v.strip() for v in row.values()):
                continue  # blank line
            span = _span(row, source.name, row_number, document_lengths, errors)
            if span is not None:
                spans.append(span)
    if errors:
        shown = errors[:MAX_ERRORS]
        raise InputFileError(str(path), shown, truncated=len(errors) - len(shown))
    return spans


def _span(
    row: dict[str, str], file: str, row_number: int, lengths: Mapping[str, int], errors: list[RowError]
) -> CodedSpan | None:
    document, code = row["document_id"].strip(), row["code"].strip()
    before = len(errors)
    if not code:
        errors.append(RowError(file, row_number, "code", "is required but empty"))
    if document not in lengths:
        errors.append(
            RowError(file, row_number, "document_id", "has no <document_id>.txt in the folder", document)
        )
    start = _parse_offset(row["start"], file, row_number, "start", errors)
    end = _parse_offset(row["end"], file, row_number, "end", errors)
    if start is not None and end is not None:
        if end <= start:
            errors.append(
                RowError(file, row_number, "end", f"must be greater than start ({start})", str(end))
            )
        elif document in lengths and end > lengths[document]:
            message = f"is past the end of {document}.txt ({lengths[document]} characters)"
            errors.append(RowError(file, row_number, "end", message, str(end)))
    if len(errors) > before or start is None or end is None:
        return None
    return CodedSpan(document_id=document, start=start, end=end, code=code)
