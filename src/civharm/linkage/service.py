"""Linkage on the store: group unlinked reports into incidents; merge, split and undo with provenance.

Every change is a :class:`~civharm.linkage.models.LinkageDecision` that records who (a user, or
the engine on a user's command) did what, the evidence, and what was there before, so that
:func:`undo` can put it back. Merged-away codes live on in ``Incident.previous_codes`` and
``get_incident`` still finds the incident by them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.casualties.models import Casualty, CasualtyCount
from civharm.db.base import utcnow
from civharm.errors import NotFoundError, ValidationError
from civharm.history.models import EventKind, IncidentEvent
from civharm.history.service import record_event
from civharm.incidents.models import Incident
from civharm.incidents.schemas import IncidentCreate, PlaceName
from civharm.incidents.service import create_incident, get_incident
from civharm.linkage.engine import MIN_REPORTS_TO_TRAIN, link_records
from civharm.linkage.features import MAX_WINDOW_DAYS
from civharm.linkage.models import LinkageDecision
from civharm.linkage.normalise import has_arabic
from civharm.linkage.store import active_params, report_record, save_params
from civharm.precision import LOCATION_UNCERTAINTY_KM, DatePrecision
from civharm.reports.models import Report
from civharm.vocabulary import Sensitivity, Topic


@dataclass
class StoreLinkSummary:
    unlinked: int = 0
    incidents_created: list[str] = field(default_factory=list)
    attached: dict[str, int] = field(default_factory=dict)  # existing code → reports added
    retrained: bool = False


def _anchors(session: Session, unlinked: list[Report]) -> list[Report]:
    """Reports already in incidents near the unlinked ones in time: new reports may join those incidents."""
    days = [r.date_start for r in unlinked if r.date_start]
    if not days:
        return []
    window = timedelta(days=MAX_WINDOW_DAYS)
    query = select(Report).where(
        Report.incident_id.is_not(None),
        Report.date_start.between(min(days) - window, max(days) + window),
    )
    return list(session.scalars(query.order_by(Report.id)))


def link_store(session: Session, *, actor: str, retrain: bool = True) -> StoreLinkSummary:
    """Group every unlinked report into an incident, an existing one where the evidence says so."""
    unlinked = list(session.scalars(select(Report).where(Report.incident_id.is_(None)).order_by(Report.id)))
    summary = StoreLinkSummary(unlinked=len(unlinked))
    if not unlinked:
        return summary
    reports = unlinked + _anchors(session, unlinked)
    params = active_params(session)
    result = link_records([report_record(r) for r in reports], params=params, retrain=retrain)
    if retrain and len(reports) >= MIN_REPORTS_TO_TRAIN:
        save_params(session, result.params, actor=actor)
        summary.retrained = True
    members: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(result.labels.tolist()):
        members[label].append(index)
    evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for merge in result.explain_merges():
        label = int(result.labels[merge["left"]])
        merge["left"], merge["right"] = reports[merge["left"]].id, reports[merge["right"]].id
        evidence[label].append(merge)
    for label, indices in members.items():
        new = [reports[i] for i in indices if reports[i].incident_id is None]
        if not new:
            continue
        existing = Counter(reports[i].incident_id for i in indices if reports[i].incident_id is not None)
        probabilities = {str(reports[i].id): result.probability[i] for i in indices}
        if existing:
            incident = session.get_one(Incident, existing.most_common(1)[0][0])
            summary.attached[incident.code] = summary.attached.get(incident.code, 0) + len(new)
        else:
            incident = create_incident(session, data=incident_from_reports(new), created_by=actor)
            summary.incidents_created.append(incident.code)
        for report in new:
            report.incident_id = incident.id
        _log(
            session,
            kind="link",
            incident=incident,
            actor=actor,
            decided_by="engine",
            reason=f"{len(new)} report(s) grouped by the linkage engine",
            before={"reports": {str(r.id): None for r in new}, "created": not existing},
            evidence={"merges": evidence.get(label, []), "match_probability": probabilities},
        )
    session.flush()
    return summary


def incident_from_reports(reports: list[Report]) -> IncidentCreate:
    """A new incident's consolidated facts: widest date span, most precise place, count ranges."""
    dated = [r for r in reports if r.date_start]
    located = sorted(
        (r for r in reports if r.latitude is not None and r.longitude is not None),
        key=lambda r: LOCATION_UNCERTAINTY_KM[r.location_precision],
    )
    names = [r.place_name for r in reports if r.place_name]
    latin = [n for n in names if not has_arabic(n)] or names
    place = Counter(latin).most_common(1)[0][0] if latin else None
    day = min((r.date_start for r in dated if r.date_start), default=None)
    killed = [r.killed_min for r in reports if r.killed_min is not None]
    killed_high = [
        r.killed_max if r.killed_max is not None else r.killed_min
        for r in reports
        if r.killed_min is not None
    ]
    injured = [r.injured_min for r in reports if r.injured_min is not None]
    injured_high = [
        r.injured_max if r.injured_max is not None else r.injured_min
        for r in reports
        if r.injured_min is not None
    ]
    topics = sorted({Topic(t) for r in reports for t in r.topics}, key=list(Topic).index) or [Topic.POC]
    return IncidentCreate(
        title=f"{place or 'Unknown place'}, {day.isoformat() if day else 'undated'} "
        f"({len(reports)} report(s))",
        description=" / ".join(dict.fromkeys((r.translation or r.original_text)[:300] for r in reports))[
            :4000
        ],
        topics=topics,
        date_start=day,
        date_end=max((r.date_end or r.date_start for r in dated if r.date_start), default=None),
        date_precision=min(
            (r.date_precision for r in dated), key=list(DatePrecision).index, default=DatePrecision.UNKNOWN
        ),
        latitude=located[0].latitude if located else None,
        longitude=located[0].longitude if located else None,
        location_precision=located[0].location_precision if located else "unknown",
        place_name=place[:200] if place else None,
        place_names=[
            PlaceName(name=n[:200], lang="ar" if has_arabic(n) else None) for n in dict.fromkeys(names)
        ],
        admin1=Counter(r.admin1 for r in reports if r.admin1).most_common(1)[0][0]
        if any(r.admin1 for r in reports)
        else None,
        country_iso3=Counter(r.country_iso3 for r in reports if r.country_iso3).most_common(1)[0][0]
        if any(r.country_iso3 for r in reports)
        else None,
        killed_min=min(killed, default=None),
        killed_max=max(killed_high, default=None),
        injured_min=min(injured, default=None),
        injured_max=max(injured_high, default=None),
        sensitivity=Sensitivity.RESTRICTED
        if any(r.sensitivity == Sensitivity.RESTRICTED for r in reports)
        else Sensitivity.NORMAL,
    )


def _log(session: Session, *, kind: str, incident: Incident, actor: str, **values: Any) -> LinkageDecision:
    decision = LinkageDecision(
        kind=kind, incident_id=incident.id, incident_code=incident.code, actor=actor, **values
    )
    session.add(decision)
    session.flush()
    return decision


def merge_incidents(
    session: Session, *, keep: str, merge: list[str], actor: str, reason: str = ""
) -> LinkageDecision:
    """Fold the incidents ``merge`` into ``keep``: their reports and casualty records move.

    A merged incident is never deleted (it may have a history, assessments, partners who
    know its code): it stays, empty, marked ``merged_into`` the kept one, and both
    incidents' histories say who merged them and why. :func:`undo` moves everything back.
    """
    target = get_incident(session, code=keep)
    others = [get_incident(session, code=code) for code in merge]
    if any(o.id == target.id for o in others) or len({o.id for o in others}) != len(others):
        raise ValidationError("an incident cannot be merged into itself")
    if merged := [o.code for o in others if o.details.get("merged_into")]:
        raise ValidationError(f"{', '.join(merged)} already merged into another incident")
    before: dict[str, Any] = {"previous_codes": list(target.previous_codes), "moved": {}}
    for other in others:
        moved = {
            "reports": _ids(session, Report, other.id),
            "counts": _ids(session, CasualtyCount, other.id),
            "casualties": _ids(session, Casualty, other.id),
        }
        before["moved"][other.code] = moved
        _move(session, moved, target.id)
        target.previous_codes = [*target.previous_codes, *other.previous_codes, other.code]
        other.details = {**other.details, "merged_into": target.code}
        record_event(
            session,
            incident=other,
            actor=actor,
            kind=EventKind.MARKED_DUPLICATE,
            summary=f"merged into {target.code}: {len(moved['reports'])} report(s) moved",
            reason=reason or None,
            data={"merged_into": target.code, **moved},
        )
    record_event(
        session,
        incident=target,
        actor=actor,
        kind=EventKind.REPORTS_LINKED,
        summary=f"{', '.join(merge)} merged into this incident",
        reason=reason or None,
        data={"merged": merge, "previous_codes": before["previous_codes"]},
    )
    session.flush()
    return _log(
        session,
        kind="merge",
        incident=target,
        actor=actor,
        reason=reason,
        before=before,
        evidence={"merged": merge},
    )


def _ids(
    session: Session, model: type[Report] | type[CasualtyCount] | type[Casualty], incident_id: int
) -> list[int]:
    return list(session.scalars(select(model.id).where(model.incident_id == incident_id)))


def _move(session: Session, moved: dict[str, list[int]], incident_id: int) -> None:
    models: tuple[tuple[Any, str], ...] = (
        (Report, "reports"),
        (CasualtyCount, "counts"),
        (Casualty, "casualties"),
    )
    for model, key in models:
        for row in session.scalars(select(model).where(model.id.in_(moved[key]))):
            row.incident_id = incident_id


def split_incident(
    session: Session, *, code: str, report_ids: list[int], actor: str, reason: str = ""
) -> LinkageDecision:
    """Move ``report_ids`` out of incident ``code`` into a new incident of their own."""
    source = get_incident(session, code=code)
    reports = list(session.scalars(select(Report).where(Report.id.in_(report_ids))))
    if {r.id for r in reports} != set(report_ids) or any(r.incident_id != source.id for r in reports):
        raise ValidationError(f"every report to split off must belong to {code}")
    if len(reports) == session.query(Report).filter(Report.incident_id == source.id).count():
        raise ValidationError("splitting off every report would leave the incident empty")
    data = incident_from_reports(reports).model_copy(update={"topics": source.topics or [Topic.POC]})
    new = create_incident(session, data=data, created_by=actor)
    new.details = {**new.details, "split_from": source.code}
    for report in reports:
        report.incident_id = new.id
    session.flush()
    return _log(
        session,
        kind="split",
        incident=new,
        actor=actor,
        reason=reason,
        before={"from": source.code, "reports": {str(r.id): source.id for r in reports}},
    )


def undo(session: Session, *, decision_id: int, actor: str) -> LinkageDecision:
    """Put back what a link, merge or split changed; the undo is itself logged."""
    decision = session.get(LinkageDecision, decision_id)
    if decision is None:
        raise NotFoundError(f"no linkage decision {decision_id}")
    if decision.undone_at is not None:
        raise ValidationError(f"decision {decision_id} was already undone by {decision.undone_by}")
    if decision.kind in ("link", "split"):
        for report_id, incident_id in decision.before["reports"].items():
            report = session.get_one(Report, int(report_id))
            report.incident_id = incident_id
        session.flush()
        if decision.kind == "split" or not session.scalar(
            select(Report.id).where(Report.incident_id == decision.incident_id).limit(1)
        ):
            _drop_if_empty(session, decision.incident_id, created_by_decision=decision)
    elif decision.kind == "merge":
        _undo_merge(session, decision, actor=actor)
    else:
        raise ValidationError(f"a {decision.kind} decision cannot be undone")
    decision.undone_at, decision.undone_by = utcnow(), actor
    incident = session.get(Incident, decision.incident_id) if decision.incident_id else None
    log = LinkageDecision(
        kind="undo",
        incident_id=incident.id if incident else None,
        incident_code=decision.incident_code,
        actor=actor,
        reason=f"undo of decision {decision.id} ({decision.kind})",
        before={},
        evidence={"undoes": decision.id},
    )
    session.add(log)
    session.flush()
    return log


def _drop_if_empty(
    session: Session, incident_id: int | None, *, created_by_decision: LinkageDecision
) -> None:
    incident = session.get(Incident, incident_id) if incident_id else None
    if incident is None or session.scalar(
        select(Report.id).where(Report.incident_id == incident.id).limit(1)
    ):
        return
    # Only an incident the undone decision created is removed; one that existed before stays.
    created = created_by_decision.kind == "split" or bool(created_by_decision.before.get("created"))
    has_history = session.scalar(
        select(IncidentEvent.id).where(IncidentEvent.incident_id == incident.id).limit(1)
    )
    if (
        created
        and not has_history
        and not session.scalar(select(Casualty.id).where(Casualty.incident_id == incident.id).limit(1))
    ):
        for other in session.scalars(
            select(LinkageDecision).where(LinkageDecision.incident_id == incident.id)
        ):
            other.incident_id = None
        session.delete(incident)
        session.flush()


def _undo_merge(session: Session, decision: LinkageDecision, *, actor: str) -> None:
    target = session.get_one(Incident, decision.incident_id)
    if "retired" in decision.before:  # merges logged before incidents were kept
        raise ValidationError(f"decision {decision.id} deleted the merged incidents and cannot be undone")
    for code, moved in decision.before["moved"].items():
        other = get_incident(session, code=code)
        _move(session, moved, other.id)
        other.details = {k: v for k, v in other.details.items() if k != "merged_into"}
        record_event(
            session,
            incident=other,
            actor=actor,
            kind=EventKind.INCIDENT_EDITED,
            summary=f"merge into {target.code} undone: {len(moved['reports'])} report(s) back",
            data={"undoes_decision": decision.id},
        )
    target.previous_codes = list(decision.before["previous_codes"])
    record_event(
        session,
        incident=target,
        actor=actor,
        kind=EventKind.INCIDENT_EDITED,
        summary=f"merge of {', '.join(decision.before['moved'])} undone",
        data={"undoes_decision": decision.id},
    )
    session.flush()
