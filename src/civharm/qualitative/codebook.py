"""Export the codebook (REFI-QDA ``.qdc`` and CSV) and the coded segments (CSV and XLSX).

The ``.qdc`` file follows the REFI-QDA Codebook standard (namespace
``urn:QDA-XML:codebook:1.0``): ``CodeBook/Codes`` holds ``Code`` elements nested to show the
hierarchy, each with ``guid``, ``name``, ``isCodable`` and an optional ``color`` and
``Description``; ``CodeBook/Sets`` holds one ``Set`` per theme, whose ``MemberCode`` elements
point at the theme's codes. GUIDs are derived from the project and the code's id, so exporting
twice gives the same GUIDs and another tool can recognise codes it saw before.
"""

from __future__ import annotations

import csv
import io
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from civharm import __version__
from civharm.errors import ValidationError
from civharm.qualitative.models import QualCode, QualProject, QualSegment, QualTheme
from civharm.qualitative.service import codes_of, segments_of, theme_code_ids, themes_of

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_GUID_ROOT = uuid.UUID("6f1c7a52-2b1e-4f55-9d0e-6a1d1c0e4b11")


def _guid(project: QualProject, kind: str, number: int) -> str:
    return str(uuid.uuid5(_GUID_ROOT, f"{project.id}:{project.name}:{kind}:{number}"))


@dataclass
class Codebook:
    """The codes in tree order, the themes and their members, read once for every format."""

    project: QualProject
    codes: list[QualCode]
    themes: list[QualTheme]
    theme_codes: dict[int, list[int]]

    def children(self) -> dict[int | None, list[QualCode]]:
        tree: dict[int | None, list[QualCode]] = defaultdict(list)
        for code in self.codes:
            tree[code.parent_id].append(code)
        return tree

    def path(self, code: QualCode) -> str:
        by_id = {c.id: c for c in self.codes}
        names, current = [code.name], code
        while current.parent_id is not None and current.parent_id in by_id:
            current = by_id[current.parent_id]
            names.append(current.name)
        return " > ".join(reversed(names))

    def themes_of_code(self, code_id: int) -> list[str]:
        return [t.name for t in self.themes if code_id in self.theme_codes.get(t.id, [])]


def load_codebook(session: Session, *, project: QualProject) -> Codebook:
    themes = themes_of(session, project=project)
    return Codebook(
        project=project,
        codes=codes_of(session, project=project),
        themes=themes,
        theme_codes={t.id: theme_code_ids(session, theme=t) for t in themes},
    )


def codebook_qdc(book: Codebook) -> bytes:
    """The codebook as REFI-QDA Codebook XML (UTF-8)."""
    ET.register_namespace("", QDC_NAMESPACE)
    ET.register_namespace("xsi", XSI)
    q = f"{{{QDC_NAMESPACE}}}"
    root = ET.Element(
        f"{q}CodeBook",
        {"origin": f"civharm {__version__}", f"{{{XSI}}}schemaLocation": f"{QDC_NAMESPACE} Codebook.xsd"},
    )
    codes = ET.SubElement(root, f"{q}Codes")
    tree = book.children()

    def add(parent: ET.Element, code: QualCode) -> None:
        attributes = {"guid": _guid(book.project, "code", code.id), "name": code.name, "isCodable": "true"}
        if code.color:
            attributes["color"] = code.color.upper()
        element = ET.SubElement(parent, f"{q}Code", attributes)
        if code.description:
            ET.SubElement(element, f"{q}Description").text = code.description
        for child in tree.get(code.id, []):
            add(element, child)

    for top in tree.get(None, []):
        add(codes, top)
    if book.themes:
        sets = ET.SubElement(root, f"{q}Sets")
        for theme in book.themes:
            element = ET.SubElement(
                sets, f"{q}Set", {"guid": _guid(book.project, "theme", theme.id), "name": theme.name}
            )
            description = f"Theme ({theme.status.value}). {theme.definition}".strip()
            ET.SubElement(element, f"{q}Description").text = description
            for code_id in book.theme_codes.get(theme.id, []):
                ET.SubElement(element, f"{q}MemberCode", {"targetGUID": _guid(book.project, "code", code_id)})
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _cell(value: object) -> str:
    """Text as a spreadsheet will show it, never as a formula (interview text can start with '=')."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


CODEBOOK_COLUMNS = ["code", "parent", "path", "description", "color", "themes", "segments"]


def codebook_rows(book: Codebook, segments: list[QualSegment]) -> list[list[str]]:
    counts: dict[int, int] = defaultdict(int)
    for segment in segments:
        counts[segment.code_id] += 1
    by_id = {c.id: c for c in book.codes}
    return [
        [
            code.name,
            by_id[code.parent_id].name if code.parent_id in by_id else "",
            book.path(code),
            code.description,
            code.color or "",
            "; ".join(book.themes_of_code(code.id)),
            str(counts[code.id]),
        ]
        for code in book.codes
    ]


SEGMENT_COLUMNS = ["segment_id", "document", "code", "code_path", "themes", "coder", "start", "end", "text"]


def segment_rows(session: Session, book: Codebook) -> list[list[str]]:
    by_id = {c.id: c for c in book.codes}
    rows = []
    for s in segments_of(session, project=book.project):
        code = by_id[s.code_id]
        rows.append(
            [
                str(s.id),
                s.document.name,
                code.name,
                book.path(code),
                "; ".join(book.themes_of_code(code.id)),
                s.coder,
                str(s.start_offset),
                str(s.end_offset),
                s.text,
            ]
        )
    return rows


def to_csv(columns: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue()


def to_xlsx(path: Path, sheet: str, columns: list[str], rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(columns)
    for row in rows:
        worksheet.append(
            [
                int(v) if columns[i] in ("start", "end", "segment_id", "segments") else _cell(v)
                for i, v in enumerate(row)
            ]
        )
    worksheet.freeze_panes = "A2"
    workbook.save(path)


def export_codebook(session: Session, *, project: QualProject, path: Path) -> None:
    """Write the codebook as ``.qdc`` (REFI-QDA) or ``.csv``, chosen by the file's suffix."""
    book = load_codebook(session, project=project)
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        path.write_bytes(codebook_qdc(book))
    elif suffix == ".csv":
        path.write_text(
            to_csv(CODEBOOK_COLUMNS, codebook_rows(book, segments_of(session, project=project))),
            encoding="utf-8",
        )
    else:
        raise ValidationError(
            f"cannot write a codebook as {suffix or 'a file without suffix'}; use .qdc or .csv"
        )


def export_segments(session: Session, *, project: QualProject, path: Path) -> int:
    """Write every coded segment as ``.csv`` or ``.xlsx``; returns how many."""
    book = load_codebook(session, project=project)
    rows = segment_rows(session, book)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_text(to_csv(SEGMENT_COLUMNS, rows), encoding="utf-8")
    elif suffix == ".xlsx":
        to_xlsx(path, "coded segments", SEGMENT_COLUMNS, rows)
    else:
        raise ValidationError(
            f"cannot write segments as {suffix or 'a file without suffix'}; use .csv or .xlsx"
        )
    return len(rows)
