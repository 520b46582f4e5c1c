"""Survivor-centred intake: consent first, identities restricted, and no repeated interviews."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civharm.casualties.models import Casualty
from civharm.errors import NotFoundError, ValidationError
from civharm.history.models import EventKind
from civharm.history.service import open_for_change, record_change, record_event
from civharm.incidents.models import Incident
from civharm.responses.models import Response
from civharm.security.principal import Principal, Role
from civharm.survivors.models import ConsentScope, InformationItem, Survivor, SurvivorInterview
from civharm.survivors.pathway import FIRST_RESPONDER_CHECKLIST, REFERRAL_PATHWAY
from civharm.survivors.schemas import (
    IntakeResult,
    InterviewView,
    SurvivorIntakeCreate,
    SurvivorView,
    check_identity_consent,
)


def record_intake(
    session: Session,
    *,
    code: str,
    data: SurvivorIntakeCreate,
    actor: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> IntakeResult:
    """Log a survivor's case; returns the checklist, the referral pathway and what others gave."""
    incident = open_for_change(session, code=code, expected_version=expected_version)
    if data.topic not in incident.topics:
        raise ValidationError(f"{code} is not tagged {data.topic.value}; add the topic before the intake")
    casualty_id = _casualty_of(session, incident, data.casualty_pseudonym)
    number = session.scalar(select(func.count(Survivor.id)).where(Survivor.incident_id == incident.id)) or 0
    survivor = Survivor(
        incident_id=incident.id,
        reference=f"{incident.code}-S{number + 1:02d}",
        topic=data.topic,
        casualty_id=casualty_id,
        sex=data.sex,
        age_group=data.age_group,
        consent_given=data.consent_given,
        consent_scope=[s.value for s in data.consent_scope],
        consent_recorded_by=actor,
        identity=dict(data.identity),
        intake_by=actor,
    )
    if at is not None:
        survivor.consent_recorded_at = survivor.intake_at = at
    session.add(survivor)
    session.flush()
    if data.collected:
        first = SurvivorInterview(
            survivor_id=survivor.id, interviewer=actor, collected=_values(data.collected)
        )
        if at is not None:
            first.interviewed_at = at
        session.add(first)
    consent = ", ".join(survivor.consent_scope) if data.consent_given else "refused"
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.SURVIVOR_INTAKE,
        summary=f"survivor {survivor.reference} logged ({data.topic.value}); consent: {consent}",
        data={"survivor": survivor.reference, "checklist_shown": True},
        at=at,
    )
    others = [survivor_view(session, s) for s in _survivors_of(session, incident.id) if s.id != survivor.id]
    return IntakeResult(
        survivor=survivor_view(session, survivor),
        checklist=FIRST_RESPONDER_CHECKLIST,
        pathway=REFERRAL_PATHWAY[data.topic],
        others_in_incident=others,
    )


def _casualty_of(session: Session, incident: Incident, pseudonym: str | None) -> int | None:
    if pseudonym is None:
        return None
    casualty = session.scalar(
        select(Casualty).where(Casualty.pseudonym == pseudonym, Casualty.incident_id == incident.id)
    )
    if casualty is None:
        raise NotFoundError(f"{incident.code} has no casualty record {pseudonym}")
    existing = session.scalar(select(Survivor).where(Survivor.casualty_id == casualty.id))
    if existing is not None:
        raise ValidationError(
            f"{pseudonym} is already survivor {existing.reference}; add to that case instead of a new intake"
        )
    return casualty.id


def _values(items: Iterable[InformationItem | str]) -> list[str]:
    return sorted({InformationItem(i).value for i in items}, key=[m.value for m in InformationItem].index)


def get_survivor(session: Session, *, reference: str) -> Survivor:
    survivor = session.scalar(select(Survivor).where(Survivor.reference == reference))
    if survivor is None:
        raise NotFoundError(f"no survivor {reference}")
    return survivor


def _survivors_of(session: Session, incident_id: int) -> list[Survivor]:
    query = select(Survivor).where(Survivor.incident_id == incident_id).order_by(Survivor.id)
    return list(session.scalars(query))


def _interviews(session: Session, survivor_id: int) -> list[SurvivorInterview]:
    query = select(SurvivorInterview).where(SurvivorInterview.survivor_id == survivor_id)
    return list(session.scalars(query.order_by(SurvivorInterview.id)))


def survivor_view(session: Session, survivor: Survivor) -> SurvivorView:
    """The case without the identity: what has been collected, in which interviews, and referrals."""
    interviews = _interviews(session, survivor.id)
    collected = {item for i in interviews for item in i.collected}
    referrals = session.scalars(
        select(Response).where(Response.survivor_ref == survivor.reference).order_by(Response.id)
    )
    code = session.scalar(select(Incident.code).where(Incident.id == survivor.incident_id)) or ""
    return SurvivorView(
        reference=survivor.reference,
        incident_code=code,
        topic=survivor.topic,
        sex=survivor.sex,
        age_group=survivor.age_group,
        consent_given=survivor.consent_given,
        consent_scope=[ConsentScope(s) for s in survivor.consent_scope],
        identity_recorded=bool(survivor.identity),
        collected=[InformationItem(v) for v in _values([InformationItem(c) for c in collected])],
        interviews=[
            InterviewView(
                interviewer=i.interviewer,
                interviewed_at=i.interviewed_at,
                collected=[InformationItem(c) for c in i.collected],
                justification=i.justification,
            )
            for i in interviews
        ],
        referrals=[
            f"#{r.id} {r.service.value if r.service else r.kind.value} ({r.status.value})" for r in referrals
        ],
    )


def survivors_of_incident(session: Session, *, code: str) -> list[SurvivorView]:
    incident = open_for_change(session, code=code, allow_closed=True)
    return [survivor_view(session, s) for s in _survivors_of(session, incident.id)]


def record_interview(
    session: Session,
    *,
    reference: str,
    collected: list[InformationItem],
    actor: str,
    justification: str | None = None,
    at: datetime | None = None,
) -> SurvivorInterview:
    """Record a further conversation, refused when it would only ask again for what is known."""
    survivor = get_survivor(session, reference=reference)
    if not survivor.consent_given:
        raise ValidationError(f"{reference} did not consent; no interview may be recorded")
    collected = [InformationItem(c) for c in collected]
    check_identity_consent([ConsentScope(s) for s in survivor.consent_scope], collected, False)
    earlier = _interviews(session, survivor.id)
    known = {item for i in earlier for item in i.collected}
    wanted = set(_values(collected))
    if not wanted:
        raise ValidationError("say what the interview gathers")
    if earlier:
        already = ", ".join(_values(known)) or "nothing"
        if not wanted - known:
            raise ValidationError(
                f"{reference} was already interviewed {len(earlier)} time(s) and gave: {already}; "
                "do not ask again for what is known"
            )
        if not (justification and justification.strip()):
            raise ValidationError(
                f"{reference} was already interviewed and gave: {already}; "
                "a further interview needs a justification"
            )
    incident = open_for_change(session, code=_code_of(session, survivor))
    interview = SurvivorInterview(survivor_id=survivor.id, interviewer=actor, justification=justification)
    interview.collected = _values(wanted)
    if at is not None:
        interview.interviewed_at = at
    session.add(interview)
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.SURVIVOR_INTERVIEW,
        summary=f"interview with {reference}: gathered {', '.join(_values(wanted - known))}",
        reason=justification,
        at=at,
    )
    return interview


def _code_of(session: Session, survivor: Survivor) -> str:
    return session.scalar(select(Incident.code).where(Incident.id == survivor.incident_id)) or ""


def withdraw_consent(
    session: Session, *, reference: str, scopes: list[ConsentScope], actor: str, reason: str
) -> Survivor:
    """Take back part or all of a consent; withdrawing 'record' removes the identity kept."""
    survivor = get_survivor(session, reference=reference)
    incident = open_for_change(session, code=_code_of(session, survivor))
    scopes = [ConsentScope(s) for s in scopes]
    remaining = [s for s in survivor.consent_scope if s not in {x.value for x in scopes}]
    survivor.consent_scope = remaining
    survivor.consent_given = bool(remaining)
    identity_removed = ConsentScope.RECORD.value not in remaining and bool(survivor.identity)
    if identity_removed:
        survivor.identity = {}  # the one thing civharm erases: a survivor's wish outranks the archive
    record_change(
        session,
        incident=incident,
        actor=actor,
        kind=EventKind.SURVIVOR_INTAKE,
        summary=f"{reference} withdrew consent to {', '.join(s.value for s in scopes)}"
        + ("; identity removed" if identity_removed else ""),
        reason=reason,
    )
    return survivor


def reveal_identity(session: Session, *, reference: str, principal: Principal, reason: str) -> dict[str, str]:
    """A survivor's identity for a cleared staff member; the read itself goes into the history."""
    if principal.role not in (Role.ADMIN, Role.ASSESSOR, Role.APPROVER):
        raise ValidationError(f"{principal.username} may not see survivors' identities")
    if not reason.strip():
        raise ValidationError("say why the identity is needed")
    survivor = get_survivor(session, reference=reference)
    incident = open_for_change(session, code=_code_of(session, survivor), allow_closed=True)
    record_event(
        session,
        incident=incident,
        actor=principal.username,
        kind=EventKind.RESTRICTED_READ,
        summary=f"identity of {reference} viewed",
        reason=reason,
    )
    return dict(survivor.identity)
