"""The monthly report for the demo data renders to HTML and to a PDF whose first page is not blank."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from sqlalchemy.orm import Session, sessionmaker

from civharm.demo.load import load_demo
from civharm.lessons.monthly import build_monthly_report, render_monthly_html, write_monthly_report


@pytest.fixture
def demo_month(sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        load_demo(session, incidents=40)
    # The last full month: the demo spreads its incidents over the six months before today.
    return (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def test_the_monthly_report_shows_every_section(sessions: sessionmaker[Session], demo_month: str) -> None:
    with sessions() as session:
        report = build_monthly_report(session, month=demo_month, as_of=date.today())
        html = render_monthly_html(report)
    for heading in (
        "What happened",
        "Where",
        "Assessments and responses",
        "Overdue work",
        "Harm patterns",
        "Open lessons",
    ):
        assert f">{heading}<" in html
    assert html.count("<svg") == 4  # daily and trend charts, causes, the map
    assert "Poisson" in html and "[DEMO]" in html  # the test is named; demo lessons are listed
    assert "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )  # nothing fetched from outside
    assert report.lessons and report.overdue_actions  # the demo has an overdue action


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_pdf_first_page_is_not_blank(
    sessions: sessionmaker[Session], demo_month: str, tmp_path: Path
) -> None:
    output = tmp_path / "monthly.pdf"
    with sessions() as session:
        write_monthly_report(session, month=demo_month, path=output)
    document = pdfium.PdfDocument(str(output))
    assert len(document) >= 2
    image = document[0].render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    ink = sum(histogram[:200])  # pixels clearly darker than the white page
    assert ink > 0.02 * image.width * image.height
    assert image.getextrema()[0] < 60  # there is dark text, not just a grey wash
    document.close()
