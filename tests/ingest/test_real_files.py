"""Importing the real UCDP and ACLED files: counts, precision, idempotency, warnings."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from civharm.casualties.models import CasualtyCount
from civharm.ingest.acled import AcledExport
from civharm.ingest.pipeline import import_csv
from civharm.ingest.ucdp import UcdpGed
from civharm.precision import DatePrecision, LocationPrecision
from civharm.reports.models import ImportRun, Report
from civharm.vocabulary import Outcome, PersonStatus


def _count(engine: Engine, model: type[Report] | type[CasualtyCount] | type[ImportRun]) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_ucdp_file_gives_one_report_per_event_and_again_changes_nothing(
    engine: Engine, shared_data: Path
) -> None:
    path = shared_data / "ucdp_ged_syria_2016_2017.csv"
    first = import_csv(engine, path, UcdpGed())
    assert (first.rows_read, first.inserted, first.unchanged) == (11_757, 11_757, 0)
    assert _count(engine, Report) == 11_757
    counts_after_first = _count(engine, CasualtyCount)

    second = import_csv(engine, path, UcdpGed())
    assert (second.inserted, second.unchanged) == (0, 11_757)
    assert _count(engine, Report) == 11_757
    assert _count(engine, CasualtyCount) == counts_after_first


def test_ucdp_rows_breaking_low_best_high_are_imported_with_a_warning(
    engine: Engine, shared_data: Path
) -> None:
    result = import_csv(engine, shared_data / "ucdp_ged_syria_2016_2017.csv", UcdpGed())
    low_best_high = [w for w in result.warnings if "low <= best <= high fails" in w]
    assert len(low_best_high) == 66  # the real file has 66 such rows
    assert "row 349" in low_best_high[0]
    with Session(engine) as session:
        run = session.scalars(select(ImportRun)).one()
        assert run.warning_count == result.warning_count
        assert run.rows_inserted == 11_757


def test_ucdp_keeps_precision_codes_and_source_articles(engine: Engine, shared_data: Path) -> None:
    import_csv(engine, shared_data / "ucdp_ged_syria_2016_2017.csv", UcdpGed())
    with Session(engine) as session:
        report = session.scalars(select(Report).where(Report.source_key == "214804")).one()
        assert report.location_precision == LocationPrecision.NEAR
        assert report.location_precision_code == "ucdp:where_prec=2"
        assert report.date_precision == DatePrecision.DAY
        assert report.country_iso3 == "SYR"
        assert report.original_text.startswith('"SOHR,2016-01-01,Bombardment targets Idlib and Hama"')
        assert report.raw_record["source_article"] == report.original_text
        assert (report.killed_min, report.killed_best, report.killed_max) == (2, 2, 2)
        civilians = [c for c in report.casualty_counts if c.status == PersonStatus.CIVILIAN]
        assert [(c.outcome, c.count_min) for c in civilians] == [(Outcome.KILLED, 2)]
        coarse = session.scalar(
            select(func.count()).where(Report.location_precision == LocationPrecision.COUNTRY)
        )
        assert coarse == 201  # where_prec 6 rows are kept, mapped to "country"


def test_acled_file_gives_one_report_per_event_and_again_changes_nothing(
    engine: Engine, shared_data: Path
) -> None:
    path = shared_data / "acled_2022q1_sample.csv"
    first = import_csv(engine, path, AcledExport())
    assert first.inserted == 4_524
    second = import_csv(engine, path, AcledExport())
    assert (second.inserted, second.unchanged) == (0, 4_524)
    assert _count(engine, Report) == 4_524
    with Session(engine) as session:
        uganda = session.scalars(select(Report).where(Report.source_key == "UGA7752")).one()
        assert uganda.country_iso3 == "UGA"
        assert uganda.location_precision == LocationPrecision.NEAR  # geo_precision 2
        assert uganda.date_precision_code == "acled:time_precision=1"
        assert uganda.raw_record["notes"].startswith("On 23 February 2022")
        sexual_violence = session.scalar(
            select(func.count()).where(
                Report.source_system == "acled",
                Report.raw_record["sub_event_type"].as_string() == "Sexual violence",
            )
        )
        assert sexual_violence == 14


def test_parsing_in_a_worker_process_gives_the_same_store(engine: Engine, shared_data: Path) -> None:
    path = shared_data / "ucdp_ged_syria_2016_2017.csv"
    result = import_csv(engine, path, UcdpGed(), parallel=True)
    assert (result.inserted, result.warning_count) == (11_757, 66)
    with Session(engine) as session:
        report = session.scalars(select(Report).where(Report.source_key == "214804")).one()
        assert report.location_precision_code == "ucdp:where_prec=2"
        assert len(report.casualty_counts) == 1
        run = session.scalars(select(ImportRun)).one()
        assert len(run.file_sha256) == 64
