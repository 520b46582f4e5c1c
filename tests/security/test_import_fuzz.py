"""Fuzzing every importer: hostile or broken files get a clean error and write nothing (issue 6).

Each example is a file built from the importer's own column names (so it gets past the header
check and reaches row parsing) filled with awkward values — empty cells, stray quotes and
delimiters, huge and negative numbers, impossible dates, mixed scripts, control characters —
or plain random bytes. Whatever the file, the importer must either import it or raise a
:class:`~civharm.errors.CivharmError` (which the command line prints as one line), and a
refused file must leave the store exactly as it was.

Parsing does not depend on the backend, so the examples run against one SQLite store; the
transactional behaviour on PostgreSQL is covered by the ingest and exchange tests.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.errors import CivharmError
from civharm.exchange.imports import import_file
from civharm.incidents.models import Incident
from civharm.ingest.acled import REQUIRED_COLUMNS as ACLED_COLUMNS
from civharm.ingest.acled import AcledExport
from civharm.ingest.pipeline import import_csv
from civharm.ingest.source import SourceFormat
from civharm.ingest.ucdp import REQUIRED_COLUMNS as UCDP_COLUMNS
from civharm.ingest.ucdp import UcdpGed
from civharm.reports.models import Report

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

awkward_text = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "NA",
            "null",
            "-1",
            "0",
            "1e309",
            "-999999999999999999999",
            "3.5",
            "abc",
            "2022-02-30",
            "2022-13-01",
            "31/12/2021",
            "0000-00-00",
            "9999-12-31",
            "45000",
            "91.5",
            "-181",
            '"',
            "'",
            ";",
            ",",
            "\t",
            "\n",
            "=cmd|' /C calc'!A0",
            "الميادين",
            "Маядин",
            "\u202eevil",
            "\x00",
        ]
    ),
    st.text(max_size=20),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def _csv_text(columns: tuple[str, ...], rows: list[list[str]], delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


@st.composite
def csv_files(draw: st.DrawFn, columns: tuple[str, ...]) -> bytes:
    """A CSV with the importer's columns (some dropped or repeated) and awkward rows, or random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    header = tuple(c for c in columns if draw(st.integers(0, 11)) > 0)
    if draw(st.booleans()):
        header = (*header, draw(st.sampled_from(columns)))  # a repeated column
    width = len(header)
    rows = draw(
        st.lists(
            st.lists(awkward_text, min_size=max(0, width - 2), max_size=width + 2),
            max_size=6,
        )
    )
    text = _csv_text(header, rows, delimiter=draw(st.sampled_from([",", ";", "\t"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return text.encode(encoding, errors="replace")


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def geojson_files(draw: st.DrawFn) -> bytes:
    """FeatureCollections with broken geometry and properties, arbitrary JSON, or random bytes."""
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(st.binary(max_size=300))
    if choice == 1:
        return json.dumps(draw(json_value)).encode()
    coordinates = draw(
        st.one_of(
            st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=3),
            json_value,
        )
    )
    feature = {
        "type": draw(st.sampled_from(["Feature", "feature", "Point", ""])),
        "geometry": draw(
            st.one_of(
                st.none(),
                st.fixed_dictionaries(
                    {
                        "type": st.sampled_from(["Point", "Polygon", "Nope"]),
                        "coordinates": st.just(coordinates),
                    }
                ),
            )
        ),
        "properties": draw(st.dictionaries(st.sampled_from(["date", "title", "killed", "name"]), json_value)),
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


@st.composite
def package_files(draw: st.DrawFn) -> bytes:
    """civharm JSON packages with wrong versions, missing or mistyped parts, or arbitrary JSON."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=300))
    document: dict[str, Any] = {
        "format": draw(st.sampled_from(["civharm-package", "something-else", ""])),
        "version": draw(st.one_of(st.integers(-1, 3), st.text(max_size=3))),
        "origin": draw(st.text(max_size=12)),
    }
    for part in ("incidents", "reports", "casualties", "counts"):
        if draw(st.booleans()):
            document[part] = draw(
                st.lists(st.dictionaries(st.text(max_size=10), json_value, max_size=5), max_size=3)
            )
    return json.dumps(document).encode()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'civharm.sqlite3'}")
    upgrade_schema(engine)
    yield engine
    engine.dispose()


def _counts(engine: Engine) -> tuple[int, int]:
    with session_factory(engine)() as session:
        reports = session.scalar(select(func.count()).select_from(Report)) or 0
        incidents = session.scalar(select(func.count()).select_from(Incident)) or 0
    return reports, incidents


def _imports_cleanly(engine: Engine, path: Path, run: Any) -> None:
    before = _counts(engine)
    refusal: CivharmError | None = None
    try:
        run()
    except CivharmError as error:
        refusal = error
    if refusal is not None:
        assert str(refusal).strip(), "an error must say what is wrong"
        assert _counts(engine) == before, f"a refused file wrote something: {refusal}"


@pytest.mark.parametrize("fmt", [UcdpGed(), AcledExport()], ids=["ucdp", "acled"])
@FUZZ
@given(content=st.data())
def test_ucdp_and_acled_imports_refuse_bad_files_cleanly(
    store: Engine, tmp_path: Path, fmt: SourceFormat, content: st.DataObject
) -> None:
    columns = UCDP_COLUMNS if isinstance(fmt, UcdpGed) else ACLED_COLUMNS
    path = tmp_path / "fuzz.csv"
    path.write_bytes(content.draw(csv_files(tuple(columns))))
    _imports_cleanly(store, path, lambda: import_csv(store, path, fmt))


HXL_COLUMNS = ("#event+id", "#date", "#geo+lat", "#geo+lon", "#adm1+name", "#loc+name", "#affected+killed")
KOBO_COLUMNS = ("_uuid", "_submission_time", "date", "source_type", "description", "_location_latitude")


@pytest.mark.parametrize(
    ("kind", "files"),
    [
        ("hxl", csv_files(HXL_COLUMNS)),
        ("kobo", csv_files(KOBO_COLUMNS)),
        ("geojson", geojson_files()),
        ("package", package_files()),
    ],
    ids=["hxl", "kobo", "geojson", "package"],
)
@FUZZ
@given(content=st.data())
def test_partner_file_imports_refuse_bad_files_cleanly(
    store: Engine, tmp_path: Path, kind: str, files: st.SearchStrategy[bytes], content: st.DataObject
) -> None:
    suffix = {"hxl": ".csv", "kobo": ".csv", "geojson": ".geojson", "package": ".json"}[kind]
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content.draw(files))
    _imports_cleanly(store, path, lambda: import_file(store, kind, path, actor="fuzzer"))
