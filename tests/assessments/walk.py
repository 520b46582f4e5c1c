"""Steps shared by the lifecycle tests: record what each topic needs and walk a case along."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from civharm.assessments import service
from civharm.assessments.determinations import approve_determination, propose_determination, record_grading
from civharm.assessments.schemas import DeterminationProposal, GradingCreate, MatchOutcome
from civharm.incidents.models import Incident
from civharm.incidents.service import attach_reports
from civharm.responses.models import ResponseKind, ResponseStatus
from civharm.responses.schemas import ResponseCreate
from civharm.responses.service import decide_response, propose_response
from civharm.survivors.schemas import SurvivorIntakeCreate
from civharm.survivors.service import record_intake
from civharm.topics.schemas import ChildEntry, CulturalPropertyCreate, GraveViolationCreate, PocCreate
from civharm.topics.service import record_cultural_property, record_grave_violation, record_poc
from civharm.vocabulary import Determination, IncidentStatus, Topic
from tests.factories import make_incident, make_report

S = IncidentStatus
ASSESSOR, APPROVER = "ana", "ben"

CREDIBLE = DeterminationProposal(
    determination=Determination.CREDIBLE,
    more_likely_than_not=True,
    reasons="strike log and two witnesses agree",
    deaths_min=2,
    deaths_max=3,
    injuries_min=1,
    injuries_max=4,
)
NOT_CREDIBLE = DeterminationProposal(
    determination=Determination.NOT_CREDIBLE, more_likely_than_not=False, reasons="no sortie within 30 km"
)


def new_case(session: Session, topic: Topic = Topic.POC) -> str:
    """A received incident of ``topic`` with one report waiting to be triaged."""
    incident = make_incident(session, topics=[topic])
    attach_reports(session, incident=incident, report_ids=[make_report(session).id])
    return incident.code


def to_under_assessment(session: Session, code: str) -> None:
    service.record_match(session, code=code, outcome=MatchOutcome.FOUND, reference="log 42", actor=ASSESSOR)
    service.transition(session, code=code, target=S.UNDER_ASSESSMENT, actor=ASSESSOR)


def record_topic_details(session: Session, code: str, topic: Topic) -> None:
    """The minimum each topic needs before the case can be marked assessed."""
    if topic == Topic.POC:
        data = PocCreate(cause="heavy_weapons_explosive_munitions", civilian_objects=["food_store_market"])
        record_poc(session, code=code, data=data, actor=ASSESSOR)
    elif topic == Topic.CAAC:
        children = [ChildEntry(age=12), ChildEntry(age_band="15-17")]
        data_caac = GraveViolationCreate(violation="killing_maiming", children=children)
        record_grave_violation(session, code=code, data=data_caac, actor=ASSESSOR)
    elif topic == Topic.CPP:
        site = CulturalPropertyCreate(site_name="Old mosque", property_type="immovable", damage="partial")
        record_cultural_property(session, code=code, data=site, actor=ASSESSOR)
    else:
        intake = SurvivorIntakeCreate(topic=topic, consent_given=True, consent_scope=["refer_to_services"])
        record_intake(session, code=code, data=intake, actor=ASSESSOR)


def determine(
    session: Session, code: str, proposal: DeterminationProposal = CREDIBLE, at: datetime | None = None
) -> None:
    propose_determination(session, code=code, data=proposal, actor=ASSESSOR, at=at)
    approve_determination(session, code=code, actor=APPROVER, at=at)


def assess(session: Session, code: str, topic: Topic, proposal: DeterminationProposal = CREDIBLE) -> None:
    record_grading(
        session, code=code, data=GradingCreate(grading="fair", reasons="two sources"), actor=ASSESSOR
    )
    record_topic_details(session, code, topic)
    determine(session, code, proposal)
    service.transition(session, code=code, target=S.ASSESSED, actor=ASSESSOR)


def respond_and_deliver(session: Session, code: str) -> None:
    payment = propose_response(
        session,
        code=code,
        data=ResponseCreate(
            kind=ResponseKind.CONDOLENCE_PAYMENT,
            amount=Decimal("2500"),
            currency="USD",
            recipient="family P01",
        ),
        actor=ASSESSOR,
    )
    decide_response(session, response_id=payment.id, target=ResponseStatus.APPROVED, actor=APPROVER)
    service.transition(session, code=code, target=S.RESPONSE_DECIDED, actor=ASSESSOR)
    decide_response(session, response_id=payment.id, target=ResponseStatus.PAID, actor="fin")
    service.transition(session, code=code, target=S.RESPONSE_DELIVERED, actor=ASSESSOR)


def incident_status(session: Session, code: str) -> IncidentStatus:
    return session.query(Incident).filter_by(code=code).one().status
