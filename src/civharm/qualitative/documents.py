"""Turn a text, Word or PDF file into the plain text that segments point into."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from civharm.errors import InputFileError, RowError

SUPPORTED = {".txt": "text", ".md": "text", ".docx": "docx", ".pdf": "pdf"}


@dataclass(frozen=True)
class ReadDocument:
    name: str
    source_format: str
    text: str
    sha256: str


def _refuse(path: Path, message: str) -> InputFileError:
    return InputFileError(str(path), [RowError(str(path), 0, "", message)])


def _docx_text(path: Path) -> str:
    import docx  # imported here: only Word imports need it

    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:  # interview grids are often kept in tables
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(paragraphs)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [(page.extract_text() or "").strip() for page in reader.pages]
    return "\n\n".join(pages)


def read_document_file(path: Path) -> ReadDocument:
    """The document's text; a scanned PDF without a text layer is refused, not stored empty."""
    if not path.is_file():
        raise _refuse(path, "file not found")
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise _refuse(path, f"cannot read {path.suffix or 'files without a suffix'}; use .txt, .docx or .pdf")
    raw = path.read_bytes()
    try:
        if kind == "text":
            text = raw.decode("utf-8-sig").replace("\r\n", "\n")
        elif kind == "docx":
            text = _docx_text(path)
        else:
            text = _pdf_text(path)
    except UnicodeDecodeError:
        raise _refuse(path, "is not valid UTF-8 text; save it as UTF-8") from None
    except Exception as exc:  # the readers raise many types for damaged files
        raise _refuse(path, f"could not be read as {kind}: {exc}") from None
    if not text.strip():
        raise _refuse(path, "holds no text (a scanned PDF needs OCR first)")
    return ReadDocument(path.stem, kind, text, hashlib.sha256(raw).hexdigest())
