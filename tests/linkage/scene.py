"""A market strike with many near-copies, most hidden from a partner, for the scoped-candidates tests.

The hidden incidents match the draft best (same spot, same count, same words); the visible ones
are a few km off with another count, so a search that filtered after ranking would come back
short. More hidden close matches exist (27) than the 20 the engine's route used to over-fetch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.casualties.schemas import CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty
from civharm.incidents.models import Incident
from civharm.linkage.records import LinkRecord
from civharm.precision import DatePrecision, LocationPrecision
from civharm.security.grants import grant
from civharm.security.models import GrantLevel
from civharm.security.principal import SYSTEM, Principal, Role
from civharm.vocabulary import Outcome, Sensitivity, SourceType
from tests.factories import make_incident, make_report

ORG, OTHER_ORG = "Org A", "Org B"
NAME = "Huda al-Saleh"
DAY = date(2026, 3, 14)
LAT, LON = 35.0198, 40.4515
PLACE, ADMIN1 = "Al Mayadin", "Deir ez-Zor"
TEXT = "Airstrike hit the market in the morning, 4 killed"
HIDDEN_EACH = 9
VISIBLE = 7

PARTNER = Principal(username="fpn", role=Role.PARTNER, organisation=ORG)
INTAKE = Principal(username="desk", role=Role.INTAKE, organisation=ORG)
ANALYST = Principal(username="ana", role=Role.ANALYST)
CLEARED_ANALYST = Principal(username="cleo", role=Role.ANALYST, cleared=True)

#: The draft everyone asks about: the market strike, placed and dated.
DRAFT = LinkRecord(
    report_id="draft",
    source="Desk claim",
    date=DAY,
    latitude=LAT,
    longitude=LON,
    location_precision=LocationPrecision.SETTLEMENT,
    place_name=PLACE,
    admin1=ADMIN1,
    killed=(4, 4),
    description=TEXT,
)


@dataclass
class Scene:
    visible: list[str] = field(default_factory=list)  # released and granted to ORG, a few km off
    restricted: list[str] = field(default_factory=list)  # restricted, released to ORG, names inside
    internal: list[str] = field(default_factory=list)  # released to no one
    other_org: list[str] = field(default_factory=list)  # released to OTHER_ORG only
    #: Released to ORG, no place of its own; its only report is restricted and sits on the spot.
    masked: str = ""

    @property
    def hidden_from_partner(self) -> set[str]:
        return {*self.restricted, *self.internal, *self.other_org}


def _event(
    session: Session,
    *,
    title: str,
    offset_km: float = 0.0,
    killed: int = 4,
    text: str = TEXT,
    sensitivity: Sensitivity = Sensitivity.NORMAL,
    report_sensitivity: Sensitivity | None = None,
    released: tuple[str, ...] = (),
    placed: bool = True,
) -> Incident:
    lat = LAT + offset_km / 111.0
    restricted = sensitivity is Sensitivity.RESTRICTED
    incident = make_incident(
        session,
        title=title,
        description=f"{NAME} was hurt" if restricted else "Strike on a market",
        latitude=lat if placed else None,
        longitude=LON if placed else None,
        date_precision=DatePrecision.DAY,
        location_precision=LocationPrecision.SETTLEMENT,
        place_name=PLACE,
        admin1=ADMIN1,
        killed_min=killed,
        killed_max=killed,
        sensitivity=sensitivity,
        releasable_to=list(released),
    )
    report_restricted = (report_sensitivity or sensitivity) is Sensitivity.RESTRICTED
    report = make_report(
        session,
        source_type=SourceType.NGO,
        source_name="Camp committee",
        original_text=f"{text}; {NAME} was among them" if report_restricted else text,
        latitude=lat,
        longitude=LON,
        date_precision=DatePrecision.DAY,
        location_precision=LocationPrecision.SETTLEMENT,
        place_name=PLACE,
        admin1=ADMIN1,
        killed_min=killed,
        killed_max=killed,
        sensitivity=report_sensitivity or sensitivity,
        releasable_to=list(released),
    )
    report.incident_id = incident.id
    if restricted:
        add_casualty(
            session,
            incident=incident,
            data=CasualtyCreate(names=[PersonName(name=NAME, script="Latn")], outcome=Outcome.INJURED),
        )
    return incident


def build_scene(session: Session) -> Scene:
    scene = Scene()
    for n in range(HIDDEN_EACH):
        scene.restricted.append(
            _event(session, title=f"Restricted {n}", sensitivity=Sensitivity.RESTRICTED, released=(ORG,)).code
        )
        scene.internal.append(_event(session, title=f"Internal {n}").code)
        scene.other_org.append(_event(session, title=f"Other org {n}", released=(OTHER_ORG,)).code)
    for n in range(VISIBLE):
        incident = _event(
            session,
            title=f"Visible {n}",
            offset_km=2.0 + n,
            killed=9,
            text="Shelling near the bakery at night",
            released=(ORG,),
        )
        grant(session, incident=incident, level=GrantLevel.READ, organisation=ORG, granted_by=SYSTEM)
        scene.visible.append(incident.code)
    masked = _event(
        session,
        title="Masked",
        report_sensitivity=Sensitivity.RESTRICTED,
        released=(ORG,),
        placed=False,
    )
    grant(session, incident=masked, level=GrantLevel.READ, organisation=ORG, granted_by=SYSTEM)
    scene.masked = masked.code
    # The intake user's own report, linked to an internal incident: theirs to read, the incident not.
    own = make_report(session, source_type=SourceType.NGO, source_name="Desk", original_text=TEXT)
    own.submitted_by = INTAKE.username
    own.incident_id = session.scalar(select(Incident.id).where(Incident.code == scene.internal[0]))
    session.flush()
    return scene
