"""What an organisation may receive: every record of an export, taken through the central policy.

An export "to ORGANISATION" is exactly what a partner user of that organisation may see: the
incidents released or granted to it, their reports (never own-force ones), the individual
casualty records of normal-sensitivity incidents (pseudonyms, never names), counts, and the
shared fields of each. Writers receive only the projected dicts built here, so no format can
add a field the policy withheld.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.assessments.models import GradingRecord
from civharm.casualties.models import CasualtyCount, casualty_sources
from civharm.db.base import table_of, utcnow
from civharm.incidents.models import Incident
from civharm.incidents.service import IncidentFilter, list_incidents
from civharm.reports.models import Report
from civharm.responses.models import Response
from civharm.security.audit import read_head
from civharm.security.canonical import normalise
from civharm.security.policy import (
    Access,
    FieldRules,
    access_for,
    count_scope,
    project_count,
    project_record,
    register_kind,
    report_scope,
    show_casualties,
    show_incidents,
    show_reports,
)
from civharm.security.principal import Principal, Role
from civharm.vocabulary import Sensitivity

T = TypeVar("T")
PAGE = 1000

# Gradings and responses travel in the package; partners get only these fields of them.
register_kind("grading", FieldRules(shared=frozenset({"grading", "recorded_at", "incident_code"})))
register_kind(
    "response",
    FieldRules(shared=frozenset({"kind", "status", "public", "incident_code"}), restricted=frozenset()),
)


def partner_principal(organisation: str) -> Principal:
    """The principal an export to ``organisation`` is made for: a partner user of it."""
    return Principal(username=f"release:{organisation}", role=Role.PARTNER, organisation=organisation)


@dataclass
class ReleaseView:
    """The projected records an organisation may receive (JSON-ready dicts)."""

    organisation: str
    origin: str
    made_at: str
    incidents: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)
    casualties: list[dict[str, Any]] = field(default_factory=list)
    counts: list[dict[str, Any]] = field(default_factory=list)
    gradings: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)

    def record_counts(self) -> dict[str, int]:
        return {
            "incidents": len(self.incidents),
            "reports": len(self.reports),
            "casualties": len(self.casualties),
            "counts": len(self.counts),
        }


def chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def filters_as_dict(filters: IncidentFilter) -> dict[str, Any]:
    """The filters as JSON-ready values, for the release log."""
    values = {
        "topics": [t.value for t in filters.topics],
        "statuses": [s.value for s in filters.statuses],
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
        "country_iso3": filters.country_iso3,
        "admin1": filters.admin1,
        "text": filters.text,
        "bbox": list(filters.bbox) if filters.bbox else None,
    }
    return {k: v for k, v in values.items() if v not in (None, [])}


def filters_from_dict(values: dict[str, Any]) -> IncidentFilter:
    from civharm.vocabulary import IncidentStatus, Topic

    bbox = values.get("bbox")
    return IncidentFilter(
        topics=tuple(Topic(t) for t in values.get("topics", [])),
        statuses=tuple(IncidentStatus(s) for s in values.get("statuses", [])),
        date_from=date.fromisoformat(values["date_from"]) if values.get("date_from") else None,
        date_to=date.fromisoformat(values["date_to"]) if values.get("date_to") else None,
        country_iso3=values.get("country_iso3"),
        admin1=values.get("admin1"),
        text=values.get("text"),
        bbox=(bbox[0], bbox[1], bbox[2], bbox[3]) if bbox else None,
    )


def store_origin(session: Session) -> str:
    """This store's id (from the audit head): names the sender in a package."""
    return read_head(session.connection()).store_id


def _visible_incidents(session: Session, principal: Principal, filters: IncidentFilter) -> list[Incident]:
    found: list[Incident] = []
    while True:
        page, total = list_incidents(
            session, principal=principal, filters=filters, sort="date", limit=PAGE, offset=len(found)
        )
        found.extend(page)
        if not page or len(found) >= total:
            return found


def collect(session: Session, *, organisation: str, filters: IncidentFilter | None = None) -> ReleaseView:
    """Everything ``organisation`` may receive that matches ``filters``, projected by the policy."""
    principal = partner_principal(organisation)
    access = access_for(session, principal)
    view = ReleaseView(organisation, store_origin(session), normalise(utcnow()))
    incidents = _visible_incidents(session, principal, filters or IncidentFilter())
    view.incidents = show_incidents(session, principal, incidents)
    reports: list[Report] = []
    for part in chunks([i.id for i in incidents]):
        query = select(Report).where(Report.incident_id.in_(part), report_scope(access)).order_by(Report.id)
        reports.extend(session.scalars(query))
    view.reports = show_reports(session, principal, reports)
    for incident in incidents:
        view.casualties.extend(show_casualties(session, principal, incident))
    _link_casualty_sources(session, view)
    view.counts = _counts(session, access, incidents, reports)
    view.gradings, view.responses = _assessments(session, access, incidents)
    return view


def _link_casualty_sources(session: Session, view: ReleaseView) -> None:
    """Each casualty's source reports, among the reports released with it."""
    from civharm.casualties.models import Casualty

    released = {r["id"] for r in view.reports}
    by_pseudonym = {c["pseudonym"]: c for c in view.casualties}
    for casualty in view.casualties:
        casualty["sources"] = []
    for part in chunks(list(by_pseudonym)):
        query = (
            select(Casualty.pseudonym, casualty_sources.c.report_id)
            .join(casualty_sources, casualty_sources.c.casualty_id == Casualty.id)
            .where(Casualty.pseudonym.in_(part))
        )
        for pseudonym, report_id in session.execute(query):
            if report_id in released:
                by_pseudonym[pseudonym]["sources"].append(report_id)


def _counts(
    session: Session, access: Access, incidents: list[Incident], reports: list[Report]
) -> list[dict[str, Any]]:
    code_of = {i.id: i.code for i in incidents}
    released_reports = {r.id for r in reports}
    found: dict[int, CasualtyCount] = {}
    for column, owners in (
        (CasualtyCount.incident_id, list(code_of)),
        (CasualtyCount.report_id, sorted(released_reports)),
    ):
        for part in chunks(owners):
            query = select(CasualtyCount).where(column.in_(part), count_scope(access))
            found.update((c.id, c) for c in session.scalars(query))
    shown: list[dict[str, Any]] = []
    for count_id in sorted(found):
        count = found[count_id]
        values = project_count(access, count)
        # The owner is a link between released records, not a field of the count.
        values["incident_code"] = code_of.get(count.incident_id or 0)
        values["report_id"] = count.report_id if count.report_id in released_reports else None
        shown.append(values)
    return shown


def _assessments(
    session: Session, access: Access, incidents: list[Incident]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    by_id = {i.id: i for i in incidents}
    gradings: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    for part in chunks(list(by_id)):
        current = select(GradingRecord).where(
            GradingRecord.incident_id.in_(part), GradingRecord.superseded_by_id.is_(None)
        )
        for grading in session.scalars(current.order_by(GradingRecord.id)):
            _add(gradings, access, "grading", grading, by_id[grading.incident_id])
        query = select(Response).where(Response.incident_id.in_(part)).order_by(Response.id)
        for response in session.scalars(query):
            _add(responses, access, "response", response, by_id[response.incident_id])
    return gradings, responses


def _add(target: list[dict[str, Any]], access: Access, kind: str, row: Any, incident: Incident) -> None:
    values = {c.key: getattr(row, c.key) for c in table_of(type(row)).columns}
    values["incident_code"] = incident.code
    shown = project_record(
        access,
        kind,
        values,
        restricted=incident.sensitivity is Sensitivity.RESTRICTED,
        incident_id=incident.id,
    )
    if shown is not None:
        target.append(shown)
