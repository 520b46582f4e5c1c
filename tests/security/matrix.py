"""The authorization matrix: who sees which records, and which fields of them.

Data, not tests, so that every surface (services here; API routes, pages and exports in their
own tests) checks itself against the same table:

- :data:`PRINCIPALS`: one principal per role (and a cleared analyst);
- :func:`build_records`: four record sets (incident, report, casualty record), one per
  marking: ``own`` (submitted by the intake user, internal), ``released`` (to the partner's
  organisation), ``restricted`` (restricted sensitivity, released to the partner's
  organisation) and ``other_org`` (released to another organisation only);
- :func:`expectation`: for (principal, record set, entity) whether it is visible and which
  fields must and must not appear.

Example (a route test)::

    records = build_records(session)
    for who, principal in PRINCIPALS.items():
        for marking in MARKINGS:
            expected = expectation(who, marking, "incident")
            response = client_as(principal).get(f"/api/v1/incidents/{records[marking].incident_code}")
            assert (response.status_code == 200) == expected.visible
            if expected.visible:
                expected.check(response.json())
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from civharm.casualties.schemas import CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty
from civharm.security.principal import Principal, Role
from civharm.vocabulary import Outcome, Sensitivity, SourceType, Topic
from tests.factories import make_incident, make_report

ORG = "Protection Cluster"
OTHER_ORG = "Shelter Network"

PRINCIPALS: dict[str, Principal] = {
    "admin": Principal("ada", Role.ADMIN),
    "analyst": Principal("amal", Role.ANALYST),
    "analyst_cleared": Principal("cleo", Role.ANALYST, cleared=True),
    "assessor": Principal("asif", Role.ASSESSOR),
    "approver": Principal("april", Role.APPROVER),
    "intake": Principal("ines", Role.INTAKE, organisation=ORG),
    "partner": Principal("paul", Role.PARTNER, organisation=ORG),
}
STAFF = ("admin", "analyst", "analyst_cleared", "assessor", "approver")
CLEARED = ("admin", "analyst_cleared")
MARKINGS = ("own", "released", "restricted", "other_org")
ENTITIES = ("incident", "report", "casualty")

#: A word planted in every restricted or personal field; it must never reach those not cleared.
SECRET = "Zanubia"


@dataclass(frozen=True)
class RecordSet:
    incident_id: int
    incident_code: str
    report_id: int
    casualty_id: int
    pseudonym: str


def _marking(marking: str) -> dict[str, Any]:
    released = {"own": [], "released": [ORG], "restricted": [ORG], "other_org": [OTHER_ORG]}[marking]
    sensitivity = Sensitivity.RESTRICTED if marking == "restricted" else Sensitivity.NORMAL
    return {"releasable_to": released, "sensitivity": sensitivity}


def build_records(session: Session) -> dict[str, RecordSet]:
    """Write the four record sets (the caller commits)."""
    records = {}
    for number, marking in enumerate(MARKINGS):
        marks = _marking(marking)
        incident = make_incident(
            session,
            title=f"Matrix incident {marking}",
            description=f"Survivor {SECRET} spoke to the team",
            topics=[Topic.CRSV if marking == "restricted" else Topic.POC],
            date_start=date(2026, 3, 10 + number),
            date_end=date(2026, 3, 10 + number),
            **marks,
        )
        incident.created_by = "ines" if marking == "own" else "amal"
        incident.details = {"own_force": {"unit": "3rd Battery"}}
        report = make_report(
            session,
            source_type=SourceType.CIVILIAN_CLAIM,
            source_name=f"{SECRET} (claimant)",
            original_text=f"My sister {SECRET} was hurt",
            raw_record={"caller": SECRET},
            **marks,
        )
        report.submitted_by = "ines" if marking == "own" else "amal"
        report.incident_id = incident.id
        person = add_casualty(
            session,
            incident=incident,
            data=CasualtyCreate(
                names=[PersonName(name=f"{SECRET} Haddad")],
                family_group=f"{SECRET} family",
                notes=f"{SECRET} asked for a referral",
                consent={"given": True, "by": SECRET},
                age=34,
                outcome=Outcome.INJURED,
            ),
        )
        session.flush()
        records[marking] = RecordSet(incident.id, incident.code, report.id, person.id, person.pseudonym)
    return records


@dataclass(frozen=True)
class Expect:
    visible: bool
    shows: frozenset[str] = frozenset()
    hides: frozenset[str] = frozenset()

    def problems(self, projected: dict[str, Any]) -> list[str]:
        """What is wrong with ``projected`` (empty when it meets the expectation)."""
        found = [f"missing field {name}" for name in sorted(self.shows - set(projected))]
        found += [f"field {name} should be withheld" for name in sorted(self.hides & set(projected))]
        leaked = sorted(k for k, v in projected.items() if SECRET in repr(v) and k not in self.shows)
        found += [f"{SECRET} appears in {name}" for name in leaked]
        return found


DENIED = Expect(visible=False)

INCIDENT_INTERNAL = frozenset({"id", "determination", "releasable_to", "created_by", "details"})
INCIDENT_RESTRICTED = frozenset({"description", "details", "latitude", "longitude"})
REPORT_INTERNAL = frozenset({"raw_record", "submitted_by", "releasable_to", "import_id", "incident_id"})
REPORT_RESTRICTED = frozenset({"original_text", "source_name", "raw_record", "latitude", "longitude"})
PERSONAL = frozenset({"names", "family_group", "notes", "consent"})
CASUALTY_INTERNAL = frozenset({"id", "age", "place", "incident_id"})


def _staff(who: str, marking: str, entity: str) -> Expect:
    cleared = who in CLEARED
    restricted = marking == "restricted"
    if entity == "incident":
        if restricted and not cleared:
            return Expect(True, frozenset({"code", "title", "determination"}), INCIDENT_RESTRICTED)
        return Expect(True, frozenset({"code", "title", "description", "latitude"}) | INCIDENT_INTERNAL)
    if entity == "report":
        if restricted and not cleared:
            return Expect(True, frozenset({"id", "source_type", "submitted_by"}), REPORT_RESTRICTED)
        return Expect(True, frozenset({"original_text", "source_name"}) | REPORT_INTERNAL - {"import_id"})
    if cleared:
        return Expect(True, frozenset({"pseudonym", "age", "display_name"}) | PERSONAL)
    return Expect(True, frozenset({"pseudonym", "age", "id"}), PERSONAL)


def _intake(marking: str, entity: str) -> Expect:
    if marking != "own" or entity != "report":
        return DENIED
    return Expect(
        True,
        frozenset({"id", "original_text", "source_name", "submitted_by"}),
        frozenset({"raw_record", "releasable_to", "import_id", "incident_id"}),
    )


def _partner(marking: str, entity: str) -> Expect:
    if marking not in ("released", "restricted"):
        return DENIED
    restricted = marking == "restricted"
    if entity == "incident":
        if restricted:
            return Expect(True, frozenset({"code", "title"}), INCIDENT_INTERNAL | INCIDENT_RESTRICTED)
        return Expect(True, frozenset({"code", "title", "description", "latitude"}), INCIDENT_INTERNAL)
    if entity == "report":
        if restricted:
            return Expect(True, frozenset({"id", "source_type"}), REPORT_INTERNAL | REPORT_RESTRICTED)
        return Expect(
            True, frozenset({"id", "original_text", "source_name", "incident_code"}), REPORT_INTERNAL
        )
    if restricted:  # individual records of a restricted incident stay internal; counts only
        return DENIED
    return Expect(True, frozenset({"pseudonym", "sex", "age_group"}), PERSONAL | CASUALTY_INTERNAL)


def expectation(who: str, marking: str, entity: str) -> Expect:
    """What ``who`` (a key of :data:`PRINCIPALS`) may see of ``entity`` in the ``marking`` set."""
    if who in STAFF:
        return _staff(who, marking, entity)
    if who == "intake":
        return _intake(marking, entity)
    return _partner(marking, entity)
