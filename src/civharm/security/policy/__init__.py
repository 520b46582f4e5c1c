"""The one place that decides what a principal may see and do, record by record and field by field.

Every list, count, search, page, API route and export goes through these functions. Each
takes the acting ``Principal`` (or an :class:`Access`, a principal with its grants loaded):

- **Query scopes** (:func:`incident_scope`, :func:`report_scope`, :func:`casualty_scope`,
  :func:`count_scope`, :func:`incident_text_match`, :func:`exact_location_visible`,
  :func:`report_restricted_visible`) are SQL conditions added to every query, so totals,
  search hits, map boxes and duplicate candidates never include or reveal what the principal
  may not see.
- **Record checks** (:func:`may_see_incident`, :func:`may_see_report`,
  :func:`may_see_casualty_records`, :func:`sees_restricted`, :func:`may_see_report_restricted`);
  :func:`visible_incident` and :func:`visible_report` raise ``NotFoundError``, so a hidden
  record looks like a missing one.
- **Projections** (:func:`project_incident`, :func:`project_report`, :func:`project_casualty`,
  :func:`project_count`, :func:`project_record`) turn a record into the dict this principal
  may receive: restricted fields withheld (and listed under ``"withheld"``) from those not
  cleared, casualty names replaced by pseudonyms, internal and own-force details never
  given to partners. Partners and intake users get an allow-list, so a column added later
  stays hidden from them until someone decides otherwise.
- **Disclosures** (:func:`show_incident`, :func:`show_incidents`, :func:`show_reports`,
  :func:`show_casualties`) check, project, and record the read of restricted records in the
  audit chain (committed with the caller's transaction).
- **Actions** (:func:`permits`, :func:`require`) say which roles may change what.

The rules (docs/security.md has the full table):

- Staff (admin, analyst, assessor, approver) see every record. Restricted fields (the
  description, details and exact location of a restricted incident; the text, source and
  exact location of a restricted report; casualties' names, family group, notes and
  consent) are shown only to admins, cleared users, and users granted ``restricted`` access
  to that incident. A casualty record not marked restricted shows names to all staff.
- Intake users see the reports they submitted (in full), and incidents granted to them.
- Partners see incidents and reports released to their organisation (``releasable_to``) or
  granted to them, never own-force reports, never restricted, internal or personal fields,
  comments or history, and individual casualty records only of normal-sensitivity incidents.

Example::

    rows = session.scalars(select(Incident).where(incident_scope(principal))).all()
    items = show_incidents(session, principal, rows)
"""

from civharm.security.policy.access import (
    Access,
    Who,
    access_for,
    as_access,
    forget_access,
    granted_incidents,
    may_see_casualty_records,
    may_see_incident,
    may_see_report,
    may_see_report_restricted,
    sees_restricted,
)
from civharm.security.policy.actions import ROLE_ACTIONS, Action, may_see_history, permits, require
from civharm.security.policy.disclosure import (
    show_casualties,
    show_incident,
    show_incidents,
    show_reports,
    visible_incident,
    visible_report,
)
from civharm.security.policy.fields import (
    CASUALTY_PERSONAL,
    CASUALTY_SHARED,
    COUNT_SHARED,
    INCIDENT_RESTRICTED,
    INCIDENT_SHARED,
    RECORD_KINDS,
    REPORT_OWN_EXTRA,
    REPORT_RESTRICTED,
    REPORT_SHARED,
    FieldRules,
    project_casualty,
    project_count,
    project_incident,
    project_record,
    project_report,
    register_kind,
)
from civharm.security.policy.scopes import (
    casualty_scope,
    count_scope,
    exact_location_visible,
    incident_scope,
    incident_text_match,
    report_restricted_visible,
    report_scope,
    restricted_visible,
)

__all__ = [
    "CASUALTY_PERSONAL",
    "CASUALTY_SHARED",
    "COUNT_SHARED",
    "INCIDENT_RESTRICTED",
    "INCIDENT_SHARED",
    "RECORD_KINDS",
    "REPORT_OWN_EXTRA",
    "REPORT_RESTRICTED",
    "REPORT_SHARED",
    "ROLE_ACTIONS",
    "Access",
    "Action",
    "FieldRules",
    "Who",
    "access_for",
    "as_access",
    "casualty_scope",
    "count_scope",
    "exact_location_visible",
    "forget_access",
    "granted_incidents",
    "incident_scope",
    "incident_text_match",
    "may_see_casualty_records",
    "may_see_history",
    "may_see_incident",
    "may_see_report",
    "may_see_report_restricted",
    "permits",
    "project_casualty",
    "project_count",
    "project_incident",
    "project_record",
    "project_report",
    "register_kind",
    "report_restricted_visible",
    "report_scope",
    "require",
    "restricted_visible",
    "sees_restricted",
    "show_casualties",
    "show_incident",
    "show_incidents",
    "show_reports",
    "visible_incident",
    "visible_report",
]
