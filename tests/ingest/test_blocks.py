"""Whole blocks built at once give byte for byte what the csv module and the row-by-row build give."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest
from sqlalchemy import Engine

from civharm.db.engine import create_db_engine
from civharm.ingest import fields
from civharm.ingest.acled import AcledExport
from civharm.ingest.blocks import json_strings, json_values
from civharm.ingest.columnar import read_column
from civharm.ingest.pipeline import import_csv
from civharm.ingest.prepare import Batch, Stamp, _report_digests, prepare_batches
from civharm.security.verify import verify

STAMP = Stamp("acled", 7, datetime(2026, 3, 4, 5, 6, 7, 890))


def _awkward_copy(shared_data: Path, path: Path, rows: int) -> Path:
    """Real rows with the texts that need care in JSON, places without a known country, and bad rows."""
    with (shared_data / "acled_2022q1_sample.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        sample = [row for _, row in zip(range(rows), reader, strict=False)]
    for at, row in enumerate(sample):
        if at % 7 == 0:
            row["notes"] += ' He said "leave" \\ then\ta new line\nand é ش \u2028'
        if at % 11 == 0:
            row["location"] = f"  {row['location']} "
        if at % 13 == 0:
            row["country"], row["iso"] = "Atlantis", "999"
        if at % 17 == 0:
            row["admin2"] = ""
        if at % 19 == 0:
            row["actor1"] = "\x01control"
    sample[40]["latitude"] = "abc"
    sample[41]["event_date"] = "2016-13-45"
    sample[42]["event_id_cnty"] = ""
    sample[43]["longitude"] = "12,5"  # a decimal comma: accepted, and read by the field reader
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(sample)
    return path


def _batches(path: Path, *, columnar: bool) -> list[Batch]:
    dialect = create_db_engine("sqlite://").dialect
    return list(prepare_batches(path, AcledExport(), dialect, 500, STAMP, columnar=columnar))


def _flat(batches: list[Batch], name: str) -> list[Any]:
    return [item for batch in batches for item in getattr(batch, name)]


@pytest.mark.parametrize("rows", [600, 4524])
def test_blocks_give_what_rows_give(shared_data: Path, tmp_path: Path, rows: int) -> None:
    path = _awkward_copy(shared_data, tmp_path / "awkward.csv", rows)
    by_block, by_row = _batches(path, columnar=True), _batches(path, columnar=False)
    for name in ("row_numbers", "keys", "values", "counts", "digests", "warnings"):
        assert _flat(by_block, name) == _flat(by_row, name), name
    refused = [(r.row_number, r.row, r.problems) for r in _flat(by_block, "refused")]
    assert refused == [(r.row_number, r.row, r.problems) for r in _flat(by_row, "refused")]
    assert [number for number, _, _ in refused] == [42, 43, 44]
    assert by_block[-1].sha256 == by_row[-1].sha256
    assert by_block[-1].rows_read == by_row[-1].rows_read == rows
    assert sum(b.warning_count for b in by_block) == sum(b.warning_count for b in by_row) > 0


def test_block_digests_are_the_digests_of_the_stored_rows(
    engine: Engine, shared_data: Path, tmp_path: Path
) -> None:
    path = _awkward_copy(shared_data, tmp_path / "awkward.csv", 300)
    result = import_csv(engine, path, AcledExport(), skip_invalid=True, rejects_path=tmp_path / "rejects.csv")
    assert (result.inserted, result.rejected) == (297, 3)
    with engine.connect() as connection:
        assert verify(connection).problems == []


def test_a_digest_template_writes_what_parts_writes() -> None:
    digests = _report_digests(STAMP)
    assert digests is not None
    values = {"source_key": 'k"1', "latitude": 12.5, "topics": ["poc"], "raw_record": {"b": "x", "a": "\n"}}
    before, after = digests.template(list(values))
    texts = [
        json_strings(pa.array(['k"1'])).to_pylist()[0],
        json_values([12.5]).to_pylist()[0],
        json_values([["poc"]]).to_pylist()[0],
        orjson.dumps(values["raw_record"], option=orjson.OPT_SORT_KEYS).decode(),  # as blocks write it
    ]
    joined = [
        b"".join(p if isinstance(p, bytes) else texts[p].encode() for p in part) for part in (before, after)
    ]
    assert tuple(joined) == digests.parts(values)


def test_numbers_arrow_reads_are_the_numbers_python_reads() -> None:
    texts = ["36.2", "-0.5", "1e-3", ".5", "+3", "90", "90.0001", "nan", "-inf"]
    values, failed = read_column(pa.array(texts), fields.parse_latitude)
    assert values[:6] == [float(t) for t in texts[:6]]
    assert failed.tolist() == [False] * 6 + [True] * 3
    # A text Arrow will not read (a decimal comma, spaces) goes to the field reader, column and all.
    values, failed = read_column(pa.array(["12,5", " 7 ", "x"]), fields.parse_longitude)
    assert values[:2] == [12.5, 7.0] and failed.tolist() == [False, False, True]


def test_day_month_year_dates_are_read_whole() -> None:
    assert fields.parse_date("15 January 2022") == date(2022, 1, 15)
    assert fields.parse_date("2022-01-15 10:30:00") == date(2022, 1, 15)
    assert fields.parse_date("2022-01-15T10:30") == date(2022, 1, 15)
