"""An export to a partner never holds a restricted field or an incident not released to that partner,
in any format, whatever the records and markings (a property test over random stores)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from civharm.casualties.schemas import CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty
from civharm.exchange.release import export
from civharm.exchange.writers import FORMATS
from civharm.security.grants import grant
from civharm.security.models import GrantLevel
from civharm.security.principal import SYSTEM
from civharm.vocabulary import Outcome, Sensitivity, SourceType, Topic
from tests.factories import make_incident, make_report

PARTNER, OTHER = "Partner A", "Partner B"


@dataclass(frozen=True)
class Plan:
    restricted: bool
    released_to: tuple[str, ...]
    granted: bool
    report_restricted: bool
    report_own_force: bool
    report_released: bool
    casualty_restricted: bool


plans = st.builds(
    Plan,
    restricted=st.booleans(),
    released_to=st.lists(st.sampled_from([PARTNER, OTHER]), unique=True, max_size=2).map(tuple),
    granted=st.booleans(),
    report_restricted=st.booleans(),
    report_own_force=st.booleans(),
    report_released=st.booleans(),
    casualty_restricted=st.booleans(),
)


def _content(path: Path) -> str:
    if path.suffix == ".xlsx":
        book = load_workbook(path, read_only=True)
        return "\n".join(
            str(v)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    return path.read_text(encoding="utf-8")


def _store(session: Session, plan: list[Plan]) -> tuple[list[str], list[str]]:
    """Writes the planned records; returns (values the partner must never get, values it must get)."""
    never: list[str] = []
    shown: list[str] = []
    for n, p in enumerate(plan):
        visible = PARTNER in p.released_to or p.granted
        incident = make_incident(
            session,
            title=f"TITLE{n}X",
            description=f"DESC{n}X",
            latitude=float(f"{10 + n}.123457"),
            longitude=float(f"{20 + n}.654321"),
            topics=[Topic.CRSV if p.restricted else Topic.POC],
            sensitivity=Sensitivity.RESTRICTED if p.restricted else Sensitivity.NORMAL,
            releasable_to=list(p.released_to),
        )
        if p.granted:
            grant(session, incident=incident, level=GrantLevel.READ, organisation=PARTNER, granted_by=SYSTEM)
        report = make_report(
            session,
            source_type=SourceType.OWN_FORCE if p.report_own_force else SourceType.MEDIA,
            source_name=f"SOURCE{n}X",
            original_text=f"TEXT{n}X",
            sensitivity=Sensitivity.RESTRICTED if p.report_restricted else Sensitivity.NORMAL,
            releasable_to=[PARTNER] if p.report_released else [],
        )
        report.incident_id = incident.id
        add_casualty(
            session,
            incident=incident,
            data=CasualtyCreate(
                names=[PersonName(name=f"NAME{n}X")],
                notes=f"NOTE{n}X",
                family_group=f"FAM{n}X",
                outcome=Outcome.INJURED,
                restricted=p.casualty_restricted,
            ),
        )
        never += [f"NAME{n}X", f"NOTE{n}X", f"FAM{n}X"]
        (shown if visible else never).append(f"TITLE{n}X")
        if not visible or p.restricted:
            never += [f"DESC{n}X", f"{10 + n}.123457", f"{20 + n}.654321"]
        if not visible or p.report_own_force or p.report_restricted:
            never.append(f"TEXT{n}X")
        if not visible or p.report_own_force:
            never.append(f"SOURCE{n}X")
    session.flush()
    return never, shown


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(plans, min_size=1, max_size=4))
def test_no_format_carries_what_the_partner_may_not_see(
    sessions: sessionmaker[Session], tmp_path: Path, plan: list[Plan]
) -> None:
    with sessions() as session:
        never, shown = _store(session, plan)
        for fmt in FORMATS:
            output = tmp_path / f"export.{fmt}"
            export(session, fmt=fmt, organisation=PARTNER, output=output, actor=SYSTEM)
            content = _content(output)
            leaked = [value for value in never if value in content]
            assert not leaked, f"{fmt} export holds {leaked}"
            if fmt in ("package", "hxl", "csv", "xlsx", "geojson"):
                assert all(value in content for value in shown), fmt
        session.rollback()
