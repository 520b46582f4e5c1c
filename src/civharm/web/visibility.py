"""Who sees which incidents, reports and casualties — one function per decision, nothing elsewhere.

STAND-IN for the security feature's central policy (``civharm.security.policy``). Every page
and API endpoint of the web app calls only these functions to decide what a principal sees,
so replacing them with the policy's functions is the whole change. The rules here are the
house rules from the issue texts, kept deliberately strict:

* staff (admin, analyst, assessor, approver) see every incident and report;
* a partner sees incidents and reports released to their organisation (``releasable_to``)
  that are not restricted, plus the reports they submitted; never history or individuals;
* an intake user sees only the reports they submitted, and no incidents;
* names of people harmed are shown only to staff, and on restricted records only to the
  roles that handle survivors' cases (admin, assessor, approver); everyone else sees the
  pseudonym. Reading a restricted name is recorded (``hooks.audit_restricted_read``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, false, or_, true

from civharm.casualties.models import Casualty
from civharm.casualties.schemas import CasualtyPublic, PersonName
from civharm.incidents.models import Incident
from civharm.incidents.schemas import IncidentDetail, IncidentSummary
from civharm.reports.models import Report
from civharm.reports.schemas import ReportPublic
from civharm.security.principal import Principal, Role
from civharm.vocabulary import Sensitivity

#: Roles cleared to read names on restricted casualty records.
NAME_CLEARED_ROLES = frozenset({Role.ADMIN, Role.ASSESSOR, Role.APPROVER})


def _released_to(column: Any, organisation: str) -> ColumnElement[bool]:
    escaped = organisation.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return cast(column, String).like(f'%"{escaped}"%', escape="\\")


# --- incidents ---------------------------------------------------------------------------


def incident_scope(principal: Principal) -> ColumnElement[bool]:
    """An SQL condition selecting the incidents ``principal`` may see (lists, maps, counts)."""
    if principal.is_staff:
        return true()
    if principal.role == Role.PARTNER and principal.organisation:
        return and_(
            Incident.sensitivity == Sensitivity.NORMAL,
            _released_to(Incident.releasable_to, principal.organisation),
        )
    return false()


def can_view_incident(principal: Principal, incident: Incident) -> bool:
    if principal.is_staff:
        return True
    return (
        principal.role == Role.PARTNER
        and principal.organisation is not None
        and incident.sensitivity == Sensitivity.NORMAL
        and principal.organisation in incident.releasable_to
    )


def project_incident_summary(principal: Principal, incident: Incident) -> IncidentSummary:
    """An incident in a list. Call only for incidents :func:`can_view_incident` allows."""
    return IncidentSummary.model_validate(incident)


def project_incident(principal: Principal, incident: Incident, *, report_count: int) -> IncidentDetail:
    """An incident's own fields; partners do not learn who else it is released to."""
    detail = IncidentDetail.model_validate(incident).model_copy(update={"report_count": report_count})
    if not principal.is_staff:
        detail = detail.model_copy(update={"releasable_to": []})
    return detail


def can_view_workflow(principal: Principal) -> bool:
    """History, responses, comments and internal workflow are for staff only."""
    return principal.is_staff


def can_approve_determinations(principal: Principal) -> bool:
    """The second person of a two-person approval must hold the approver (or admin) role."""
    return principal.role in (Role.APPROVER, Role.ADMIN)


# --- reports -----------------------------------------------------------------------------


def report_scope(principal: Principal) -> ColumnElement[bool]:
    """An SQL condition selecting the reports ``principal`` may see."""
    if principal.is_staff:
        return true()
    own = Report.submitted_by == principal.username
    if principal.role == Role.PARTNER and principal.organisation:
        released = and_(
            Report.sensitivity == Sensitivity.NORMAL,
            _released_to(Report.releasable_to, principal.organisation),
        )
        return or_(own, released)
    return own


def can_view_report(principal: Principal, report: Report) -> bool:
    if principal.is_staff or report.submitted_by == principal.username:
        return True
    return (
        principal.role == Role.PARTNER
        and principal.organisation is not None
        and report.sensitivity == Sensitivity.NORMAL
        and principal.organisation in report.releasable_to
    )


def project_report(principal: Principal, report: Report) -> ReportPublic:
    """A report for reading; outside staff do not see who inside submitted it."""
    public = ReportPublic.model_validate(report)
    if not principal.is_staff and report.submitted_by != principal.username:
        public = public.model_copy(update={"submitted_by": None})
    return public


# --- casualties --------------------------------------------------------------------------


def can_view_individuals(principal: Principal) -> bool:
    """Whether individual casualty records (even pseudonymised) are listed at all."""
    return principal.is_staff


def can_see_names(principal: Principal, casualty: Casualty) -> bool:
    if not principal.is_staff:
        return False
    return not casualty.restricted or principal.role in NAME_CLEARED_ROLES


def project_casualty(principal: Principal, casualty: Casualty) -> CasualtyPublic:
    """One person: the pseudonym always; names only when :func:`can_see_names` allows."""
    names = (
        [PersonName.model_validate(n) for n in casualty.names] if can_see_names(principal, casualty) else None
    )
    return CasualtyPublic(
        pseudonym=casualty.pseudonym,
        names=names,
        sex=casualty.sex,
        age_group=casualty.age_group,
        status=casualty.status,
        outcome=casualty.outcome,
        restricted=casualty.restricted,
    )
