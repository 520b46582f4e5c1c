"""schemathesis, from the OpenAPI document, throws generated requests at every operation: no 5xx.

Bounded: a fixed number of examples per operation, no example database, SQLite only.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civharm.config import Settings
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.security.principal import Principal, Role
from civharm.web.app import create_app
from civharm.web.deps import get_principal
from tests.factories import make_incident, make_report

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402

#: Raise with CIVHARM_FUZZ_EXAMPLES=500 for a longer hunt; the suite keeps it short.
EXAMPLES_PER_OPERATION = int(os.environ.get("CIVHARM_FUZZ_EXAMPLES", "25"))


def _fuzz(strategy: st.SearchStrategy[Any]) -> Callable[[], None]:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def exercise(data: st.DataObject) -> None:
        case = data.draw(strategy)
        case.call_and_validate(checks=[not_a_server_error])

    return exercise


def test_generated_requests_never_get_a_server_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fuzz.sqlite3'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    with session_factory(engine).begin() as session:
        incident = make_incident(session)
        make_report(session).incident_id = incident.id
    app = create_app(Settings(data_dir=tmp_path, database_url=url), engine=engine)
    app.dependency_overrides[get_principal] = lambda: Principal(username="fuzz", role=Role.ADMIN)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9

    for operation in operations:
        _fuzz(operation.as_strategy())()
    engine.dispose()
