"""Who is asking, with the per-record grants that apply to them, and the record-level checks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, object_session

from civharm.db.base import utcnow
from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.security.models import AccessGrant, GrantLevel
from civharm.security.principal import Principal, Role
from civharm.vocabulary import Sensitivity, SourceType


@dataclass(frozen=True)
class Access:
    """A principal together with the per-record grants that apply to them."""

    principal: Principal
    #: Incidents granted for reading (to the user or their organisation).
    readable: frozenset[int] = frozenset()
    #: Incidents whose restricted fields the (staff) user is granted.
    cleared_for: frozenset[int] = frozenset()

    @property
    def staff(self) -> bool:
        return self.principal.is_staff

    @property
    def partner(self) -> bool:
        return self.principal.role is Role.PARTNER

    @property
    def cleared(self) -> bool:
        return self.principal.sees_all_restricted


#: Every policy function takes either: a bare ``Principal`` has its grants looked up in the
#: session of the record (or, for SQL conditions, in a subquery).
Who = Principal | Access

_ACCESS_CACHE = "civharm_access"


def granted_incidents(principal: Principal, *, restricted: bool = False) -> Select[tuple[int]]:
    """The ids of incidents granted to ``principal`` or their organisation (and still valid)."""
    grantee = AccessGrant.username == principal.username
    if principal.organisation:
        grantee = or_(grantee, AccessGrant.organisation == principal.organisation)
    query = select(AccessGrant.incident_id).where(
        grantee, or_(AccessGrant.expires_at.is_(None), AccessGrant.expires_at > utcnow())
    )
    if restricted:
        query = query.where(AccessGrant.level == GrantLevel.RESTRICTED)
    return query


def access_for(session: Session, principal: Principal) -> Access:
    """``principal`` with their current grants (looked up once per transaction)."""
    cache: dict[Principal, Access] = session.info.setdefault(_ACCESS_CACHE, {})
    if principal not in cache:
        readable = frozenset(session.scalars(granted_incidents(principal)))
        cleared = frozenset(session.scalars(granted_incidents(principal, restricted=True)))
        cache[principal] = Access(
            principal, readable=readable, cleared_for=cleared if principal.is_staff else frozenset()
        )
    return cache[principal]


def forget_access(session: Session) -> None:
    """Drop cached grants (after grants change within a transaction)."""
    session.info.pop(_ACCESS_CACHE, None)


def as_access(who: Who, record: object | None = None) -> Access:
    """``who`` as an :class:`Access`, its grants read through ``record``'s session if needed."""
    if isinstance(who, Access):
        return who
    session = object_session(record) if record is not None else None
    return access_for(session, who) if session is not None else Access(who)


def principal_of(who: Who) -> Principal:
    return who.principal if isinstance(who, Access) else who


# --- record checks ---------------------------------------------------------------------------


def _released_to(access: Access, releasable_to: list[str] | None) -> bool:
    organisation = access.principal.organisation
    return access.partner and organisation is not None and organisation in (releasable_to or [])


def may_see_incident(who: Who, incident: Incident) -> bool:
    access = as_access(who, incident)
    if access.staff or incident.id in access.readable:
        return True
    return _released_to(access, incident.releasable_to)


def may_see_report(who: Who, report: Report) -> bool:
    access = as_access(who, report)
    if access.staff:
        return True
    if access.partner and report.source_type is SourceType.OWN_FORCE:
        return False
    if report.incident_id is not None and report.incident_id in access.readable:
        return True
    if access.principal.role is Role.INTAKE:
        return report.submitted_by == access.principal.username
    return _released_to(access, report.releasable_to)


def may_see_casualty_records(who: Who, incident: Incident) -> bool:
    """Individual (pseudonymised) casualty records; outsiders get counts only for restricted incidents."""
    access = as_access(who, incident)
    if access.staff:
        return True
    return may_see_incident(access, incident) and incident.sensitivity is not Sensitivity.RESTRICTED


def sees_restricted(who: Who, *, incident_id: int | None, record: object | None = None) -> bool:
    """May this principal see the restricted fields of records of this incident?"""
    access = as_access(who, record)
    if not access.staff:
        return False
    return access.cleared or (incident_id is not None and incident_id in access.cleared_for)


def may_see_report_restricted(who: Who, report: Report) -> bool:
    """May this principal see the restricted fields (text, source, exact location) of ``report``?"""
    if report.sensitivity is not Sensitivity.RESTRICTED or own_submission(who, report):
        return True
    return sees_restricted(who, incident_id=report.incident_id, record=report)


def own_submission(who: Who, report: Report) -> bool:
    principal = principal_of(who)
    return principal.role is Role.INTAKE and report.submitted_by == principal.username
