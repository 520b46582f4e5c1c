"""Records received from another civharm instance (a JSON package or civharm's HXL), written once.

Every record is validated before anything is written, and everything is written in one
transaction, so a refused file leaves the store as it was. Each record is remembered by
where it came from (the sender's store id and its own reference), so receiving the same
records again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pydantic
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from civharm.casualties.schemas import CasualtyCountCreate, CasualtyCreate
from civharm.casualties.service import add_casualty, add_count
from civharm.db.engine import session_factory
from civharm.errors import InputFileError, RowError
from civharm.exchange.models import RecordOrigin
from civharm.exchange.view import store_origin
from civharm.incidents.models import Incident
from civharm.incidents.schemas import IncidentCreate
from civharm.incidents.service import create_incident
from civharm.reports.models import Report
from civharm.reports.schemas import ReportCreate
from civharm.reports.service import create_report
from civharm.security.audit import checkpoint
from civharm.vocabulary import Grading, IncidentStatus

#: Reports received from another instance are keyed ``<sender store id>:<sender's report id>``.
RECEIVED_SYSTEM = "civharm"
WITHHELD = "(withheld by the sender)"

KINDS = ("incidents", "reports", "casualties", "counts")

#: A record and where it sits in its file (its row, or its position in a list), for messages.
Located = tuple[int, dict[str, Any]]


@dataclass
class Received:
    """Records as another instance sent them (projected dicts, JSON values)."""

    file: str
    origin: str
    incidents: list[Located] = field(default_factory=list)
    reports: list[Located] = field(default_factory=list)
    casualties: list[Located] = field(default_factory=list)
    counts: list[Located] = field(default_factory=list)
    gradings: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReceiveResult:
    file: str
    origin: str
    inserted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "origin": self.origin,
            "inserted": self.inserted,
            "unchanged": self.unchanged,
        }


@dataclass
class _Checked:
    incidents: list[tuple[dict[str, Any], IncidentCreate]] = field(default_factory=list)
    reports: list[tuple[dict[str, Any], ReportCreate]] = field(default_factory=list)
    casualties: list[tuple[dict[str, Any], CasualtyCreate]] = field(default_factory=list)
    counts: list[tuple[dict[str, Any], CasualtyCountCreate]] = field(default_factory=list)


def _incident_data(values: dict[str, Any]) -> dict[str, Any]:
    keep = set(IncidentCreate.model_fields) - {"releasable_to"}
    return {k: v for k, v in values.items() if k in keep and v is not None}


def _report_data(values: dict[str, Any], origin: str) -> dict[str, Any]:
    keep = set(ReportCreate.model_fields) - {"releasable_to", "source_system", "source_key", "raw_record"}
    data = {k: v for k, v in values.items() if k in keep and v is not None}
    data.setdefault("source_name", WITHHELD)  # withheld from restricted reports by the sender's policy
    data.update(source_system=RECEIVED_SYSTEM, source_key=f"{origin}:{values.get('id')}", raw_record=values)
    return data


def _validate(received: Received) -> _Checked:
    checked, errors = _Checked(), []
    plan: list[tuple[str, list[Located], Any, Any]] = [
        ("incidents", received.incidents, IncidentCreate, _incident_data),
        ("reports", received.reports, ReportCreate, lambda v: _report_data(v, received.origin)),
        ("casualties", received.casualties, CasualtyCreate, lambda v: _keep(v, CasualtyCreate, {"names"})),
        ("counts", received.counts, CasualtyCountCreate, lambda v: _keep(v, CasualtyCountCreate, set())),
    ]
    for kind, records, model, prepare in plan:
        target: list[tuple[dict[str, Any], Any]] = getattr(checked, kind)
        for row, values in records:
            try:
                target.append((values, model.model_validate(prepare(values))))
            except pydantic.ValidationError as exc:
                errors.extend(_row_errors(received.file, row, kind, exc))
            if kind == "incidents" and not values.get("code"):
                errors.append(RowError(received.file, row, f"{kind}.code", "is required but empty"))
    if errors:
        raise InputFileError(received.file, errors[:200], truncated=max(0, len(errors) - 200))
    return checked


def _keep(values: dict[str, Any], model: type[pydantic.BaseModel], drop: set[str]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in model.model_fields and k not in drop and v is not None}


def _row_errors(file: str, row: int, kind: str, exc: pydantic.ValidationError) -> list[RowError]:
    found = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ())) or "record"
        value = error.get("input")
        shown = value if isinstance(value, str) else None
        found.append(
            RowError(file, row, f"{kind}.{where}", str(error["msg"]).removeprefix("Value error, "), shown)
        )
    return found


def receive(engine: Engine, received: Received, *, actor: str) -> ReceiveResult:
    """Write ``received`` into the store; records already received from that sender are left alone."""
    checked = _validate(received)
    with session_factory(engine).begin() as session:
        session.info["civharm_actor"] = actor
        if received.origin == store_origin(session):
            raise InputFileError(
                received.file, [RowError(received.file, 0, "origin", "was exported from this very store")]
            )
        result = _Writer(session, received).write(checked)
    checkpoint(engine)
    return result


class _Writer:
    def __init__(self, session: Session, received: Received) -> None:
        self.session = session
        self.received = received
        self.origin = received.origin
        self.result = ReceiveResult(received.file, received.origin)
        self.incidents: dict[str, Incident] = {}
        self.new_incidents: set[str] = set()
        self.reports: dict[str, Report] = {}
        self.new_reports: set[str] = set()
        # What this sender sent before, read once rather than one query per record.
        query = select(RecordOrigin.kind, RecordOrigin.ref, RecordOrigin.local_id).where(
            RecordOrigin.origin == self.origin
        )
        self.known = {(kind, ref): local_id for kind, ref, local_id in session.execute(query)}
        stored = select(Report).where(
            Report.source_system == RECEIVED_SYSTEM, Report.source_key.startswith(f"{self.origin}:")
        )
        self.stored_reports = {r.source_key: r for r in session.scalars(stored)}

    def _known(self, kind: str, ref: str) -> int | None:
        return self.known.get((kind, ref))

    def _remember(self, kind: str, ref: str, local_id: int) -> None:
        self.session.add(RecordOrigin(origin=self.origin, kind=kind, ref=ref, local_id=local_id))
        self.known[(kind, ref)] = local_id

    def write(self, checked: _Checked) -> ReceiveResult:
        for values, incident_data in checked.incidents:
            self._incident(values, incident_data)
        for values, report_data in checked.reports:
            self._report(values, report_data)
        for values, casualty_data in checked.casualties:
            self._casualty(values, casualty_data)
        for values, count_data in checked.counts:
            self._count(values, count_data)
        self._assessments()
        self.session.flush()
        return self.result

    def _incident(self, values: dict[str, Any], data: IncidentCreate) -> None:
        code = str(values["code"])
        local_id = self._known("incident", code)
        if local_id is not None:
            self.incidents[code] = self.session.get_one(Incident, local_id)
            self.result.unchanged["incidents"] += 1
            return
        incident = create_incident(self.session, data=data, created_by=f"received:{self.origin}"[:120])
        if values.get("status"):
            incident.status = IncidentStatus(values["status"])
        if values.get("grading"):
            incident.grading = Grading(values["grading"])
        incident.details = {"received": {"origin": self.origin, "code": code}}
        self._remember("incident", code, incident.id)
        self.incidents[code] = incident
        self.new_incidents.add(code)
        self.result.inserted["incidents"] += 1

    def _report(self, values: dict[str, Any], data: ReportCreate) -> None:
        ref = str(values.get("id"))
        existing = self.stored_reports.get(data.source_key or "")
        if existing is not None:
            self.reports[ref] = existing
            self.result.unchanged["reports"] += 1
            return
        report = create_report(self.session, data=data, submitted_by=f"received:{self.origin}"[:120])
        self.stored_reports[report.source_key] = report
        parent = self.incidents.get(str(values.get("incident_code")))
        if parent is not None:
            report.incident_id = parent.id
        self.reports[ref] = report
        self.new_reports.add(ref)
        self.result.inserted["reports"] += 1

    def _casualty(self, values: dict[str, Any], data: CasualtyCreate) -> None:
        pseudonym = str(values.get("pseudonym"))
        incident = self.incidents.get(str(values.get("incident_code")))
        if incident is None or self._known("casualty", pseudonym) is not None:
            self.result.unchanged["casualties"] += 1
            return
        sources = [self.reports[str(r)] for r in values.get("sources") or [] if str(r) in self.reports]
        casualty = add_casualty(self.session, incident=incident, data=data, source_reports=sources)
        self._remember("casualty", pseudonym, casualty.id)
        self.result.inserted["casualties"] += 1

    def _count(self, values: dict[str, Any], data: CasualtyCountCreate) -> None:
        # Counts have no identity of their own: they come with their owner, the first time only.
        code, report_ref = values.get("incident_code"), values.get("report_id")
        if report_ref is not None and str(report_ref) in self.new_reports:
            add_count(self.session, data=data, report=self.reports[str(report_ref)])
        elif report_ref is None and code is not None and str(code) in self.new_incidents:
            add_count(self.session, data=data, incident=self.incidents[str(code)])
        else:
            self.result.unchanged["counts"] += 1
            return
        self.result.inserted["counts"] += 1

    def _assessments(self) -> None:
        """The sender's gradings and responses are kept with the incident as received context."""
        for key in ("gradings", "responses"):
            for values in getattr(self.received, key):
                code = str(values.get("incident_code"))
                if code in self.new_incidents:
                    incident = self.incidents[code]
                    received = dict(incident.details.get("received", {}))
                    received[key] = [*received.get(key, []), values]
                    incident.details = {**incident.details, "received": received}
