"""The security part of the demo: synthetic users, releases to a partner, one grant."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.security.grants import grant
from civharm.security.models import GrantLevel, User
from civharm.security.principal import SYSTEM, Role
from civharm.security.users import create_user
from civharm.vocabulary import Sensitivity, SourceType

DEMO_PARTNER = "Demo Protection Cluster (synthetic)"

#: Demo accounts have no password: an admin sets one with `civharm user password NAME`.
DEMO_USERS = (
    ("demo-admin", Role.ADMIN, None, False),
    ("demo-analyst", Role.ANALYST, None, False),
    ("demo-caseworker", Role.ASSESSOR, None, True),
    ("demo-approver", Role.APPROVER, None, False),
    ("demo-intake", Role.INTAKE, DEMO_PARTNER, False),
    ("demo-partner", Role.PARTNER, DEMO_PARTNER, False),
)


@dataclass
class SecurityDemo:
    users: int = 0
    released_incidents: int = 0
    grants: int = 0


def load_security_demo(session: Session) -> SecurityDemo:
    """Add the synthetic users and release a third of the demo incidents to the demo partner.

    One restricted incident is released too (the partner sees it without its restricted
    fields), and the caseworker is cleared; a demo analyst gets ``restricted`` access to one
    restricted incident by grant. Running it again changes nothing.
    """
    summary = SecurityDemo()
    if session.scalar(select(User.id).where(User.username == "demo-admin")) is not None:
        return summary
    for username, role, organisation, cleared in DEMO_USERS:
        create_user(
            session, username=username, role=role, organisation=organisation, cleared=cleared, actor="demo"
        )
        summary.users += 1
    incidents = session.scalars(
        select(Incident).where(Incident.title.like("[DEMO]%")).order_by(Incident.id)
    ).all()
    restricted = [i for i in incidents if i.sensitivity is Sensitivity.RESTRICTED]
    for incident in [i for i in incidents if i.sensitivity is Sensitivity.NORMAL][::3] + restricted[:1]:
        incident.releasable_to = [*incident.releasable_to, DEMO_PARTNER]
        summary.released_incidents += 1
        for report in session.scalars(select(Report).where(Report.incident_id == incident.id)):
            if report.source_type is not SourceType.OWN_FORCE:
                report.releasable_to = [*report.releasable_to, DEMO_PARTNER]
    if restricted:
        grant(
            session,
            incident=restricted[-1],
            level=GrantLevel.RESTRICTED,
            username="demo-analyst",
            reason="synthetic demo: case follow-up",
            granted_by=SYSTEM,
        )
        summary.grants += 1
    session.flush()
    return summary
