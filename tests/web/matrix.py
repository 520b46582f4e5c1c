"""The seeded store and the expectations of the authorization matrix (issue 6).

Four kinds of record, each an incident with reports and casualty records:

* ``released`` — released to the partner's organisation (normal sensitivity);
* ``restricted`` — restricted, and released to the partner's organisation as well, so the
  partner sees it with its restricted fields withheld;
* ``other`` — released only to another organisation;
* ``own`` — internal, holding the report the intake user submitted.

Every restricted value carries the marker :data:`SECRET`, so "never receives a restricted
field" is checked on the whole response body as well as field by field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session

from civharm.casualties.schemas import CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty
from civharm.security.auth import create_token
from civharm.security.principal import Role
from civharm.security.users import create_user
from civharm.vocabulary import Outcome, Sensitivity, SourceType
from tests.factories import make_incident, make_report

ORG = "Org A"
OTHER_ORG = "Org B"
SECRET = "SECRETMARK"
KINDS = ("own", "released", "restricted", "other")
ANONYMOUS = "anonymous"
ROLES = ("admin", "analyst", "assessor", "approver", "intake", "partner", ANONYMOUS)
STAFF = frozenset({"admin", "analyst", "assessor", "approver"})
#: Fields the policy never gives partners or intake users on an incident.
INCIDENT_INTERNAL = frozenset({"id", "determination", "releasable_to", "created_by", "details"})
#: Fields the policy never gives partners on a report.
REPORT_INTERNAL = frozenset({"raw_record", "submitted_by", "releasable_to", "source_system", "incident_id"})


@dataclass
class Seed:
    codes: dict[str, str]
    reports: dict[str, int]
    tokens: dict[str, str]
    lat: float
    lon: float


def app_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """Every (method, path) the app answers, through included routers as well."""
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        candidates = list(contexts()) if callable(contexts) else [route]
        for candidate in candidates:
            methods = getattr(candidate, "methods", None) or set()
            path = getattr(candidate, "path_format", None) or getattr(candidate, "path", None)
            for method in sorted(methods - {"HEAD"}):
                yield method, str(path)


def seed(session: Session) -> Seed:
    codes: dict[str, str] = {}
    reports: dict[str, int] = {}
    for kind in KINDS:
        restricted = kind == "restricted"
        released = {"released": [ORG], "restricted": [ORG], "other": [OTHER_ORG], "own": []}[kind]
        incident = make_incident(
            session,
            title=f"Matrix {kind} incident",
            description=f"{SECRET} description of {kind}" if restricted else f"Description of {kind}",
            sensitivity=Sensitivity.RESTRICTED if restricted else Sensitivity.NORMAL,
            releasable_to=released,
        )
        report = make_report(
            session,
            source_type=SourceType.NGO,
            source_name=f"{SECRET} source" if restricted else "Field source",
            original_text=f"{SECRET} testimony" if restricted else "What the source said",
            sensitivity=Sensitivity.RESTRICTED if restricted else Sensitivity.NORMAL,
            releasable_to=released,
        )
        report.incident_id = incident.id
        report.submitted_by = "matrix-intake" if kind == "own" else "matrix-analyst"
        own_force = make_report(session, source_type=SourceType.OWN_FORCE, source_name="Strike log")
        own_force.incident_id = incident.id
        add_casualty(
            session,
            incident=incident,
            data=CasualtyCreate(
                names=[PersonName(name=f"{SECRET} Person", script="Latn")], outcome=Outcome.KILLED
            ),
        )
        codes[kind], reports[kind] = incident.code, report.id
    tokens = {}
    for role in ROLES[:-1]:
        username = f"matrix-{role}"
        create_user(
            session,
            username=username,
            role=Role(role),
            organisation=ORG if role in ("intake", "partner") else None,
            actor="test",
        )
        tokens[role], _ = create_token(session, username=username, label="matrix")
    session.flush()
    return Seed(codes, reports, tokens, lat=35.0198, lon=40.4515)  # where make_incident puts them


def sees_incident(role: str, kind: str) -> bool:
    return role in STAFF or (role == "partner" and kind in ("released", "restricted"))


def sees_report(role: str, kind: str) -> bool:
    if role in STAFF:
        return True
    if role == "partner":
        return kind in ("released", "restricted")
    return role == "intake" and kind == "own"


def cleared(role: str) -> bool:
    """Who may read restricted fields here (only admins: no one else is cleared or granted)."""
    return role == "admin"


def leaks(body: str) -> bool:
    return SECRET in body


def incident_fields_ok(role: str, kind: str, item: dict[str, Any]) -> None:
    """The fields of one projected incident are those the role may receive."""
    if role not in STAFF:
        assert not INCIDENT_INTERNAL & set(item), (role, kind, INCIDENT_INTERNAL & set(item))
    if kind == "restricted" and not cleared(role):
        assert {"description", "latitude", "longitude"} <= set(item["withheld"]), (role, item)
        assert not {"description", "latitude", "longitude"} & set(item), (role, item)
    elif role in STAFF:
        assert "description" in item and item["withheld"] == []


def report_fields_ok(role: str, kind: str, item: dict[str, Any]) -> None:
    if role == "partner":
        assert not REPORT_INTERNAL & set(item), (role, kind, REPORT_INTERNAL & set(item))
    if role == "intake" and kind == "own":
        assert item["submitted_by"] == "matrix-intake"
    # A report's own marking governs (the restricted incident also holds a normal own-force log).
    restricted = kind == "restricted" and item.get("source_type") != "own_force_report"
    if restricted and not cleared(role):
        assert not {"original_text", "source_name", "latitude", "longitude"} & set(item), (role, item)


def dossier_ok(role: str, kind: str, body: dict[str, Any]) -> None:
    incident_fields_ok(role, kind, body["incident"])
    for report in body["reports"]:
        report_fields_ok(role, kind, report)
    internal = role in STAFF
    assert (body["history"] is not None) == internal and (body["assessment"] is not None) == internal
    assert (body["responses"] is not None) == internal
    if role == "partner":
        assert all(r["source_type"] != "own_force_report" for r in body["reports"])
        assert body["own_force_activity"] == []
        # individual records only of normal-sensitivity incidents, never with names
        assert (body["casualties"] is None) == (kind == "restricted")
    people = body["casualties"] or []
    for person in people:
        assert ("names" in person) == cleared(role), (role, person)
