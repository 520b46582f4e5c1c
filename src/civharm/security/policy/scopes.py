"""SQL conditions that restrict every list, count, search and map query to what may be seen.

Grants are read by subqueries, so a condition needs only the principal, not a session.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, and_, cast, or_, select, true

from civharm.casualties.models import Casualty, CasualtyCount
from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.security.policy.access import Who, granted_incidents, principal_of
from civharm.security.principal import Role
from civharm.security.sql import json_list_contains
from civharm.vocabulary import Sensitivity, SourceType


def incident_scope(who: Who) -> ColumnElement[bool]:
    """Condition on ``Incident`` rows the principal may see; add it to every query and count."""
    principal = principal_of(who)
    if principal.is_staff:
        return true()
    conditions: list[ColumnElement[bool]] = [Incident.id.in_(granted_incidents(principal))]
    if principal.role is Role.PARTNER and principal.organisation:
        conditions.append(json_list_contains(Incident.releasable_to, principal.organisation))
    return or_(*conditions)


def report_scope(who: Who) -> ColumnElement[bool]:
    """Condition on ``Report`` rows the principal may see."""
    principal = principal_of(who)
    if principal.is_staff:
        return true()
    conditions: list[ColumnElement[bool]] = [Report.incident_id.in_(granted_incidents(principal))]
    if principal.role is Role.INTAKE:
        conditions.append(Report.submitted_by == principal.username)
    if principal.role is Role.PARTNER:
        if principal.organisation:
            conditions.append(json_list_contains(Report.releasable_to, principal.organisation))
        return and_(or_(*conditions), Report.source_type != SourceType.OWN_FORCE)
    return or_(*conditions)


def casualty_scope(who: Who) -> ColumnElement[bool]:
    """Condition on ``Casualty`` rows (individual records) the principal may see."""
    if principal_of(who).is_staff:
        return true()
    incidents = select(Incident.id).where(incident_scope(who), Incident.sensitivity != Sensitivity.RESTRICTED)
    return Casualty.incident_id.in_(incidents)


def count_scope(who: Who) -> ColumnElement[bool]:
    """Condition on ``CasualtyCount`` rows: those of incidents or reports the principal may see."""
    if principal_of(who).is_staff:
        return true()
    incidents = select(Incident.id).where(incident_scope(who))
    reports = select(Report.id).where(report_scope(who))
    return or_(CasualtyCount.incident_id.in_(incidents), CasualtyCount.report_id.in_(reports))


def restricted_visible(who: Who) -> ColumnElement[bool]:
    """Condition on ``Incident``: its restricted fields are visible to the principal."""
    principal = principal_of(who)
    if not principal.is_staff:
        return Incident.sensitivity != Sensitivity.RESTRICTED
    if principal.sees_all_restricted:
        return true()
    granted = Incident.id.in_(granted_incidents(principal, restricted=True))
    return or_(Incident.sensitivity != Sensitivity.RESTRICTED, granted)


def incident_text_match(who: Who, pattern: str) -> ColumnElement[bool]:
    """Case-insensitive ``LIKE pattern`` over the incident fields this principal may read.

    The description of a restricted incident is searched only for those who may see it, so a
    search cannot reveal what the record shows as withheld.
    """
    always = [
        Incident.title.ilike(pattern),
        Incident.place_name.ilike(pattern),
        Incident.code.ilike(pattern),
        cast(Incident.place_names, String).ilike(pattern),
    ]
    return or_(*always, and_(Incident.description.ilike(pattern), restricted_visible(who)))


def exact_location_visible(who: Who) -> ColumnElement[bool]:
    """Condition on ``Incident``: its coordinates may be used (map boxes, distance searches)."""
    return restricted_visible(who)


def report_restricted_visible(who: Who) -> ColumnElement[bool]:
    """Condition on ``Report``: its restricted fields (text, source, exact location) may be used.

    The SQL twin of :func:`~civharm.security.policy.access.may_see_report_restricted`, for
    distance searches and comparisons that must not touch what the report shows as withheld.
    """
    principal = principal_of(who)
    if principal.sees_all_restricted:
        return true()
    open_report = Report.sensitivity != Sensitivity.RESTRICTED
    if principal.role is Role.INTAKE:
        return or_(open_report, Report.submitted_by == principal.username)
    if not principal.is_staff:
        return open_report
    return or_(open_report, Report.incident_id.in_(granted_incidents(principal, restricted=True)))
