"""Linkage on the store (SQLite and PostgreSQL): link, merge, split, undo, candidates, activity."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.errors import NotFoundError
from civharm.history.models import EventKind
from civharm.history.service import events_of, record_event
from civharm.incidents.service import get_incident
from civharm.linkage.activity import activities_for_incident, import_activities, incidents_near_activity
from civharm.linkage.candidates import candidates_for
from civharm.linkage.models import LinkageDecision, OwnForceActivity
from civharm.linkage.records import LinkRecord
from civharm.linkage.service import link_store, merge_incidents, split_incident, undo
from civharm.precision import DatePrecision, LocationPrecision
from civharm.reports.models import Report
from civharm.security.principal import Principal, Role
from civharm.vocabulary import Cause, Sensitivity
from tests.factories import make_incident, make_report

ANALYST = Principal(username="ana", role=Role.ANALYST)


def _two_events(session: Session) -> list[Report]:
    common = {"date_precision": DatePrecision.DAY, "location_precision": LocationPrecision.SETTLEMENT}
    market = [
        make_report(
            session, source_name=s, place_name=p, original_text=t, killed_min=k, killed_max=k, **common
        )
        for s, p, t, k in (
            ("River Post", "Al Mayadin", "Airstrike hit the market in the morning, 4 killed", 4),
            ("Valley Monitor", "الميادين", "غارة على سوق الميادين صباح", 4),
            ("Field Network", "Mayadeen", "Warplanes struck the souq this morning; 5 killed", 5),
        )
    ]
    checkpoint = [
        make_report(
            session,
            source_name=s,
            original_text=t,
            date_start=date(2026, 3, 20),
            latitude=35.4,
            longitude=40.1,
            place_name="Hajin",
            killed_min=1,
            killed_max=1,
            **common,
        )
        for s, t in (
            ("River Post", "Clashes at a checkpoint at night"),
            ("Field Network", "Gunfire at the checkpoint overnight"),
        )
    ]
    return market + checkpoint


def test_link_groups_unlinked_reports_with_evidence_and_undo(session: Session) -> None:
    reports = _two_events(session)
    summary = link_store(session, actor="ana")
    assert summary.unlinked == 5 and len(summary.incidents_created) == 2
    assert len({r.incident_id for r in reports[:3]}) == 1 and len({r.incident_id for r in reports[3:]}) == 1
    assert reports[0].incident_id != reports[3].incident_id
    decisions = list(session.scalars(select(LinkageDecision).where(LinkageDecision.kind == "link")))
    assert {d.decided_by for d in decisions} == {"engine"} and {d.actor for d in decisions} == {"ana"}
    market = next(d for d in decisions if str(reports[0].id) in d.before["reports"])
    assert market.evidence["merges"][0]["comparisons"], "each merge carries its comparisons and weights"
    undo(session, decision_id=market.id, actor="ana")
    assert all(r.incident_id is None for r in reports[:3])
    with pytest.raises(NotFoundError):
        get_incident(session, code=market.incident_code)


def test_a_new_report_joins_the_existing_incident(session: Session) -> None:
    _two_events(session)
    link_store(session, actor="ana")
    late = make_report(
        session,
        source_name="UN note",
        place_name="Al-Mayadin",
        original_text="market airstrike",
        killed_min=4,
        killed_max=4,
    )
    summary = link_store(session, actor="ana")
    assert summary.incidents_created == [] and sum(summary.attached.values()) == 1
    assert late.incident_id is not None


def test_merge_keeps_the_merged_incident_its_history_and_can_be_undone(session: Session) -> None:
    a = make_incident(session)
    b = make_incident(session, title="Same strike, other desk")
    report = make_report(session)
    report.incident_id = b.id
    record_event(session, incident=b, actor="ana", kind=EventKind.RECEIVED, summary="received by phone")
    session.flush()
    decision = merge_incidents(session, keep=a.code, merge=[b.code], actor="ana", reason="same strike")
    assert a.previous_codes == [b.code] and report.incident_id == a.id
    kept = get_incident(session, code=b.code)  # never deleted: its history and code stay
    assert kept.id == b.id and kept.details["merged_into"] == a.code
    assert [e.summary for e in events_of(session, incident_id=b.id)] == [
        "received by phone",
        f"merged into {a.code}: 1 report(s) moved",
    ]
    merged_event = events_of(session, incident_id=a.id)[-1]
    assert merged_event.actor == "ana" and merged_event.reason == "same strike"
    assert decision.actor == "ana" and decision.kind == "merge"
    undo(session, decision_id=decision.id, actor="ana")
    restored = get_incident(session, code=b.code)
    assert restored.id == b.id and restored.title == "Same strike, other desk"
    assert "merged_into" not in restored.details
    assert report.incident_id == b.id and a.previous_codes == []
    assert "undone" in events_of(session, incident_id=b.id)[-1].summary


def test_split_moves_reports_to_a_new_incident_and_back(session: Session) -> None:
    incident = make_incident(session)
    first, second = make_report(session), make_report(session, place_name="Hajin")
    first.incident_id = second.incident_id = incident.id
    session.flush()
    decision = split_incident(
        session, code=incident.code, report_ids=[second.id], actor="ana", reason="two strikes"
    )
    assert second.incident_id != incident.id and first.incident_id == incident.id
    undo(session, decision_id=decision.id, actor="ana")
    assert second.incident_id == incident.id
    with pytest.raises(NotFoundError):
        get_incident(session, code=decision.incident_code)


def test_candidates_name_the_likely_incident_first(session: Session) -> None:
    _two_events(session)
    link_store(session, actor="ana")
    new = LinkRecord(
        report_id="draft",
        source="Desk claim",
        date=date(2026, 3, 14),
        latitude=35.021,
        longitude=40.452,
        place_name="الميادين",
        killed=(4, 4),
        description="airstrike on the market in the morning",
    )
    found = candidates_for(session, record=new, principal=ANALYST)
    market_code = session.get_one(Report, 1).incident.code  # type: ignore[union-attr]
    assert found and found[0].code == market_code and found[0].probability > 0.5
    assert all(c.code != market_code for c in found[1:])


def test_a_report_without_coordinates_finds_its_incident_in_a_busy_province(session: Session) -> None:
    """Only the closest neighbours in time are scored; the right incident must be among them."""
    from datetime import timedelta

    from civharm.linkage import candidates

    busy = make_incident(session, title="Shelling across the province")
    for n in range(candidates.MAX_SCORED + 40):
        report = make_report(
            session,
            source_name=f"Round-up {n % 7}",
            original_text="Shelling on the villages of the countryside",
            date_start=date(2026, 3, 10) + timedelta(days=n % 9),
            latitude=34.5 + (n % 20) / 20,
            longitude=40.6 + (n % 13) / 20,
            place_name=f"Village {n}",
            admin1="Deir ez-Zor",
            killed_min=1,
            killed_max=1,
        )
        report.incident_id = busy.id
    market = make_incident(session, title="Market airstrike")
    for source, place in (("River Post", "Al Mayadin"), ("Field Network", "Mayadeen")):
        report = make_report(
            session,
            source_name=source,
            place_name=place,
            admin1="Deir ez-Zor",
            original_text="Airstrike hit the market in the morning, 4 killed",
            killed_min=4,
            killed_max=4,
        )
        report.incident_id = market.id
    session.flush()
    new = LinkRecord(
        report_id="draft",
        source="Desk claim",
        date=date(2026, 3, 14),
        place_name="الميادين",
        admin1="Deir ez-Zor",
        killed=(4, 4),
        description="airstrike on the market in the morning",
    )
    found = candidates_for(session, record=new, principal=ANALYST)
    assert found and found[0].code == market.code


ACTIVITY_LOG = """activity_id,start,end,latitude,longitude,radius_km,activity_type,unit
A-1,2026-03-14T05:00:00,2026-03-14T06:00:00,35.03,40.45,1.5,airstrike,TF SILVER (test)
A-2,2026-03-01T05:00:00,2026-03-01T06:00:00,35.03,40.45,1.5,airstrike,TF SILVER (test)
A-3,2026-03-14T05:00:00,2026-03-14T06:00:00,36.50,38.00,1.0,patrol,TF SILVER (test)
"""


def test_activities_that_could_have_caused_an_incident(session: Session, tmp_path: Path) -> None:
    incident = make_incident(
        session,
        cause=Cause.HEAVY_WEAPONS,
        date_precision=DatePrecision.DAY,
        location_precision=LocationPrecision.SETTLEMENT,
    )
    log = tmp_path / "log.csv"
    log.write_text(ACTIVITY_LOG, encoding="utf-8")
    assert import_activities(session, path=log, actor="ana") == (3, 0)
    assert {a.sensitivity for a in session.scalars(select(OwnForceActivity))} == {Sensitivity.RESTRICTED}
    matches = activities_for_incident(session, code=incident.code, principal=ANALYST)
    assert [m.activity_id for m in matches] == ["A-1"]
    assert matches[0].probability > 0.5 and any("km from the activity" in r for r in matches[0].reasons)
    near = incidents_near_activity(session, activity_id="A-1", principal=ANALYST)
    assert [m.incident_code for m in near] == [incident.code]
    with pytest.raises(NotFoundError):
        activities_for_incident(
            session,
            code=incident.code,
            principal=Principal(username="p", role=Role.PARTNER, organisation="NGO"),
        )
