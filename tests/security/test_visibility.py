"""Searches, counts, map boxes and grants cannot reveal what a principal may not see."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from civharm.errors import PermissionDeniedError, ValidationError
from civharm.incidents.service import IncidentFilter, list_incidents
from civharm.security.grants import grant, revoke_grant
from civharm.security.models import GrantLevel
from civharm.security.policy import (
    Action,
    access_for,
    project_incident,
    require,
    show_incident,
    visible_incident,
)
from civharm.security.principal import SYSTEM, Principal, Role
from civharm.security.users import create_user
from civharm.vocabulary import Sensitivity, Topic
from tests.factories import make_incident

ORG = "Protection Cluster"
PARTNER = Principal("paul", Role.PARTNER, organisation=ORG)
ANALYST = Principal("amal", Role.ANALYST)
CLEARED = Principal("cleo", Role.ANALYST, cleared=True)
INTAKE = Principal("ines", Role.INTAKE, organisation=ORG)


@pytest.fixture
def incidents(sessions: sessionmaker[Session]) -> dict[str, str]:
    with sessions.begin() as session:
        for principal in (ANALYST, INTAKE):
            create_user(
                session,
                username=principal.username,
                role=principal.role,
                organisation=principal.organisation,
                actor="t",
            )
        restricted = make_incident(
            session,
            title="Assault reported at the checkpoint",
            description="The survivor Zanubia gave a statement",
            topics=[Topic.CRSV],
            sensitivity=Sensitivity.RESTRICTED,
            releasable_to=[ORG],
            latitude=35.0,
            longitude=40.0,
        )
        normal = make_incident(
            session,
            title="Shelling of the bakery",
            description="Neighbours say Zanubia street was hit",
            releasable_to=[ORG],
            latitude=36.0,
            longitude=41.0,
        )
        make_incident(session, title="Internal only: strike on Zanubia farm", latitude=35.5, longitude=40.5)
        return {"restricted": restricted.code, "normal": normal.code}


def _search(session: Session, principal: Principal, **filters: object) -> set[str]:
    rows, total = list_incidents(session, principal=principal, filters=IncidentFilter(**filters))  # type: ignore[arg-type]
    assert total == len(rows)
    return {row.title.split()[0] for row in rows}


def test_search_matches_only_fields_the_principal_may_read(
    sessions: sessionmaker[Session], incidents: dict[str, str]
) -> None:
    with sessions() as session:
        assert _search(session, PARTNER, text="zanubia") == {"Shelling"}
        assert _search(session, ANALYST, text="zanubia") == {"Shelling", "Internal"}
        assert _search(session, CLEARED, text="zanubia") == {"Shelling", "Internal", "Assault"}
        assert _search(session, PARTNER, text="checkpoint") == {"Assault"}  # titles are not restricted
        assert _search(session, INTAKE, text="") == set()


def test_withheld_coordinates_cannot_be_probed_with_a_map_box(
    sessions: sessionmaker[Session], incidents: dict[str, str]
) -> None:
    box = (39.9, 34.9, 40.1, 35.1)  # around the restricted incident only
    with sessions() as session:
        assert _search(session, PARTNER, bbox=box) == set()
        assert _search(session, ANALYST, bbox=box) == set()
        assert _search(session, CLEARED, bbox=box) == {"Assault"}
        assert _search(session, PARTNER, bbox=(40.9, 35.9, 41.1, 36.1)) == {"Shelling"}


def test_a_restricted_grant_clears_one_incident_for_one_analyst(
    sessions: sessionmaker[Session], incidents: dict[str, str]
) -> None:
    with sessions.begin() as session:
        restricted = visible_incident(session, SYSTEM, incidents["restricted"])
        assert "description" not in show_incident(session, ANALYST, restricted)
        row = grant(
            session, incident=restricted, level=GrantLevel.RESTRICTED, username="amal", granted_by=SYSTEM
        )
        assert show_incident(session, ANALYST, restricted)["description"].startswith("The survivor")
        assert _search(session, ANALYST, text="statement") == {"Assault"}
        revoke_grant(session, grant_id=row.id, revoked_by=SYSTEM)
        assert "description" not in show_incident(session, ANALYST, restricted)


def test_a_read_grant_lets_intake_see_one_incident_but_never_restricted_fields(
    sessions: sessionmaker[Session], incidents: dict[str, str]
) -> None:
    with sessions.begin() as session:
        restricted = visible_incident(session, SYSTEM, incidents["restricted"])
        grant(session, incident=restricted, level=GrantLevel.READ, username="ines", granted_by=SYSTEM)
        assert _search(session, INTAKE, text="") == {"Assault"}
        shown = project_incident(access_for(session, INTAKE), restricted)
        assert "description" not in shown and "determination" not in shown
        with pytest.raises(ValidationError, match="only to a staff user"):
            grant(
                session, incident=restricted, level=GrantLevel.RESTRICTED, username="ines", granted_by=SYSTEM
            )
        with pytest.raises(PermissionDeniedError, match="analyst users may not release"):
            grant(session, incident=restricted, level=GrantLevel.READ, organisation="X", granted_by=ANALYST)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, set(Action)),
        (Role.APPROVER, {Action.APPROVE, Action.RELEASE, Action.EXPORT, Action.COMMENT, Action.VIEW_HISTORY}),
        (Role.INTAKE, {Action.SUBMIT_REPORT}),
        (Role.PARTNER, set()),
    ],
)
def test_roles_permit_their_actions_only(role: Role, allowed: set[Action]) -> None:
    principal = Principal("someone", role, organisation=ORG)
    for action in Action:
        if action in allowed:
            require(principal, action)
        else:
            with pytest.raises(PermissionDeniedError):
                require(principal, action)
