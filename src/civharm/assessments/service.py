"""Move incidents through the lifecycle; every move is checked by the state machine and recorded.

Each function takes the acting username as ``actor`` and an optional ``expected_version``
(the version the user read) so that a stale screen gets a ConflictError, not an overwrite.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from civharm.assessments.facts import case_facts
from civharm.assessments.lifecycle import check_transition, next_steps
from civharm.assessments.schemas import MatchOutcome
from civharm.errors import ValidationError
from civharm.history.models import EventKind
from civharm.history.service import open_for_change, record_change
from civharm.incidents.models import Incident
from civharm.incidents.service import attach_reports, get_incident
from civharm.vocabulary import IncidentStatus

S = IncidentStatus


def transition(
    session: Session,
    *,
    code: str,
    target: IncidentStatus,
    actor: str,
    reason: str | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Incident:
    """Move ``code`` to ``target`` if the lifecycle allows it; TransitionRefused says what is missing."""
    # A closed case may only be re-opened; the state machine says so itself.
    incident = open_for_change(session, code=code, expected_version=expected_version, allow_closed=True)
    check_transition(case_facts(session, incident, reason=reason), target)
    before = incident.status
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.STATUS_CHANGED,
        summary=f"{before.value} → {target.value}",
        reason=reason,
        data={"from": before.value, "to": target.value},
        changes={"status": target},
        at=at,
        to_status=target,
    )
    return incident


def what_next(session: Session, *, code: str) -> list[tuple[IncidentStatus, list[str]]]:
    """Each state the incident may move to, with what is still missing for it."""
    incident = get_incident(session, code=code)
    return next_steps(case_facts(session, incident))


def _link(
    session: Session, incident: Incident, report_ids: Sequence[int], actor: str, at: datetime | None
) -> None:
    if not report_ids:
        return
    attach_reports(session, incident=incident, report_ids=list(report_ids))
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.REPORTS_LINKED,
        summary=f"report(s) {', '.join(f'#{i}' for i in report_ids)} linked",
        data={"report_ids": list(report_ids)},
        at=at,
    )


def triage(
    session: Session,
    *,
    code: str,
    actor: str,
    report_ids: Sequence[int] = (),
    note: str | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Incident:
    """Link the reports an incident was triaged from and mark it triaged."""
    incident = open_for_change(session, code=code, expected_version=expected_version)
    _link(session, incident, report_ids, actor, at)
    return transition(session, code=code, target=S.TRIAGED, actor=actor, reason=note, at=at)


def mark_duplicate(
    session: Session,
    *,
    code: str,
    duplicate_of: str,
    actor: str,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Incident:
    """Close an incident found at triage to describe the same event as ``duplicate_of``."""
    incident = open_for_change(session, code=code, expected_version=expected_version)
    original = get_incident(session, code=duplicate_of)
    if original.id == incident.id:
        raise ValidationError("an incident cannot duplicate itself")
    if incident.status not in (S.RECEIVED, S.TRIAGED):
        raise ValidationError(
            f"{code} is {incident.status.value}; after triage a duplicate is a determination for the approver"
        )
    incident.details = {**incident.details, "duplicate_of": original.code}
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.MARKED_DUPLICATE,
        summary=f"marked as a duplicate of {original.code}",
        reason=reason,
        data={"duplicate_of": original.code},
        at=at,
    )
    return transition(session, code=code, target=S.CLOSED, actor=actor, reason=reason, at=at)


def record_match(
    session: Session,
    *,
    code: str,
    outcome: MatchOutcome,
    actor: str,
    reference: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Incident:
    """Record the match against own-force activity; a triaged incident moves on to matched."""
    outcome = MatchOutcome(outcome)
    incident = open_for_change(session, code=code, expected_version=expected_version)
    if incident.status == S.RECEIVED:
        raise ValidationError(f"cannot record a match: {code} has not been triaged yet")
    if outcome == MatchOutcome.FOUND and not reference:
        raise ValidationError("a match found needs the own-force activity's reference (e.g. a log entry)")
    found = f" ({reference})" if reference else ""
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.MATCH_RECORDED,
        summary=f"own-force activity {outcome.value.replace('_', ' ')}{found}",
        reason=note,
        data={"outcome": outcome.value, "reference": reference},
        at=at,
    )
    if incident.status == S.TRIAGED:
        transition(session, code=code, target=S.MATCHED, actor=actor, reason=note, at=at)
    return incident


def record_findings(
    session: Session,
    *,
    code: str,
    findings: str,
    actor: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Incident:
    """Record what an investigation found; needed before the case moves on."""
    incident = open_for_change(session, code=code, expected_version=expected_version)
    if incident.status != S.UNDER_INVESTIGATION:
        raise ValidationError(
            f"cannot record findings: {code} is {incident.status.value}, not under investigation"
        )
    if not findings.strip():
        raise ValidationError("findings cannot be empty")
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.FINDINGS_RECORDED,
        summary="investigation findings recorded",
        reason=findings,
        at=at,
    )
    return incident


def record_lesson(
    session: Session,
    *,
    code: str,
    actor: str,
    lesson_ref: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Incident:
    """Link the incident to a lesson (a register reference) or record the lesson as a note."""
    if not (lesson_ref or (note and note.strip())):
        raise ValidationError("give a lesson reference or a note")
    incident = open_for_change(session, code=code, expected_version=expected_version)
    refs = sorted({*incident.details.get("lesson_refs", []), *([lesson_ref] if lesson_ref else [])})
    incident.details = {**incident.details, "lesson_refs": refs}
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.LESSON_RECORDED,
        summary=f"lesson recorded{f' ({lesson_ref})' if lesson_ref else ''}",
        reason=note,
        data={"lesson_ref": lesson_ref},
        at=at,
    )
    return incident


def reopen(
    session: Session,
    *,
    code: str,
    actor: str,
    reason: str,
    report_ids: Sequence[int] = (),
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Incident:
    """Re-open a closed or assessed case because new information arrived (optionally new reports)."""
    incident = open_for_change(session, code=code, expected_version=expected_version, allow_closed=True)
    check_transition(case_facts(session, incident, reason=reason), S.REOPENED)
    _link(session, incident, report_ids, actor, at)
    return transition(session, code=code, target=S.REOPENED, actor=actor, reason=reason, at=at)
