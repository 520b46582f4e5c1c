"""Open a delimited text file for streaming, whatever its BOM or delimiter."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from civharm.errors import InputFileError, RowError

# Real files carry free text of several kilobytes in one field (UCDP's source_article).
csv.field_size_limit(16 * 1024 * 1024)


class _CountingReader(io.RawIOBase):
    """Counts bytes as they are read, so progress can be shown on a stream."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None] | None) -> None:
        self._raw = raw
        self._on_read = on_read
        self.bytes_read = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self.digest.update(data)
        self.bytes_read += count
        if self._on_read is not None:
            self._on_read(self.bytes_read)
        return count


@dataclass
class CsvSource:
    name: str
    columns: list[str]
    rows: Iterator[dict[str, str]]
    _reader: _CountingReader
    delimiter: str = ","

    def sha256(self) -> str:
        """The file's SHA-256, complete once every row has been read."""
        return self._reader.digest.hexdigest()

    def bytes_read(self) -> int:
        return self._reader.bytes_read


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _decoded_rows(reader: Iterator[list[str]], columns: list[str], name: str) -> Iterator[dict[str, str]]:
    row_number = 1
    width = len(columns)
    try:
        for row_number, values in enumerate(reader, start=2):  # noqa: B007 - used after the loop
            if len(values) < width:
                values.extend([""] * (width - len(values)))
            yield dict(zip(columns, values, strict=False))
    except UnicodeDecodeError:
        raise InputFileError(
            name, [RowError(name, row_number + 1, "", "is not valid UTF-8 text; save the file as UTF-8")]
        ) from None
    except csv.Error as exc:
        raise InputFileError(name, [RowError(name, row_number + 1, "", f"malformed CSV: {exc}")]) from None


@contextmanager
def open_csv(path: Path, *, progress: Callable[[int, int], None] | None = None) -> Iterator[CsvSource]:
    """Open ``path`` as rows of ``{column: value}``; the header must be the first line."""
    name = str(path)
    if not path.is_file():
        raise InputFileError(name, [RowError(name, 0, "", "file not found")])
    total = path.stat().st_size
    on_read = (lambda done: progress(done, total)) if progress is not None else None
    with path.open("rb") as raw:
        counting = _CountingReader(raw, on_read)
        text = io.TextIOWrapper(io.BufferedReader(counting, 1 << 16), encoding="utf-8-sig", newline="")
        try:
            header_line = text.readline()
        except UnicodeDecodeError:
            raise InputFileError(name, [RowError(name, 1, "", "is not valid UTF-8 text")]) from None
        if not header_line.strip():
            raise InputFileError(name, [RowError(name, 1, "", "the file is empty: no header row")])
        delimiter = _sniff_delimiter(header_line)
        columns = [c.strip() for c in next(csv.reader([header_line], delimiter=delimiter))]
        repeated = sorted({c for c in columns if columns.count(c) > 1 and c})
        if repeated:
            raise InputFileError(name, [RowError(name, 1, c, "column name appears twice") for c in repeated])
        reader = csv.reader(text, delimiter=delimiter)
        yield CsvSource(
            name=name,
            columns=columns,
            rows=_decoded_rows(reader, columns, name),
            _reader=counting,
            delimiter=delimiter,
        )


def header_length(raw: BinaryIO) -> int:
    r"""Bytes up to the first data row: any BOM and the first line, as :func:`open_csv` reads it.

    A line ends at ``\n``, ``\r\n`` or a lone ``\r`` (bytes that never occur inside a UTF-8
    character).
    """
    data = b""
    while True:
        chunk = raw.read(1 << 16)
        data += chunk
        ends = [at for at in (data.find(b"\r"), data.find(b"\n")) if at >= 0]
        if not ends:
            if not chunk:
                return len(data)
            continue
        end = min(ends)
        if data[end : end + 1] == b"\n":
            return end + 1
        if end + 1 < len(data):
            return end + 2 if data[end + 1 : end + 2] == b"\n" else end + 1
        if not chunk:
            return end + 1
