"""Give the synthetic demo incidents a lifecycle that is consistent with their states.

The foundation's demo loader sets each incident's state directly; here every demo incident
is walked to that state through the ordinary services, with back-dated times, so its
history, grading, determination (proposed and approved by two different demo users),
topic details and responses all agree with where it stands. Some cases are left overdue
and one payment in three is refused with a reason, as happens in practice.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from civharm.assessments import service
from civharm.assessments.determinations import approve_determination, propose_determination, record_grading
from civharm.assessments.schemas import DeterminationProposal, GradingCreate, MatchOutcome
from civharm.casualties.models import Casualty
from civharm.db.base import utcnow
from civharm.history.models import IncidentEvent
from civharm.incidents.models import Incident
from civharm.responses.models import ReferralService, ResponseKind, ResponseStatus
from civharm.responses.schemas import ResponseCreate
from civharm.responses.service import decide_response, propose_response, responses_of
from civharm.survivors.models import ConsentScope, InformationItem
from civharm.survivors.schemas import SurvivorIntakeCreate
from civharm.survivors.service import record_intake
from civharm.topics.models import CivilianObject, DamageLevel, PropertyType, ProtectionStatus
from civharm.topics.schemas import ChildEntry, CulturalPropertyCreate, GraveViolationCreate, PocCreate
from civharm.topics.service import record_cultural_property, record_grave_violation, record_poc
from civharm.vocabulary import (
    AgeGroup,
    Determination,
    Grading,
    GraveViolation,
    HarmType,
    IncidentStatus,
    Topic,
)

S = IncidentStatus
RECORDER, ASSESSOR, APPROVER, FINANCE, PROTECTION = (
    "demo-recorder",
    "demo-assessor",
    "demo-approver",
    "demo-finance",
    "demo-protection",
)
#: The happy path; a demo incident walks along it as far as its state.
PATH = (
    S.TRIAGED,
    S.MATCHED,
    S.UNDER_ASSESSMENT,
    S.ASSESSED,
    S.RESPONSE_DECIDED,
    S.RESPONSE_DELIVERED,
    S.LESSONS_CAPTURED,
    S.CLOSED,
)
REFUSALS = (
    "the claimant could not be verified as the owner of the damaged house (demo)",
    "the family had already been compensated by the local council for the same loss (demo)",
    "the damage predates the operation according to imagery of the previous month (demo)",
)


@dataclass
class Clock:
    """Hands out back-dated times from the incident onwards, never later than now."""

    at: datetime
    step: timedelta

    def tick(self) -> datetime:
        self.at = min(self.at + self.step, utcnow() - timedelta(minutes=1))
        return self.at


@dataclass
class Target:
    status: IncidentStatus
    grading: Grading | None
    determination: Determination


def load_lifecycle_demo(session: Session, *, seed: int = 7) -> int:
    """Walk every demo incident without a history to its state; returns how many were walked."""
    rng = random.Random(seed)
    has_history = exists().where(IncidentEvent.incident_id == Incident.id)
    query = select(Incident).where(Incident.title.startswith("[DEMO]"), ~has_history).order_by(Incident.id)
    walked = 0
    for number, incident in enumerate(session.scalars(query).all()):
        _walk(session, incident, rng, number)
        walked += 1
    return walked


def _walk(session: Session, incident: Incident, rng: random.Random, number: int) -> None:
    target = Target(incident.status, incident.grading, incident.determination)
    if target.status != S.RECEIVED and target.determination == Determination.NOT_YET_ASSESSED:
        target.determination = Determination.CREDIBLE
    # Start from the beginning: the state the foundation loader set is where the walk must end.
    incident.status, incident.grading = S.RECEIVED, None
    incident.determination = Determination.NOT_YET_ASSESSED
    received = datetime.combine(incident.date_start or utcnow().date(), time(9), UTC) + timedelta(days=1)
    incident.created_at = received
    session.flush()
    spare = max(utcnow() - received, timedelta(hours=12))
    # About thirty steps at most: they must all fit between the incident and today.
    clock = Clock(received, min(timedelta(days=rng.randint(1, 4)), spare / 32))
    end = S.CLOSED if target.status == S.REOPENED else target.status
    credible = target.determination == Determination.CREDIBLE
    for step in PATH:
        if end == S.RECEIVED:
            break
        if step == S.RESPONSE_DECIDED and not credible and end == S.CLOSED:
            service.transition(
                session,
                code=incident.code,
                target=S.CLOSED,
                actor=ASSESSOR,
                at=clock.tick(),
                reason="no response: the determination is not credible (demo)",
            )
            break
        _STEPS[step](session, incident, target, clock, rng, number)
        if step == end or (step == S.ASSESSED and end == S.UNDER_INVESTIGATION):
            break
    if target.status == S.UNDER_INVESTIGATION:
        service.transition(
            session,
            code=incident.code,
            target=S.UNDER_INVESTIGATION,
            actor=APPROVER,
            at=clock.tick(),
            reason="casualty figures differ widely between sources (demo)",
        )
    if target.status == S.REOPENED:
        service.reopen(
            session,
            code=incident.code,
            actor=RECORDER,
            at=clock.tick(),
            reason="a hospital list names two further victims (demo)",
        )


def _triage(session: Session, incident: Incident, target: Target, clock: Clock, *_: object) -> None:
    service.triage(
        session, code=incident.code, actor=RECORDER, at=clock.tick(), note="linked at intake (demo)"
    )


def _match(
    session: Session, incident: Incident, target: Target, clock: Clock, rng: random.Random, n: int
) -> None:
    found = target.determination == Determination.CREDIBLE or rng.random() < 0.5
    service.record_match(
        session,
        code=incident.code,
        actor=ASSESSOR,
        at=clock.tick(),
        outcome=MatchOutcome.FOUND if found else MatchOutcome.NOT_FOUND,
        reference=f"Task Force SILVER strike log {1000 + n} (demo)" if found else None,
    )


def _start(session: Session, incident: Incident, target: Target, clock: Clock, *_: object) -> None:
    service.transition(
        session, code=incident.code, target=S.UNDER_ASSESSMENT, actor=ASSESSOR, at=clock.tick()
    )


def _assess(
    session: Session, incident: Incident, target: Target, clock: Clock, rng: random.Random, n: int
) -> None:
    code = incident.code
    grading = target.grading or Grading.FAIR
    record_grading(
        session,
        code=code,
        actor=RECORDER,
        at=clock.tick(),
        data=GradingCreate(grading=grading, reasons=f"{grading.value}: sources compared (demo)"),
    )
    _topic_details(session, incident, clock, n)
    propose_determination(
        session, code=code, data=_proposal(incident, target.determination), actor=ASSESSOR, at=clock.tick()
    )
    approve_determination(session, code=code, actor=APPROVER, at=clock.tick(), note="reviewed (demo)")
    service.transition(session, code=code, target=S.ASSESSED, actor=ASSESSOR, at=clock.tick())


def _proposal(incident: Incident, determination: Determination) -> DeterminationProposal:
    if determination == Determination.CREDIBLE:
        return DeterminationProposal(
            determination=determination,
            more_likely_than_not=True,
            reasons="strike log, imagery and witness accounts agree on time and place (demo)",
            deaths_min=incident.killed_min or 0,
            deaths_max=incident.killed_max or 0,
            injuries_min=incident.injured_min or 0,
            injuries_max=incident.injured_max or 0,
        )
    if determination == Determination.NOT_CREDIBLE:
        return DeterminationProposal(
            determination=determination,
            more_likely_than_not=False,
            reasons="no own-force activity within 20 km that day (demo)",
        )
    return DeterminationProposal(
        determination=Determination.INSUFFICIENT_INFORMATION,
        more_likely_than_not=None,
        reasons="one unverified source; location unknown within 25 km (demo)",
    )


def _topic_details(session: Session, incident: Incident, clock: Clock, n: int) -> None:
    code, topics = incident.code, incident.topics
    if Topic.POC in topics:
        record_poc(
            session,
            code=code,
            actor=RECORDER,
            at=clock.tick(),
            data=PocCreate(cause=incident.cause, civilian_objects=_objects(incident.title)),
        )
    if Topic.CAAC in topics:
        ages = session.scalars(
            select(Casualty.age).where(
                Casualty.incident_id == incident.id, Casualty.age_group == AgeGroup.CHILD
            )
        ).all()
        children = [ChildEntry(age=a) if a is not None else ChildEntry(age_band="unknown") for a in ages]
        for violation in incident.details.get("grave_violations") or [GraveViolation.KILLING_MAIMING]:
            data = GraveViolationCreate(
                violation=violation, children=children or [ChildEntry(age_band="15-17")]
            )
            record_grave_violation(session, code=code, actor=RECORDER, at=clock.tick(), data=data)
    if Topic.CPP in topics:
        looted = HarmType.LOOTING.value in incident.harm_types
        site = CulturalPropertyCreate(
            site_name=f"{'Archaeological site' if looted else 'Old mosque'} of {incident.place_name}",
            property_type=PropertyType.IMMOVABLE,
            protection=ProtectionStatus.NATIONAL_INVENTORY,
            damage=DamageLevel.MINOR if looted else DamageLevel.PARTIAL,
            looted=looted,
        )
        record_cultural_property(session, code=code, actor=RECORDER, at=clock.tick(), data=site)
    for topic in (Topic.CRSV, Topic.THB):
        if topic in topics:
            _intake(session, incident, topic, clock, consent=n % 4 != 3)


def _objects(title: str) -> list[CivilianObject]:
    words = {
        "market": CivilianObject.FOOD_STORE_MARKET,
        "School": CivilianObject.SCHOOL,
        "Water": CivilianObject.WATER_SANITATION,
        "homes": CivilianObject.HOMES,
    }
    return [obj for word, obj in words.items() if word in title]


def _intake(session: Session, incident: Incident, topic: Topic, clock: Clock, *, consent: bool) -> None:
    scope = [ConsentScope.REFER, ConsentScope.ASSESSMENT, ConsentScope.STATISTICS] if consent else []
    collected = [InformationItem.ACCOUNT, InformationItem.MEDICAL_NEEDS] if consent else []
    result = record_intake(
        session,
        code=incident.code,
        actor=PROTECTION,
        at=clock.tick(),
        data=SurvivorIntakeCreate(
            topic=topic, consent_given=consent, consent_scope=scope, collected=collected
        ),
    )
    if consent:
        for service_kind in (ReferralService.MEDICAL, ReferralService.PSYCHOSOCIAL):
            referral = propose_response(
                session,
                code=incident.code,
                actor=PROTECTION,
                at=clock.tick(),
                data=ResponseCreate(
                    kind=ResponseKind.REFERRAL,
                    service=service_kind,
                    provider="Field Protection Network (demo)",
                    survivor_ref=result.survivor.reference,
                ),
            )
            decide_response(
                session,
                response_id=referral.id,
                target=ResponseStatus.APPROVED,
                actor=PROTECTION,
                at=clock.tick(),
            )


def _decide(
    session: Session, incident: Incident, target: Target, clock: Clock, rng: random.Random, n: int
) -> None:
    code = incident.code
    ack = propose_response(
        session,
        code=code,
        actor=ASSESSOR,
        at=clock.tick(),
        data=ResponseCreate(
            kind=ResponseKind.ACKNOWLEDGEMENT,
            public=n % 2 == 0,
            description="letter of acknowledgement to the community (demo)",
        ),
    )
    decide_response(
        session, response_id=ack.id, target=ResponseStatus.APPROVED, actor=APPROVER, at=clock.tick()
    )
    if (incident.killed_max or 0) > 0:
        pay = propose_response(
            session,
            code=code,
            actor=ASSESSOR,
            at=clock.tick(),
            data=ResponseCreate(
                kind=ResponseKind.CONDOLENCE_PAYMENT,
                amount=Decimal(1500 * (incident.killed_min or 1)),
                currency="USD",
                recipient=f"families of {code}-P01 to -P{incident.killed_min or 1:02d}",
            ),
        )
        decide_response(
            session, response_id=pay.id, target=ResponseStatus.APPROVED, actor=APPROVER, at=clock.tick()
        )
    if n % 3 == 0:
        claim = propose_response(
            session,
            code=code,
            actor=ASSESSOR,
            at=clock.tick(),
            data=ResponseCreate(
                kind=ResponseKind.EX_GRATIA_PAYMENT,
                amount=Decimal("800"),
                currency="USD",
                recipient="owner of the damaged house (demo)",
            ),
        )
        decide_response(
            session,
            response_id=claim.id,
            target=ResponseStatus.REFUSED,
            actor=APPROVER,
            at=clock.tick(),
            reason=REFUSALS[n % len(REFUSALS)],
        )
    service.transition(session, code=code, target=S.RESPONSE_DECIDED, actor=ASSESSOR, at=clock.tick())


def _deliver(session: Session, incident: Incident, target: Target, clock: Clock, *_: object) -> None:
    for response in responses_of(session, incident_id=incident.id):
        if response.status == ResponseStatus.APPROVED:
            done = ResponseStatus.PAID if response.amount is not None else ResponseStatus.DELIVERED
            decide_response(session, response_id=response.id, target=done, actor=FINANCE, at=clock.tick())
    service.transition(
        session, code=incident.code, target=S.RESPONSE_DELIVERED, actor=ASSESSOR, at=clock.tick()
    )


def _lessons(session: Session, incident: Incident, target: Target, clock: Clock, *_: object) -> None:
    service.record_lesson(
        session,
        code=incident.code,
        actor=ASSESSOR,
        at=clock.tick(),
        note="market days raise the collateral estimate; check the pattern of life (demo)",
    )
    service.transition(
        session, code=incident.code, target=S.LESSONS_CAPTURED, actor=ASSESSOR, at=clock.tick()
    )


def _close(session: Session, incident: Incident, target: Target, clock: Clock, *_: object) -> None:
    service.transition(session, code=incident.code, target=S.CLOSED, actor=APPROVER, at=clock.tick())


_STEPS: dict[IncidentStatus, Callable[..., None]] = {
    S.TRIAGED: _triage,
    S.MATCHED: _match,
    S.UNDER_ASSESSMENT: _start,
    S.ASSESSED: _assess,
    S.RESPONSE_DECIDED: _decide,
    S.RESPONSE_DELIVERED: _deliver,
    S.LESSONS_CAPTURED: _lessons,
    S.CLOSED: _close,
}
