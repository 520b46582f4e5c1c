"""Write the demo scenario into a store through the ordinary services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civharm.areas.demo import load_areas_demo
from civharm.assessments.demo import load_lifecycle_demo
from civharm.casualties.schemas import CasualtyCountCreate, CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty, add_count
from civharm.demo.scenario import DemoIncident, build_scenario
from civharm.exchange.demo import load_exchange_demo
from civharm.incidents.schemas import IncidentCreate, PlaceName
from civharm.incidents.service import create_incident
from civharm.lessons.demo import load_lessons_demo
from civharm.linkage.demo import load_linkage_demo
from civharm.precision import DatePrecision, LocationPrecision
from civharm.reports.models import Report
from civharm.reports.schemas import ReportCreate
from civharm.reports.service import create_report
from civharm.security.demo import load_security_demo
from civharm.sites.demo import load_sites_demo
from civharm.vocabulary import Outcome, PersonStatus, Sensitivity, Topic
from civharm.web.demo import load_web_demo

DEMO_SOURCE_SYSTEM = "demo"


@dataclass
class DemoSummary:
    incidents: int
    reports: int
    unlinked_reports: int
    casualties: int
    already_loaded: bool = False


def demo_loaded(session: Session) -> bool:
    query = select(func.count(Report.id)).where(Report.source_system == DEMO_SOURCE_SYSTEM)
    return bool(session.scalar(query))


def load_demo(session: Session, *, seed: int = 7, incidents: int = 150) -> DemoSummary:
    """Load the demo scenario once; a second call changes nothing and says so."""
    if demo_loaded(session):
        return DemoSummary(0, 0, 0, 0, already_loaded=True)
    summary = DemoSummary(0, 0, 0, 0)
    for index, demo in enumerate(build_scenario(seed=seed, incidents=incidents)):
        _load_incident(session, index, demo, summary)
    load_lifecycle_demo(session, seed=seed)
    load_sites_demo(session)
    load_areas_demo(session, seed=seed)
    load_security_demo(session)
    load_linkage_demo(session, seed=seed)
    load_lessons_demo(session)
    load_exchange_demo(session)
    load_web_demo(session)
    return summary


def _load_incident(session: Session, index: int, demo: DemoIncident, summary: DemoSummary) -> None:
    survivors = Topic.CRSV in demo.topics or Topic.THB in demo.topics
    place_names = [PlaceName(name=demo.place.name, lang="en")]
    if demo.place.arabic:
        place_names.append(PlaceName(name=demo.place.arabic, lang="ar"))
    report_ids = []
    for number, r in enumerate(demo.reports):
        report = create_report(
            session,
            data=ReportCreate(
                source_type=r.source_type,
                source_name=r.source_name,
                source_system=DEMO_SOURCE_SYSTEM,
                source_key=f"demo-{index:04d}-{number}",
                original_text=r.text,
                language=r.language,
                material_date=r.date_reported,
                date_start=r.date_reported,
                date_end=r.date_reported,
                date_precision=r.date_precision,
                latitude=r.latitude,
                longitude=r.longitude,
                location_precision=r.location_precision,
                place_name=r.place_name,
                admin1=demo.place.admin1,
                country_iso3=demo.place.country_iso3,
                killed_min=r.killed[0] if r.killed else None,
                killed_max=r.killed[1] if r.killed else None,
                injured_min=r.injured[0] if r.injured else None,
                injured_max=r.injured[1] if r.injured else None,
                cause=demo.cause,
                reliability=r.reliability,
                topics=demo.topics,
                sensitivity=Sensitivity.RESTRICTED if survivors else Sensitivity.NORMAL,
            ),
            submitted_by="demo",
        )
        summary.reports += 1
        if r.linked:
            report_ids.append(report.id)
        else:
            summary.unlinked_reports += 1
    if not report_ids:
        return  # the event is still only a set of reports awaiting triage
    incident = create_incident(
        session,
        data=IncidentCreate(
            title=demo.title,
            description=demo.description,
            topics=demo.topics,
            date_start=demo.day,
            date_end=demo.day,
            date_precision=DatePrecision.DAY,
            latitude=demo.place.latitude,
            longitude=demo.place.longitude,
            location_precision=LocationPrecision.SETTLEMENT,
            place_name=demo.place.name,
            place_names=place_names,
            admin1=demo.place.admin1,
            country_iso3=demo.place.country_iso3,
            harm_types=demo.harm_types,
            cause=demo.cause,
            killed_min=demo.killed[0],
            killed_max=demo.killed[1],
            injured_min=demo.injured[0],
            injured_max=demo.injured[1],
            sensitivity=Sensitivity.RESTRICTED if survivors else Sensitivity.NORMAL,
        ),
        created_by="demo",
        report_ids=report_ids,
    )
    incident.status, incident.grading, incident.determination = demo.status, demo.grading, demo.determination
    incident.details = dict(demo.details)
    summary.incidents += 1
    for outcome, (low, high) in ((Outcome.KILLED, demo.killed), (Outcome.INJURED, demo.injured)):
        if high > 0:
            count = CasualtyCountCreate(
                outcome=outcome, status=PersonStatus.CIVILIAN, count_min=low, count_max=high
            )
            add_count(session, data=count, incident=incident)
    for person in demo.casualties:
        add_casualty(
            session,
            incident=incident,
            data=CasualtyCreate(
                names=[PersonName(name=n["name"], script=n["script"]) for n in person.names],
                sex=person.sex,
                age=person.age,
                age_group=person.age_group,
                status=person.status,
                outcome=person.outcome,
                family_group=person.family_group,
                date_of_harm=demo.day,
                place=demo.place.name,
            ),
        )
        summary.casualties += 1
