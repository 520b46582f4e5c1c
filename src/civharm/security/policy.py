"""The one place that decides what a principal may see and do, record by record and field by field.

Every list, count, search, page, API route and export goes through these functions:

- **Query scopes** (:func:`incident_scope`, :func:`report_scope`, :func:`casualty_scope`,
  :func:`count_scope`, :func:`incident_text_match`) are SQL conditions added to every query,
  so totals and search hits never include what the principal may not see.
- **Record checks** (:func:`may_see_incident`, ...; :func:`visible_incident` raising
  ``NotFoundError``, so a hidden record looks exactly like a missing one).
- **Projections** (:func:`project_incident`, :func:`project_report`, :func:`project_casualty`,
  :func:`project_count`) turn a record into the dict this principal may receive: restricted
  fields withheld from those not cleared, casualty names replaced by pseudonyms, internal and
  own-force details never given to partners. Partners and intake users get an allow-list, so
  a column added later stays hidden from them until someone decides otherwise.
- **Disclosures** (:func:`show_incident`, :func:`show_incidents`, ...) project and record the
  read of any restricted record in the audit chain.
- **Actions** (:func:`permits`, :func:`require`) say which roles may change what.

The rules, in brief (docs/security.md has the full table):

- Staff (admin, analyst, assessor, approver) see every record. Restricted fields (the
  description, details and exact location of a restricted incident or report, the text and
  source of a restricted report, and casualties' names and other personal fields) are shown
  only to admins, cleared users, and users granted ``restricted`` access to that incident.
- Intake users see the reports they submitted, and incidents granted to them.
- Partners see incidents and reports released to their organisation (``releasable_to``) or
  granted to them, never own-force reports, never restricted fields, internal fields,
  comments or history, and individual casualty records only of normal-sensitivity incidents.

Example::

    access = access_for(session, principal)
    query = select(Incident).where(incident_scope(access))
    items = show_incidents(session, access, session.scalars(query).all())
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from civharm.casualties.models import Casualty, CasualtyCount
from civharm.db.base import Base, table_of, utcnow
from civharm.errors import NotFoundError, PermissionDeniedError
from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.security.audit import record_read
from civharm.security.canonical import normalise
from civharm.security.models import AccessGrant, GrantLevel
from civharm.security.principal import Principal, Role
from civharm.security.sql import json_list_contains
from civharm.vocabulary import Sensitivity, SourceType

# --- who the principal is, with their grants ------------------------------------------------


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


_ACCESS_CACHE = "civharm_access"


def access_for(session: Session, principal: Principal) -> Access:
    """``principal`` with their current grants (looked up once per transaction)."""
    cache: dict[Principal, Access] = session.info.setdefault(_ACCESS_CACHE, {})
    if principal in cache:
        return cache[principal]
    grantee = AccessGrant.username == principal.username
    if principal.organisation:
        grantee = or_(grantee, AccessGrant.organisation == principal.organisation)
    now = utcnow()
    rows = session.execute(
        select(AccessGrant.incident_id, AccessGrant.level).where(
            grantee, or_(AccessGrant.expires_at.is_(None), AccessGrant.expires_at > now)
        )
    ).all()
    readable = frozenset(incident_id for incident_id, _ in rows)
    restricted = frozenset(
        incident_id for incident_id, level in rows if level is GrantLevel.RESTRICTED and principal.is_staff
    )
    access = Access(principal, readable=readable, cleared_for=restricted)
    cache[principal] = access
    return access


def forget_access(session: Session) -> None:
    """Drop cached grants (after grants change within a transaction)."""
    session.info.pop(_ACCESS_CACHE, None)


# --- record checks ---------------------------------------------------------------------------


def _released_to(access: Access, releasable_to: list[str] | None) -> bool:
    organisation = access.principal.organisation
    return access.partner and organisation is not None and organisation in (releasable_to or [])


def may_see_incident(access: Access, incident: Incident) -> bool:
    if access.staff or incident.id in access.readable:
        return True
    return _released_to(access, incident.releasable_to)


def may_see_report(access: Access, report: Report) -> bool:
    if access.staff:
        return True
    if access.partner and report.source_type is SourceType.OWN_FORCE:
        return False
    if report.incident_id is not None and report.incident_id in access.readable:
        return True
    if access.principal.role is Role.INTAKE:
        return report.submitted_by == access.principal.username
    return _released_to(access, report.releasable_to)


def may_see_casualty_records(access: Access, incident: Incident) -> bool:
    """Individual (pseudonymised) casualty records; outsiders get counts only for restricted incidents."""
    if access.staff:
        return True
    return may_see_incident(access, incident) and incident.sensitivity is not Sensitivity.RESTRICTED


def sees_restricted(access: Access, *, incident_id: int | None) -> bool:
    """May this principal see the restricted fields of records of this incident?"""
    if not access.staff:
        return False
    return access.cleared or (incident_id is not None and incident_id in access.cleared_for)


def _own_submission(access: Access, report: Report) -> bool:
    return access.principal.role is Role.INTAKE and report.submitted_by == access.principal.username


# --- query scopes ---------------------------------------------------------------------------


def incident_scope(access: Access) -> ColumnElement[bool]:
    """Condition on ``Incident`` rows the principal may see; add it to every query and count."""
    if access.staff:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if access.readable:
        conditions.append(Incident.id.in_(sorted(access.readable)))
    if access.partner and access.principal.organisation:
        conditions.append(json_list_contains(Incident.releasable_to, access.principal.organisation))
    return or_(*conditions) if conditions else false()


def report_scope(access: Access) -> ColumnElement[bool]:
    """Condition on ``Report`` rows the principal may see."""
    if access.staff:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if access.readable:
        conditions.append(Report.incident_id.in_(sorted(access.readable)))
    if access.principal.role is Role.INTAKE:
        conditions.append(Report.submitted_by == access.principal.username)
    if access.partner and access.principal.organisation:
        conditions.append(json_list_contains(Report.releasable_to, access.principal.organisation))
    if not conditions:
        return false()
    visible = or_(*conditions)
    if access.partner:
        visible = and_(visible, Report.source_type != SourceType.OWN_FORCE)
    return visible


def casualty_scope(access: Access) -> ColumnElement[bool]:
    """Condition on ``Casualty`` rows (individual records) the principal may see."""
    if access.staff:
        return true()
    incidents = select(Incident.id).where(
        incident_scope(access), Incident.sensitivity != Sensitivity.RESTRICTED
    )
    return Casualty.incident_id.in_(incidents)


def count_scope(access: Access) -> ColumnElement[bool]:
    """Condition on ``CasualtyCount`` rows: those of incidents or reports the principal may see."""
    if access.staff:
        return true()
    incidents = select(Incident.id).where(incident_scope(access))
    reports = select(Report.id).where(report_scope(access))
    return or_(CasualtyCount.incident_id.in_(incidents), CasualtyCount.report_id.in_(reports))


def restricted_visible(access: Access) -> ColumnElement[bool]:
    """Condition on ``Incident``: its restricted fields are visible to the principal."""
    if not access.staff:
        return Incident.sensitivity != Sensitivity.RESTRICTED
    if access.cleared:
        return true()
    granted = Incident.id.in_(sorted(access.cleared_for)) if access.cleared_for else false()
    return or_(Incident.sensitivity != Sensitivity.RESTRICTED, granted)


def incident_text_match(access: Access, pattern: str) -> ColumnElement[bool]:
    """Case-insensitive ``LIKE pattern`` over the incident fields this principal may read.

    The description (and the exact place names) of a restricted incident are searched only
    for those who may see it, so a search cannot reveal what the record shows as withheld.
    """
    from sqlalchemy import String, cast

    always = [
        Incident.title.ilike(pattern),
        Incident.place_name.ilike(pattern),
        Incident.code.ilike(pattern),
        cast(Incident.place_names, String).ilike(pattern),
    ]
    return or_(*always, and_(Incident.description.ilike(pattern), restricted_visible(access)))


def exact_location_visible(access: Access) -> ColumnElement[bool]:
    """Condition on ``Incident``: its exact coordinates may be used (for map and bbox queries)."""
    return restricted_visible(access)


# --- projections ------------------------------------------------------------------------------

INCIDENT_SHARED = frozenset(
    {
        "code", "previous_codes", "title", "description", "topics", "date_start", "date_end",
        "date_precision", "latitude", "longitude", "location_precision", "place_name", "place_names",
        "admin1", "admin2", "country_iso3", "harm_types", "cause", "status", "grading",
        "killed_min", "killed_max", "injured_min", "injured_max", "sensitivity", "created_at",
        "updated_at", "version",
    }
)  # fmt: skip
INCIDENT_RESTRICTED = frozenset({"description", "details", "latitude", "longitude"})

REPORT_SHARED = frozenset(
    {
        "id", "source_type", "source_name", "original_text", "language", "translation", "url",
        "material_date", "date_start", "date_end", "date_precision", "latitude", "longitude",
        "location_precision", "place_name", "admin1", "admin2", "country_iso3", "killed_min",
        "killed_max", "killed_best", "injured_min", "injured_max", "cause", "reliability", "topics",
        "sensitivity", "created_at", "incident_code",
    }
)  # fmt: skip
REPORT_OWN_EXTRA = frozenset({"submitted_by", "source_system", "source_key"})
REPORT_RESTRICTED = frozenset(
    {
        "original_text",
        "translation",
        "url",
        "archive_ref",
        "raw_record",
        "source_name",
        "latitude",
        "longitude",
    }
)

CASUALTY_SHARED = frozenset(
    {"pseudonym", "sex", "age_group", "status", "outcome", "date_of_harm", "confidence", "incident_code"}
)
#: Personal fields: encrypted at rest, shown only to cleared staff (or any staff when the record
#: is not restricted), never to partners.
CASUALTY_PERSONAL = frozenset({"names", "family_group", "notes", "consent"})

COUNT_SHARED = frozenset({"outcome", "sex", "age_group", "status", "count_min", "count_max"})


def _columns(record: Base) -> dict[str, Any]:
    return {column.key: getattr(record, column.key) for column in table_of(type(record)).columns}


def _finish(values: dict[str, Any], allowed: Iterable[str] | None, withheld: set[str]) -> dict[str, Any]:
    keep = set(values) if allowed is None else set(allowed)
    shown = {k: normalise(v) for k, v in values.items() if k in keep and k not in withheld}
    shown["withheld"] = sorted(withheld & set(values))
    return shown


def project_incident(access: Access, incident: Incident) -> dict[str, Any]:
    """The incident as this principal may receive it (JSON-ready values).

    Withheld restricted fields are absent and listed under ``"withheld"``.
    """
    values = _columns(incident)
    values["topics"] = [t.value for t in incident.topics]
    withheld: set[str] = set()
    if incident.sensitivity is Sensitivity.RESTRICTED and not sees_restricted(
        access, incident_id=incident.id
    ):
        withheld = set(INCIDENT_RESTRICTED)
    return _finish(values, None if access.staff else INCIDENT_SHARED, withheld)


def project_report(access: Access, report: Report, *, incident: Incident | None = None) -> dict[str, Any]:
    """The report as this principal may receive it; ``incident`` is its incident, if known."""
    values = _columns(report)
    parent = incident if incident is not None else report.incident
    values["incident_code"] = parent.code if parent is not None and may_see_incident(access, parent) else None
    own = _own_submission(access, report)
    withheld: set[str] = set()
    restricted = report.sensitivity is Sensitivity.RESTRICTED and not own
    if restricted and not sees_restricted(access, incident_id=report.incident_id):
        withheld = set(REPORT_RESTRICTED)
    if access.staff:
        allowed: frozenset[str] | None = None
    else:
        allowed = REPORT_SHARED | REPORT_OWN_EXTRA if own else REPORT_SHARED
    return _finish(values, allowed, withheld)


def project_casualty(
    access: Access, casualty: Casualty, *, incident: Incident | None = None
) -> dict[str, Any]:
    """A casualty record: names only for those cleared, a pseudonym for everyone.

    ``display_name`` is what a page shows: the first name when cleared, else the pseudonym.
    """
    values = _columns(casualty)
    parent = incident if incident is not None else casualty.incident
    values["incident_code"] = parent.code if parent is not None else None
    withheld: set[str] = set()
    identified = access.staff and (
        not casualty.restricted or sees_restricted(access, incident_id=casualty.incident_id)
    )
    if not identified:
        withheld = set(CASUALTY_PERSONAL)
    shown = _finish(values, None if access.staff else CASUALTY_SHARED, withheld)
    names = casualty.names or []
    shown["display_name"] = names[0]["name"] if identified and names else casualty.pseudonym
    return shown


def project_count(access: Access, count: CasualtyCount) -> dict[str, Any]:
    return _finish(_columns(count), None if access.staff else COUNT_SHARED, set())


# --- disclosures: projection plus the audit record of restricted reads -----------------------


def _note_reads(session: Session, table: str, ids: list[int]) -> None:
    record_read(session, table_name=table, record_ids=[str(i) for i in ids])


def visible_incident(session: Session, principal: Principal, code: str) -> Incident:
    """The incident with ``code`` if the principal may see it; otherwise ``NotFoundError``."""
    from civharm.incidents.service import get_incident

    try:
        incident = get_incident(session, code=code)
    except NotFoundError:
        raise NotFoundError(f"no incident with code {code}") from None
    if not may_see_incident(access_for(session, principal), incident):
        raise NotFoundError(f"no incident with code {code}")
    return incident


def visible_report(session: Session, principal: Principal, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None or not may_see_report(access_for(session, principal), report):
        raise NotFoundError(f"no report with id {report_id}")
    return report


def show_incident(session: Session, principal: Principal, incident: Incident) -> dict[str, Any]:
    """Check, project and (for a restricted incident) record the read of one incident."""
    if not may_see_incident(access_for(session, principal), incident):
        raise NotFoundError(f"no incident with code {incident.code}")
    return show_incidents(session, principal, [incident])[0]


def show_incidents(
    session: Session, principal: Principal, incidents: Iterable[Incident]
) -> list[dict[str, Any]]:
    """The incidents the principal may see, projected; hidden ones are left out."""
    access = access_for(session, principal)
    shown = [i for i in incidents if may_see_incident(access, i)]
    _note_reads(session, "incidents", [i.id for i in shown if i.sensitivity is Sensitivity.RESTRICTED])
    return [project_incident(access, i) for i in shown]


def show_reports(session: Session, principal: Principal, reports: Iterable[Report]) -> list[dict[str, Any]]:
    """The reports the principal may see, projected; hidden ones are left out."""
    access = access_for(session, principal)
    shown = [r for r in reports if may_see_report(access, r)]
    _note_reads(session, "reports", [r.id for r in shown if r.sensitivity is Sensitivity.RESTRICTED])
    return [project_report(access, r) for r in shown]


def show_casualties(session: Session, principal: Principal, incident: Incident) -> list[dict[str, Any]]:
    """The incident's individual casualty records as the principal may see them (maybe none)."""
    access = access_for(session, principal)
    if not may_see_incident(access, incident) or not may_see_casualty_records(access, incident):
        return []
    people = list(
        session.scalars(select(Casualty).where(Casualty.incident_id == incident.id).order_by(Casualty.id))
    )
    _note_reads(session, "casualties", [c.id for c in people if c.restricted])
    return [project_casualty(access, c, incident=incident) for c in people]


# --- actions ----------------------------------------------------------------------------------


class Action(StrEnum):
    """Things a role may do beyond reading what it may see."""

    SUBMIT_REPORT = "submit_report"
    #: Create and change incidents, reports and casualty records; triage and link.
    EDIT_RECORDS = "edit_records"
    ASSESS = "assess"
    #: Approve responses and exports.
    APPROVE = "approve"
    #: Change markings (sensitivity, releasability) and per-record grants.
    RELEASE = "release"
    EXPORT = "export"
    COMMENT = "comment"
    #: Read comments and the change history of records.
    VIEW_HISTORY = "view_history"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.ANALYST: frozenset(
        {Action.SUBMIT_REPORT, Action.EDIT_RECORDS, Action.EXPORT, Action.COMMENT, Action.VIEW_HISTORY}
    ),
    Role.ASSESSOR: frozenset(
        {
            Action.SUBMIT_REPORT,
            Action.EDIT_RECORDS,
            Action.ASSESS,
            Action.EXPORT,
            Action.COMMENT,
            Action.VIEW_HISTORY,
        }
    ),
    Role.APPROVER: frozenset(
        {Action.APPROVE, Action.RELEASE, Action.EXPORT, Action.COMMENT, Action.VIEW_HISTORY}
    ),
    Role.INTAKE: frozenset({Action.SUBMIT_REPORT}),
    Role.PARTNER: frozenset(),
}


def permits(principal: Principal, action: Action) -> bool:
    return action in ROLE_ACTIONS[principal.role]


def require(principal: Principal, action: Action) -> None:
    """Raise ``PermissionDeniedError`` unless the principal's role allows ``action``."""
    if not permits(principal, action):
        raise PermissionDeniedError(f"{principal.role.value} users may not {action.value.replace('_', ' ')}")


@dataclass(frozen=True)
class FieldRules:
    """How another feature's record kind is projected (comments, assessments, exports ...)."""

    #: Fields partners and intake users may receive; ``None``: they never see this kind at all.
    shared: frozenset[str] | None
    #: Fields withheld from those not cleared when the record (or its incident) is restricted.
    restricted: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)


#: Comments and history are internal: partners and intake never see them.
RECORD_KINDS: dict[str, FieldRules] = {
    "comment": FieldRules(shared=None),
    "history": FieldRules(shared=None),
}


def register_kind(kind: str, rules: FieldRules) -> None:
    RECORD_KINDS[kind] = rules


def project_record(
    access: Access, kind: str, values: dict[str, Any], *, restricted: bool, incident_id: int | None
) -> dict[str, Any] | None:
    """Project a record of a registered kind; ``None`` when the principal may not see it at all."""
    rules = RECORD_KINDS[kind]
    if not access.staff and rules.shared is None:
        return None
    withheld = (
        set(rules.restricted)
        if restricted and not sees_restricted(access, incident_id=incident_id)
        else set()
    )
    return _finish(values, None if access.staff else rules.shared, withheld)
