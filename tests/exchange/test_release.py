"""Releases: the formats validate, a second person approves when asked, every release is logged and
audited; requests for information are tracked and their answers attached to incidents."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from civharm.errors import PermissionDeniedError, ValidationError
from civharm.exchange.geojson import rfc7946_problems
from civharm.exchange.hxl import schema_errors
from civharm.exchange.models import ReleaseStatus
from civharm.exchange.release import approve, export, list_releases
from civharm.exchange.requests import (
    answer_request,
    create_request,
    list_requests,
    request_by_token,
    request_state,
)
from civharm.incidents.service import IncidentFilter
from civharm.reports.models import Report
from civharm.security.audit import checkpoint
from civharm.security.models import AuditEntry
from civharm.security.principal import Principal, Role
from civharm.security.verify import verify
from civharm.vocabulary import Topic
from tests.exchange.store import PARTNER, build

ANALYST = Principal(username="amal", role=Role.ANALYST)
APPROVER = Principal(username="lina", role=Role.APPROVER)


def test_hxl_validates_with_libhxl_and_geojson_with_rfc_7946(session: Session, tmp_path: Path) -> None:
    build(session)
    for fmt in ("hxl", "geojson", "xlsx", "csv", "csv-long"):
        export(session, fmt=fmt, organisation=PARTNER, output=tmp_path / f"out.{fmt}", actor=ANALYST)
    assert schema_errors(tmp_path / "out.hxl") == []
    document = json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))
    assert rfc7946_problems(document) == []
    unlocated = [f for f in document["features"] if f["geometry"] is None]
    assert len(unlocated) == 1  # the restricted incident's coordinates are withheld
    sheets = load_workbook(tmp_path / "out.xlsx", read_only=True).sheetnames
    assert sheets == ["release", "incidents", "reports", "casualties", "counts", "gradings", "responses"]
    wide = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert len(wide) == 4 and "killed_civilian_unknown_unknown_min" in wide[0]


def test_filters_narrow_an_export(session: Session, tmp_path: Path) -> None:
    build(session)
    release = export(
        session,
        fmt="package",
        organisation=PARTNER,
        output=tmp_path / "crsv.json",
        actor=ANALYST,
        filters=IncidentFilter(topics=(Topic.CRSV,)),
    )
    assert release.record_counts["incidents"] == 1 and release.filters == {"topics": ["crsv"]}


def test_a_second_person_approves_and_every_release_is_logged_and_audited(
    engine: Engine, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    output = tmp_path / "pc.geojson"
    with sessions.begin() as session:
        build(session)
        pending = export(
            session, fmt="geojson", organisation=PARTNER, output=output, actor=ANALYST, needs_approval=True
        )
        assert pending.status is ReleaseStatus.PENDING and not output.exists()
        with pytest.raises(PermissionDeniedError):
            approve(session, release_id=pending.id, approver=ANALYST)
        with pytest.raises(ValidationError, match="someone other than"):
            approve(session, release_id=pending.id, approver=Principal(username="amal", role=Role.APPROVER))
        approve(session, release_id=pending.id, approver=APPROVER, note="checked")
        release_id = pending.id
    checkpoint(engine)
    assert output.is_file()
    with sessions() as session:
        (logged,) = list_releases(session, organisation=PARTNER)
        assert (logged.id, logged.status, logged.requested_by, logged.approved_by) == (
            release_id,
            ReleaseStatus.RELEASED,
            "amal",
            "lina",
        )
        assert logged.released_at is not None and len(logged.file_sha256 or "") == 64
        assert len(logged.incident_codes) == 3
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "release"))
        assert entry is not None and entry.actor == "lina"
        assert json.loads(entry.payload)["approved_by"] == "lina"
    with engine.connect() as connection:
        assert verify(connection).ok


def test_partners_and_intake_users_may_not_export(session: Session, tmp_path: Path) -> None:
    for role in (Role.PARTNER, Role.INTAKE):
        with pytest.raises(PermissionDeniedError):
            export(
                session,
                fmt="csv",
                organisation=PARTNER,
                output=tmp_path / "x.csv",
                actor=Principal("p", role, "Org"),
            )


def test_requests_for_information_are_tracked_and_answers_become_reports(session: Session) -> None:
    build(session)
    code = build_code(session)
    request, token = create_request(
        session,
        recipient="UNMAS",
        questions=["Was UXO found?"],
        incident_codes=[code],
        deadline=date(2020, 1, 1),
        actor="amal",
    )
    later, _ = create_request(
        session,
        recipient="ICRC",
        questions=["Casualty list?"],
        incident_codes=[],
        deadline=None,
        actor="amal",
    )
    assert [r.id for r in list_requests(session, state="overdue")] == [request.id]
    assert request_state(later) == "open"
    found = request_by_token(session, token)
    (report_id,) = answer_request(
        session, request=found, answer="Two unexploded shells.", answered_by="UNMAS field office"
    )
    report = session.get_one(Report, report_id)
    assert report.incident is not None and report.incident.code == code
    assert "Was UXO found?" in report.original_text and report.source_name == "UNMAS"
    assert request_state(request) == "answered"
    with pytest.raises(ValidationError):
        answer_request(session, request=found, answer="again", answered_by="x")


def build_code(session: Session) -> str:
    from civharm.incidents.models import Incident

    return session.scalars(select(Incident.code).order_by(Incident.id)).first() or ""
