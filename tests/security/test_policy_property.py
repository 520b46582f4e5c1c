"""Whatever the records and their markings, a partner never receives a restricted or internal field."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from civharm.casualties.models import Casualty
from civharm.incidents.models import Incident
from civharm.reports.models import Report
from civharm.security.policy import (
    CASUALTY_PERSONAL,
    CASUALTY_SHARED,
    INCIDENT_RESTRICTED,
    INCIDENT_SHARED,
    REPORT_RESTRICTED,
    REPORT_SHARED,
    Access,
    may_see_casualty_records,
    may_see_incident,
    may_see_report,
    project_casualty,
    project_incident,
    project_report,
)
from civharm.security.principal import Principal, Role
from civharm.vocabulary import Outcome, Sensitivity, SourceType

ORGS = ["Protection Cluster", "Shelter Network", "Health Cluster"]
EXTRA = {"withheld", "display_name"}

organisations = st.lists(st.sampled_from(ORGS), unique=True, max_size=3)
sensitivities = st.sampled_from(list(Sensitivity))


def _marker(kind: str, name: str) -> str:
    return f"<{kind}:{name}>"


@st.composite
def incidents(draw: st.DrawFn) -> Incident:
    incident = Incident(
        id=draw(st.integers(1, 5)),
        code="CH-2026-000001",
        title="Shelling near the bakery",
        description=_marker("restricted", "description"),
        latitude=draw(st.floats(-90, 90)),
        longitude=draw(st.floats(-180, 180)),
        sensitivity=draw(sensitivities),
        releasable_to=draw(organisations),
        details={"own_force": _marker("internal", "details")},
        created_by=_marker("internal", "created_by"),
    )
    return incident


@st.composite
def reports(draw: st.DrawFn, incident: Incident) -> Report:
    return Report(
        id=draw(st.integers(1, 50)),
        source_type=draw(st.sampled_from(list(SourceType))),
        source_name=_marker("restricted", "source_name"),
        source_system="intake",
        source_key=_marker("internal", "source_key"),
        original_text=_marker("restricted", "original_text"),
        translation=_marker("restricted", "translation"),
        url=_marker("restricted", "url"),
        archive_ref=_marker("restricted", "archive_ref"),
        raw_record={"caller": _marker("internal", "raw_record")},
        submitted_by=_marker("internal", "submitted_by"),
        sensitivity=draw(sensitivities),
        releasable_to=draw(organisations),
        incident_id=incident.id if draw(st.booleans()) else None,
        incident=incident,
    )


def _casualty(incident: Incident, restricted: bool) -> Casualty:
    return Casualty(
        id=7,
        incident_id=incident.id,
        incident=incident,
        pseudonym="CH-2026-000001-P01",
        names=[{"name": _marker("personal", "names")}],
        family_group=_marker("personal", "family_group"),
        notes=_marker("personal", "notes"),
        consent={"by": _marker("personal", "consent")},
        age=41,
        place=_marker("internal", "place"),
        outcome=Outcome.KILLED,
        restricted=restricted,
    )


def _leaks(projected: dict[str, Any], allowed_restricted: bool) -> list[str]:
    text = json.dumps(projected, ensure_ascii=False)
    kinds = ["internal", "personal"] + ([] if allowed_restricted else ["restricted"])
    return [kind for kind in kinds if f"<{kind}:" in text]


@settings(max_examples=150, deadline=None)
@given(
    incident=incidents(),
    data=st.data(),
    organisation=st.sampled_from(ORGS),
    granted=st.booleans(),
    casualty_restricted=st.booleans(),
)
def test_a_partner_never_receives_a_restricted_field(
    incident: Incident, data: st.DataObject, organisation: str, granted: bool, casualty_restricted: bool
) -> None:
    partner = Principal("paul", Role.PARTNER, organisation=organisation)
    access = Access(partner, readable=frozenset({incident.id}) if granted else frozenset())
    restricted = incident.sensitivity is Sensitivity.RESTRICTED

    if may_see_incident(access, incident):
        shown = project_incident(access, incident)
        assert set(shown) <= INCIDENT_SHARED | EXTRA
        assert not (restricted and set(shown) & INCIDENT_RESTRICTED)
        assert _leaks(shown, allowed_restricted=not restricted) == []
    else:
        assert organisation not in incident.releasable_to and not granted

    report = data.draw(reports(incident))
    if may_see_report(access, report):
        assert report.source_type is not SourceType.OWN_FORCE
        shown = project_report(access, report)
        report_restricted = report.sensitivity is Sensitivity.RESTRICTED
        assert set(shown) <= REPORT_SHARED | EXTRA
        assert not (report_restricted and set(shown) & REPORT_RESTRICTED)
        assert _leaks(shown, allowed_restricted=not report_restricted) == []
        if shown["incident_code"] is not None:
            assert may_see_incident(access, incident)

    casualty = _casualty(incident, casualty_restricted)
    if may_see_casualty_records(access, incident):
        assert not restricted
        shown = project_casualty(access, casualty)
        assert set(shown) <= CASUALTY_SHARED | EXTRA
        assert not set(shown) & CASUALTY_PERSONAL
        assert shown["display_name"] == casualty.pseudonym
        assert _leaks(shown, allowed_restricted=False) == []
