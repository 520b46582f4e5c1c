"""Text search in the incident list: substrings in any case, any script, on both backends."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from civharm.db.schema import refresh_statistics
from civharm.incidents import service
from civharm.incidents.schemas import PlaceName
from civharm.incidents.service import IncidentFilter, list_incidents, update_incident
from civharm.security.principal import SYSTEM, Principal, Role
from civharm.vocabulary import Sensitivity
from tests.factories import make_incident


def _found(session: Session, text: str) -> list[str]:
    rows, total = list_incidents(session, principal=SYSTEM, filters=IncidentFilter(text=text))
    assert total == len(rows)
    return sorted(row.title for row in rows)


def test_search_finds_substrings_in_titles_places_codes_and_other_scripts(session: Session) -> None:
    market = make_incident(session, title="Shelling of the MARKET", place_name="Al Mayadin")
    make_incident(
        session,
        title="Airstrike on homes",
        description="Residents of Hajin say a block collapsed.",
        place_name="Hajin",
        place_names=[PlaceName(name="هجين", lang="ar")],
    )
    session.flush()
    assert _found(session, "market") == ["Shelling of the MARKET"]
    assert _found(session, "arke") == ["Shelling of the MARKET"]  # part of a word
    assert _found(session, "block collapsed") == ["Airstrike on homes"]  # a phrase in the description
    assert _found(session, "هجين") == ["Airstrike on homes"]  # Arabic place name
    assert _found(session, market.code) == ["Shelling of the MARKET"]
    assert _found(session, "Al") == ["Shelling of the MARKET"]  # shorter than a trigram: still found
    assert _found(session, 'say "a') == []  # quotes are searched for, not interpreted
    assert _found(session, "nowhere at all") == []


def test_search_follows_changes(session: Session) -> None:
    incident = make_incident(session, title="Looting at the citadel")
    session.flush()
    update_incident(
        session,
        code=incident.code,
        expected_version=incident.version,
        changes={"title": "Fire at the museum"},
    )
    assert _found(session, "citadel") == []
    assert _found(session, "museum") == ["Fire at the museum"]
    session.delete(incident)
    session.flush()
    assert _found(session, "museum") == []


def test_a_lost_index_is_rebuilt_by_init(engine: Engine, session: Session) -> None:
    make_incident(session, title="Water station damaged")
    session.commit()
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:  # what rebuilding the table in a later migration would do
            connection.exec_driver_sql("DROP TRIGGER fts_incidents_insert")
            connection.exec_driver_sql("DROP TABLE fts_incidents")
    refresh_statistics(engine)  # `civharm init`
    make_incident(session, title="Water tower damaged")
    session.commit()
    assert _found(session, "damaged") == ["Water station damaged", "Water tower damaged"]


def test_a_common_word_finds_the_same_page_as_a_rare_one(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above COMMON_MATCHES hits SQLite is asked another way; the page and its order must not change."""
    for day in range(1, 13):
        make_incident(session, title=f"Shelling near the market, day {day}", date_start=date(2026, 3, day))
    # Its description is restricted: searched only for those cleared to read it.
    make_incident(
        session, title="Closed meeting", description="held at the market", sensitivity=Sensitivity.RESTRICTED
    )
    make_incident(session, title="Checkpoint closed")
    session.flush()
    analyst = Principal(username="a", role=Role.ANALYST, organisation="Cell")

    def page() -> tuple[list[str], int]:
        rows, total = list_incidents(
            session, principal=analyst, filters=IncidentFilter(text="market"), limit=5, offset=2
        )
        return [row.title for row in rows], total

    rare = page()
    monkeypatch.setattr(service, "COMMON_MATCHES", 3)
    on_sqlite = session.get_bind().dialect.name == "sqlite"
    assert service.common_text(session, IncidentFilter(text="market")) == on_sqlite
    assert page() == rare
    assert rare == ([f"Shelling near the market, day {day}" for day in (10, 9, 8, 7, 6)], 12)
