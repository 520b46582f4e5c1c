"""A small store with every kind of marking, for the exchange tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from civharm.casualties.schemas import CasualtyCountCreate, CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty, add_count
from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.security.grants import grant
from civharm.security.models import GrantLevel
from civharm.security.principal import SYSTEM
from civharm.vocabulary import Outcome, PersonStatus, Sensitivity, Sex, SourceType, Topic
from tests.factories import make_incident, make_report

PARTNER = "Protection Cluster"
OTHER = "Other Org"


@dataclass
class Store:
    """What was written, and the values a partner must never receive."""

    released: list[Incident] = field(default_factory=list)
    hidden: list[Incident] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    own_force: list[Report] = field(default_factory=list)


def build(session: Session) -> Store:
    store = Store()
    shared = make_incident(
        session,
        title="Market shelled / قصف السوق",
        releasable_to=[PARTNER],
        description="Shells hit the market at noon.",
    )
    _reports_and_people(session, shared, store, sensitive=False)
    secret = make_incident(
        session,
        title="Detention site account",
        topics=[Topic.CRSV],
        sensitivity=Sensitivity.RESTRICTED,
        description="SECRET-DESCRIPTION survivor account",
        latitude=35.123456,
        longitude=40.654321,
        releasable_to=[PARTNER],
    )
    store.secrets += ["SECRET-DESCRIPTION", "35.123456", "40.654321"]
    _reports_and_people(session, secret, store, sensitive=True)
    granted = make_incident(
        session, title="Checkpoint shooting", date_start=date(2026, 2, 1), date_end=date(2026, 2, 1)
    )
    grant(session, incident=granted, level=GrantLevel.READ, organisation=PARTNER, granted_by=SYSTEM)
    _reports_and_people(session, granted, store, sensitive=False)
    store.released += [shared, secret, granted]
    internal = make_incident(session, title="INTERNAL-ONLY airstrike", description="INTERNAL-DESCRIPTION")
    other = make_incident(session, title="OTHER-ORG-ONLY raid", releasable_to=[OTHER])
    store.hidden += [internal, other]
    store.secrets += ["INTERNAL-ONLY", "INTERNAL-DESCRIPTION", "OTHER-ORG-ONLY"]
    session.flush()
    return store


def _reports_and_people(session: Session, incident: Incident, store: Store, *, sensitive: bool) -> None:
    marking = Sensitivity.RESTRICTED if sensitive else Sensitivity.NORMAL
    text = f"REPORT-TEXT-{incident.id}" if sensitive else f"Witness saw the strike {incident.id}."
    report = make_report(
        session, original_text=text, sensitivity=marking, releasable_to=incident.releasable_to
    )
    if sensitive:
        store.secrets.append(text)
    own = make_report(
        session, source_type=SourceType.OWN_FORCE, source_name="OWN-FORCE-LOG", original_text="OWN-FORCE-TEXT"
    )
    store.own_force.append(own)
    store.secrets += ["OWN-FORCE-LOG", "OWN-FORCE-TEXT"]
    report.incident_id = own.incident_id = incident.id
    add_count(
        session,
        data=CasualtyCountCreate(
            outcome=Outcome.KILLED, status=PersonStatus.CIVILIAN, count_min=2, count_max=3
        ),
        incident=incident,
    )
    add_count(
        session, data=CasualtyCountCreate(outcome=Outcome.KILLED, count_min=3, count_max=3), report=report
    )
    name = f"NAME-{incident.id} Haddad / حداد"
    add_casualty(
        session,
        incident=incident,
        data=CasualtyCreate(
            names=[PersonName(name=name)],
            sex=Sex.WOMAN,
            outcome=Outcome.KILLED,
            family_group=f"FAMILY-{incident.id}",
            notes=f"NOTES-{incident.id}",
        ),
        source_reports=[report],
    )
    store.secrets += [f"NAME-{incident.id}", f"FAMILY-{incident.id}", f"NOTES-{incident.id}"]
    session.flush()
