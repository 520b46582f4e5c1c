"""The web app's part of the demo: determinations waiting in the review queue (synthetic)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.assessments.determinations import DETERMINING, propose_determination
from civharm.assessments.models import DeterminationRecord, DeterminationState
from civharm.assessments.schemas import DeterminationProposal
from civharm.incidents.models import Incident
from civharm.vocabulary import Determination, Sensitivity

#: Proposed by the demo analyst, so the demo approver (a second person) may approve them.
PROPOSER = "demo-analyst"


def load_web_demo(session: Session, *, count: int = 2) -> int:
    """Propose a determination on up to ``count`` demo incidents under assessment, leaving them
    for a second person to approve on the review page. Returns how many were proposed."""
    pending = select(DeterminationRecord.incident_id).where(
        DeterminationRecord.state == DeterminationState.PROPOSED
    )
    candidates = session.scalars(
        select(Incident)
        .where(
            Incident.title.like("[DEMO]%"),
            Incident.status.in_(DETERMINING),
            Incident.sensitivity == Sensitivity.NORMAL,
            Incident.id.not_in(pending),
        )
        .order_by(Incident.id)
        .limit(count)
    ).all()
    for incident in candidates:
        proposal = DeterminationProposal(
            determination=Determination.NOT_CREDIBLE,
            more_likely_than_not=False,
            reasons="Synthetic demo: the sources disagree on the date and no strike log matches.",
        )
        propose_determination(session, code=incident.code, data=proposal, actor=PROPOSER)
    return len(candidates)
