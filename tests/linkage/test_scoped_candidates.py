"""Candidates respect who asks: only what they may see is compared, and a full page still comes back."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.incidents.models import Incident
from civharm.linkage.candidates import Candidate, candidates_for
from civharm.linkage.intake import incident_duplicates, possible_duplicates
from civharm.linkage.schemas import ReportDraft
from civharm.precision import DatePrecision, LocationPrecision
from civharm.security.principal import SYSTEM
from tests.factories import make_incident, make_report
from tests.linkage.scene import (
    ADMIN1,
    ANALYST,
    CLEARED_ANALYST,
    DAY,
    DRAFT,
    INTAKE,
    LAT,
    LON,
    NAME,
    ORG,
    PARTNER,
    PLACE,
    TEXT,
    build_scene,
)


def _codes(found: list[Candidate]) -> set[str]:
    return {c.code for c in found}


def test_a_partner_gets_a_full_page_of_what_is_theirs_though_hidden_incidents_match_better(
    session: Session,
) -> None:
    scene = build_scene(session)
    # The 20 best matches are all hidden from the partner: ranking first and filtering after
    # (as the route once did, over-fetching 20) would leave them nothing.
    everything = candidates_for(session, record=DRAFT, principal=SYSTEM, limit=20)
    assert len(everything) == 20 and _codes(everything) <= scene.hidden_from_partner
    found = candidates_for(session, record=DRAFT, principal=PARTNER, limit=5)
    assert len(found) == 5 and _codes(found) <= set(scene.visible)
    assert [c.probability for c in found] == sorted((c.probability for c in found), reverse=True)
    for candidate in found:
        assert candidate.matched is not None and NAME not in candidate.matched.description


def test_an_intake_user_sees_only_incidents_granted_to_them(session: Session) -> None:
    scene = build_scene(session)
    found = candidates_for(session, record=DRAFT, principal=INTAKE, limit=5)
    # their own report is linked to an internal incident: the incident stays hidden from them
    assert len(found) == 5 and _codes(found) <= set(scene.visible)
    assert scene.internal[0] not in _codes(candidates_for(session, record=DRAFT, principal=INTAKE, limit=50))


def test_an_analyst_sees_everything_and_restricted_cases_only_when_cleared(session: Session) -> None:
    scene = build_scene(session)
    uncleared = _codes(candidates_for(session, record=DRAFT, principal=ANALYST, limit=50))
    assert {*scene.internal, *scene.other_org, *scene.visible} <= uncleared
    assert not uncleared & set(scene.restricted)
    cleared = _codes(candidates_for(session, record=DRAFT, principal=CLEARED_ANALYST, limit=50))
    assert {*scene.restricted, *scene.internal, *scene.other_org, *scene.visible, scene.masked} <= cleared
    top = _codes(candidates_for(session, record=DRAFT, principal=ANALYST, limit=5))
    assert len(top) == 5 and top <= {*scene.internal, *scene.other_org}


def test_withheld_coordinates_and_words_are_never_compared(session: Session) -> None:
    """The masked incident has no place of its own; its one report (restricted) sits on the spot."""
    scene = build_scene(session)
    assert scene.masked in _codes(candidates_for(session, record=DRAFT, principal=CLEARED_ANALYST, limit=50))
    # a box search over coordinates the partner may not see would have found it
    assert scene.masked not in _codes(candidates_for(session, record=DRAFT, principal=PARTNER, limit=50))
    unplaced = replace(DRAFT, latitude=None, longitude=None)
    partner = {c.code: c for c in candidates_for(session, record=unplaced, principal=PARTNER, limit=50)}
    cleared = {
        c.code: c for c in candidates_for(session, record=unplaced, principal=CLEARED_ANALYST, limit=50)
    }
    levels = {c["comparison"]: c["level"] for c in partner[scene.masked].comparisons}
    assert levels["text"] == "no description" and levels["source"] == "source unknown"
    seen = partner[scene.masked].matched
    assert seen is not None and seen.latitude is None and seen.description == ""
    assert {c["comparison"]: c["level"] for c in cleared[scene.masked].comparisons}[
        "text"
    ] != "no description"


def test_the_intake_answer_holds_no_name_no_hidden_code_and_no_withheld_place(session: Session) -> None:
    scene = build_scene(session)
    draft = ReportDraft(
        date_start=DAY,
        date_precision="day",
        latitude=LAT,
        longitude=LON,
        location_precision="settlement",
        place_name=PLACE,
        admin1=ADMIN1,
        killed_min=4,
        original_text=TEXT,
    )
    for principal in (PARTNER, INTAKE, ANALYST):
        found = possible_duplicates(session, draft, principal=principal)
        body = "".join(c.model_dump_json() for c in found)
        assert len(found) == 5 and NAME not in body and not any(code in body for code in scene.restricted)
        assert all(c.reasons and 0 < c.probability <= 1 for c in found)
    partner = possible_duplicates(session, draft, principal=PARTNER)
    assert {c.code for c in partner} <= set(scene.visible)
    assert all(c.distance_km is not None and c.distance_km >= 1.9 for c in partner)


def test_a_restricted_incident_is_compared_from_what_its_viewer_may_see(session: Session) -> None:
    """A partner reads a restricted incident released to them without its place: no distances from it."""
    scene = build_scene(session)
    restricted = session.scalars(select(Incident).where(Incident.code == scene.restricted[0])).one()
    for_partner = incident_duplicates(session, restricted, principal=PARTNER)
    assert for_partner and all(c.distance_km is None for c in for_partner)
    assert {c.code for c in for_partner} <= {*scene.visible, scene.masked}
    for_cleared = incident_duplicates(session, restricted, principal=CLEARED_ANALYST)
    assert restricted.code not in {c.code for c in for_cleared}
    assert any(c.distance_km is not None for c in for_cleared)


def test_an_incident_is_found_by_its_own_record_when_none_of_its_reports_may_be_compared(
    session: Session,
) -> None:
    """Released to the partner, its one report not: the incident's own place, date and words are used."""
    incident = make_incident(
        session,
        releasable_to=[ORG],
        description=TEXT,
        date_precision=DatePrecision.DAY,
        location_precision=LocationPrecision.SETTLEMENT,
    )
    report = make_report(session, original_text=f"{TEXT}; {NAME} was among them")  # not released
    report.incident_id = incident.id
    session.flush()
    found = candidates_for(session, record=DRAFT, principal=PARTNER)
    assert [c.code for c in found] == [incident.code] and found[0].best_report_id is None
    assert found[0].matched is not None and found[0].matched.description == TEXT
    staff = candidates_for(session, record=DRAFT, principal=ANALYST)
    assert [c.best_report_id for c in staff] == [report.id]  # its report speaks for it where visible
