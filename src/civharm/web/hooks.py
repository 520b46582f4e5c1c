"""Where other features' data plugs into the web app — every hook the lead connects at merge.

Each function here is what the pages and API call; today each returns what the foundation
already stores (and says so), or nothing where the data belongs to a feature not yet merged.
Swapping a body for the feature's service is the whole integration; the signatures and the
return shapes (``civharm.web.schemas``) stay.

HOOK(security)  csrf_token / csrf_field, audit_restricted_read
HOOK(lifecycle) incident_history, incident_assessment, incident_responses,
                determinations_awaiting_approval, approve_determination, overdue_work
HOOK(linkage)   proposed_merges, incident_duplicates (and web.duplicates.possible_duplicates)
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

from fastapi import Request
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from civharm.casualties.models import Casualty
from civharm.config import Settings
from civharm.errors import NotFoundError
from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.security.principal import Principal
from civharm.vocabulary import Determination, IncidentStatus, SourceType
from civharm.web.duplicates import ReportDraft, possible_duplicates
from civharm.web.schemas import (
    AssessmentView,
    DuplicateCandidate,
    HistoryEntry,
    MergeProposal,
    OverdueItem,
    PendingDetermination,
    ResponseView,
)

audit_log = logging.getLogger("civharm.audit")

# --- security ----------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """HOOK(security): the CSRF token for this session; empty until the security feature lands.

    Templates put it in every form (``csrf_field``) and in htmx's request headers.
    """
    return ""


def csrf_field(request: Request) -> str:
    """HOOK(security): the hidden form input carrying :func:`csrf_token` (empty for now)."""
    return ""


def audit_restricted_read(session: Session, *, principal: Principal, casualty: Casualty) -> None:
    """HOOK(security): record that ``principal`` read a restricted record's names.

    Until the security feature's tamper-evident audit chain is merged this goes to the
    ``civharm.audit`` logger only.
    """
    audit_log.info("restricted read: %s read names of %s", principal.username, casualty.pseudonym)


# --- lifecycle ---------------------------------------------------------------------------


def _at(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


def _utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes for timezone-aware columns; they are stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def incident_history(session: Session, *, incident: Incident) -> list[HistoryEntry]:
    """HOOK(lifecycle): the incident's timeline, oldest first.

    Today: what the foundation stores — when each report's material is dated and when it
    was received, and when the incident was created and last changed. The lifecycle feature's
    events table (status changes, assessments, approvals, responses) replaces this.
    """
    entries = [
        HistoryEntry(
            at=_utc(incident.created_at),
            kind="incident_created",
            summary="Incident recorded",
            actor=incident.created_by,
        )
    ]
    for report in session.scalars(select(Report).where(Report.incident_id == incident.id)):
        material = _at(report.material_date)
        if material:
            entries.append(
                HistoryEntry(
                    at=material, kind="source_dated", summary=f"{report.source_name} dated its account"
                )
            )
        entries.append(
            HistoryEntry(
                at=_utc(report.created_at),
                kind="report_received",
                summary=f"Report from {report.source_name} received",
                actor=report.submitted_by,
            )
        )
    if incident.version > 1:
        entries.append(
            HistoryEntry(
                at=_utc(incident.updated_at),
                kind="incident_updated",
                summary=f"Last changed (version {incident.version})",
            )
        )
    return sorted(entries, key=lambda e: e.at)


def incident_assessment(session: Session, *, incident: Incident) -> AssessmentView:
    """HOOK(lifecycle): the assessment and determination, with reasons, conceded ranges, approver.

    Today: the status, grading and determination columns of the incident itself.
    """
    return AssessmentView(
        status=incident.status, grading=incident.grading, determination=incident.determination
    )


def incident_responses(session: Session, *, incident: Incident) -> list[ResponseView]:
    """HOOK(lifecycle): responses decided or delivered (acknowledgement, payment, care, ...).

    Today: none — responses are recorded by the lifecycle feature.
    """
    return []


def own_force_activity(session: Session, *, incident: Incident) -> list[Report]:
    """Own-force activity linked to the incident: its own-force reports (strike logs, ...).

    HOOK(lifecycle/linkage): add activity matched from an own-force activity log when one exists.
    """
    query = select(Report).where(
        Report.incident_id == incident.id, Report.source_type == SourceType.OWN_FORCE
    )
    return list(session.scalars(query.order_by(Report.date_start, Report.id)))


def determinations_awaiting_approval(session: Session, *, principal: Principal) -> list[PendingDetermination]:
    """HOOK(lifecycle): determinations proposed by one person, awaiting a second's approval.

    Today: none — two-person approval is the lifecycle feature's.
    """
    return []


def approve_determination(session: Session, *, determination_id: str, principal: Principal) -> None:
    """HOOK(lifecycle): approve a pending determination as ``principal`` (a second person).

    Today there are no pending determinations, so every id is unknown.
    """
    raise NotFoundError(f"no determination {determination_id} is awaiting approval")


def overdue_work(
    session: Session, *, settings: Settings, scope: ColumnElement[bool], today: date, limit: int = 20
) -> list[OverdueItem]:
    """HOOK(lifecycle): assessments and responses past their due dates, longest waiting first.

    Today an approximation from incident columns: awaiting assessment = not yet assessed and
    the incident date older than ``assessment_overdue_days``; awaiting response = determined
    credible, no response decided, last change older than ``response_overdue_days``.
    """
    waiting = (
        IncidentStatus.RECEIVED,
        IncidentStatus.TRIAGED,
        IncidentStatus.MATCHED,
        IncidentStatus.UNDER_ASSESSMENT,
    )
    assess_before = today - timedelta(days=settings.assessment_overdue_days)
    respond_before = today - timedelta(days=settings.response_overdue_days)
    items: list[OverdueItem] = []
    query = select(Incident.code, Incident.title, Incident.date_start).where(
        scope, Incident.status.in_(waiting), Incident.date_start < assess_before
    )
    for code, title, since in session.execute(query.order_by(Incident.date_start).limit(limit)):
        items.append(
            OverdueItem(
                code=code, title=title, kind="assessment", since=since, days_waiting=(today - since).days
            )
        )
    query2 = select(Incident.code, Incident.title, func.date(Incident.updated_at)).where(
        scope,
        Incident.determination == Determination.CREDIBLE,
        Incident.status.in_((IncidentStatus.ASSESSED, IncidentStatus.UNDER_INVESTIGATION)),
        Incident.updated_at < datetime.combine(respond_before, time(), tzinfo=UTC),
    )
    for code, title, changed in session.execute(query2.order_by(Incident.updated_at).limit(limit)):
        since = changed if isinstance(changed, date) else date.fromisoformat(str(changed))
        items.append(
            OverdueItem(
                code=code, title=title, kind="response", since=since, days_waiting=(today - since).days
            )
        )
    return items


# --- linkage -----------------------------------------------------------------------------


def proposed_merges(session: Session, *, principal: Principal) -> list[MergeProposal]:
    """HOOK(linkage): merges the linkage engine proposes, awaiting review. Today: none."""
    return []


def incident_duplicates(
    session: Session, *, incident: Incident, scope: ColumnElement[bool]
) -> list[DuplicateCandidate]:
    """HOOK(linkage): other incidents that may be the same event (linkage ``candidates_for``).

    Today: the nearest incidents in place and time (:func:`civharm.web.duplicates.possible_duplicates`).
    """
    draft = ReportDraft(
        date_start=incident.date_start,
        date_end=incident.date_end,
        date_precision=incident.date_precision,
        latitude=incident.latitude,
        longitude=incident.longitude,
        location_precision=incident.location_precision,
        place_name=incident.place_name,
        exclude_code=incident.code,
    )
    return possible_duplicates(session, draft, scope=scope)
