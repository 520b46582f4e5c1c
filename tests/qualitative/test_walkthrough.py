"""Walk-through: code the human-security interview study into codes and themes, then export.

The study (shared/seeds/002_*) interviewed eight security experts about the advantages and
constraints of adopting human security in Pakistan and analysed them with Braun & Clarke's
thematic analysis; the two NATO pieces (000, 001) add the alliance's view. This test does the
six phases with civharm and checks the exported codebook.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from civharm.qualitative import service as qual
from civharm.qualitative.codebook import QDC_NAMESPACE, export_codebook, export_segments
from civharm.qualitative.models import MemoTarget, ThemeStatus
from tests.conftest import SHARED_DATA

SEEDS = SHARED_DATA.parent / "seeds"
Q = f"{{{QDC_NAMESPACE}}}"

ADVANTAGES = "Advantages of adopting human security"
CONSTRAINTS = "Constraints on adopting human security"
CODES = {
    ADVANTAGES: ["Broadening the scope of security", "Addressing root causes", "Global standing"],
    CONSTRAINTS: ["Dominance of traditional security", "Financial constraints", "Weak governance"],
}
QUOTES = [
    ("002", "Broadening the scope of security", "broadening the concept and scope of national security"),
    ("002", "Addressing root causes", "reduction of the root causes of instabilities and insecurities"),
    ("002", "Global standing", "incorporation of human security model enhances Pakistan's global standing"),
    ("002", "Dominance of traditional security", "resistance from traditional security institutions"),
    ("002", "Financial constraints", "economic constraints limit the space for shift in security paradigm"),
    ("002", "Weak governance", "political instability and ineffective governance is a major barrier"),
    ("001", "Financial constraints", "resources assigned to implementing it have been reduced"),
    (
        "000",
        "Broadening the scope of security",
        "deliberate targeting of civilians as a strategy in conflict",
    ),
]
THEMES = {
    "Security that reaches people": ["Broadening the scope of security", "Addressing root causes"],
    "A stable and respected state": ["Global standing"],
    "Institutional resistance": ["Dominance of traditional security"],
    "Limits of resources and governance": ["Financial constraints", "Weak governance"],
}


@pytest.fixture(scope="module")
def seeds() -> dict[str, Path]:
    files = {p.name[:3]: p for p in sorted(SEEDS.glob("00[0-2]_*.txt"))}
    if len(files) < 3:
        pytest.skip(f"seed documents are absent from {SEEDS}")
    return files


def test_code_the_human_security_study_into_themes_and_export_the_codebook(
    session: Session, seeds: dict[str, Path], tmp_path: Path
) -> None:
    project = qual.create_project(
        session, name="Human security adoption", actor="analyst", coders=["analyst", "second"]
    )
    # Phase 1: familiarisation.
    for key, path in seeds.items():
        qual.import_document(session, project=project, path=path, actor="analyst", name=key)
    qual.add_memo(
        session,
        project=project,
        author="analyst",
        target_type=MemoTarget.DOCUMENT,
        target_id=qual.get_document(session, project=project, name="002").id,
        text="Eight expert interviews; benefits and barriers are discussed separately.",
    )
    # Phase 2: initial codes, in a two-level hierarchy.
    for parent, children in CODES.items():
        qual.create_code(session, project=project, name=parent, actor="analyst")
        for child in children:
            qual.create_code(session, project=project, name=child, parent=parent, actor="analyst")
    segments = {
        (code, quote): qual.code_quote(
            session, project=project, document=doc, quote=quote, code=code, coder="analyst"
        )
        for doc, code, quote in QUOTES
    }
    first = segments[(QUOTES[0][1], QUOTES[0][2])]
    assert first.text == QUOTES[0][2]  # offsets and the quoted text agree
    # A second coder codes some of the same passages, for agreement.
    for doc, code, quote in QUOTES[:4]:
        qual.code_quote(session, project=project, document=doc, quote=quote, code=code, coder="second")
    per_code, overall = qual.project_agreement(session, project=project, coder_a="analyst", coder_b="second")
    assert per_code["Global standing"] == pytest.approx(1.0)
    assert per_code["Financial constraints"] == pytest.approx(0.0)
    assert 0 < overall < 1
    # Phases 3-5: candidate themes, reviewed, then defined with extracts.
    for name, codes in THEMES.items():
        qual.create_theme(session, project=project, name=name, codes=codes, actor="analyst")
        qual.review_theme(session, project=project, name=name, notes="Coherent across the interviews.")
        extract = next(s for (code, _), s in segments.items() if code in codes)
        qual.define_theme(
            session,
            project=project,
            name=name,
            definition=f"{name}: as the experts describe it.",
            extracts=[extract.id],
        )
    assert {t.status for t in qual.themes_of(session, project=project)} == {ThemeStatus.DEFINED}
    assert all(p.done for p in qual.project_progress(session, project=project))

    # Phase 6: the codebook and extracts go to the write-up.
    qdc, codebook_csv = tmp_path / "codebook.qdc", tmp_path / "codebook.csv"
    export_codebook(session, project=project, path=qdc)
    export_codebook(session, project=project, path=codebook_csv)
    root = ET.parse(qdc).getroot()
    assert root.tag == f"{Q}CodeBook"
    top = root.findall(f"{Q}Codes/{Q}Code")
    assert [c.get("name") for c in top] == [ADVANTAGES, CONSTRAINTS]
    for element in top:
        assert [c.get("name") for c in element.findall(f"{Q}Code")] == CODES[element.get("name", "")]
    every_code = root.findall(f".//{Q}Code")
    guids = {c.get("guid") for c in every_code}
    assert len(guids) == len(every_code) == 8 and all(c.get("isCodable") == "true" for c in every_code)
    sets = {s.get("name"): s for s in root.findall(f"{Q}Sets/{Q}Set")}
    assert set(sets) == set(THEMES)
    for name, element in sets.items():
        members = [m.get("targetGUID") for m in element.findall(f"{Q}MemberCode")]
        assert len(members) == len(THEMES[name]) and set(members) <= guids
    rows = list(csv.DictReader(io.StringIO(codebook_csv.read_text(encoding="utf-8"))))
    assert {r["code"]: r["parent"] for r in rows}["Financial constraints"] == CONSTRAINTS
    assert {r["code"]: r["segments"] for r in rows}["Financial constraints"] == "2"

    xlsx = tmp_path / "segments.xlsx"
    assert export_segments(session, project=project, path=xlsx) == len(QUOTES) + 4
    sheet = load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["segment_id", "document", "code"] and sheet.max_row == len(QUOTES) + 5
