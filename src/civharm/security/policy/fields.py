"""Projections: a record as a dict holding only the fields this principal may receive."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from civharm.casualties.models import Casualty, CasualtyCount
from civharm.db.base import Base, table_of
from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.security.canonical import normalise
from civharm.security.policy.access import (
    Who,
    as_access,
    may_see_incident,
    may_see_report_restricted,
    own_submission,
    sees_restricted,
)
from civharm.vocabulary import Sensitivity

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


def project_incident(who: Who, incident: Incident) -> dict[str, Any]:
    """The incident as this principal may receive it (JSON-ready values).

    Withheld restricted fields are absent and listed under ``"withheld"``.
    """
    access = as_access(who, incident)
    values = _columns(incident)
    values["topics"] = [t.value for t in incident.topics]
    withheld: set[str] = set()
    if incident.sensitivity is Sensitivity.RESTRICTED and not sees_restricted(
        access, incident_id=incident.id
    ):
        withheld = set(INCIDENT_RESTRICTED)
    return _finish(values, None if access.staff else INCIDENT_SHARED, withheld)


def project_report(who: Who, report: Report, *, incident: Incident | None = None) -> dict[str, Any]:
    """The report as this principal may receive it; ``incident`` is its incident, if known."""
    access = as_access(who, report)
    values = _columns(report)
    parent = incident if incident is not None else report.incident
    values["incident_code"] = parent.code if parent is not None and may_see_incident(access, parent) else None
    own = own_submission(access, report)
    withheld = set() if may_see_report_restricted(access, report) else set(REPORT_RESTRICTED)
    if access.staff:
        allowed: frozenset[str] | None = None
    else:
        allowed = REPORT_SHARED | REPORT_OWN_EXTRA if own else REPORT_SHARED
    return _finish(values, allowed, withheld)


def project_casualty(who: Who, casualty: Casualty, *, incident: Incident | None = None) -> dict[str, Any]:
    """A casualty record: names only for those cleared, a pseudonym for everyone.

    ``display_name`` is what a page shows: the first name when cleared, else the pseudonym.
    """
    access = as_access(who, casualty)
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


def project_count(who: Who, count: CasualtyCount) -> dict[str, Any]:
    staff = as_access(who).staff
    return _finish(_columns(count), None if staff else COUNT_SHARED, set())


@dataclass(frozen=True)
class FieldRules:
    """How another feature's record kind is projected (comments, assessments, exports ...)."""

    #: Fields partners and intake users may receive; ``None``: they never see this kind at all.
    shared: frozenset[str] | None
    #: Fields withheld from those not cleared when the record (or its incident) is restricted.
    restricted: frozenset[str] = frozenset()


#: Comments and history are internal: partners and intake never see them.
RECORD_KINDS: dict[str, FieldRules] = {
    "comment": FieldRules(shared=None),
    "history": FieldRules(shared=None),
}


def register_kind(kind: str, rules: FieldRules) -> None:
    RECORD_KINDS[kind] = rules


def project_record(
    who: Who, kind: str, values: dict[str, Any], *, restricted: bool, incident_id: int | None
) -> dict[str, Any] | None:
    """Project a record of a registered kind; ``None`` when the principal may not see it at all.

    Pass an :class:`Access` (from :func:`access_for`) so per-incident grants are known.
    """
    access = as_access(who)
    rules = RECORD_KINDS[kind]
    if not access.staff and rules.shared is None:
        return None
    withheld = (
        set(rules.restricted)
        if restricted and not sees_restricted(access, incident_id=incident_id)
        else set()
    )
    return _finish(values, None if access.staff else rules.shared, withheld)
