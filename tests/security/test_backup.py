"""Backup and restore round-trip the whole store exactly, across backends, audit chain included."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from civharm.casualties.models import Casualty
from civharm.db.base import Base
from civharm.db.engine import create_db_engine, session_factory
from civharm.db.schema import upgrade_schema
from civharm.errors import ConflictError, InputFileError
from civharm.security.audit import acting_as
from civharm.security.auth import create_token
from civharm.security.backup import backup, restore
from civharm.security.canonical import canonical_json, raw_table
from civharm.security.grants import grant
from civharm.security.models import GrantLevel
from civharm.security.policy import visible_incident
from civharm.security.principal import SYSTEM, Role
from civharm.security.users import create_user
from civharm.security.verify import verify
from tests.security.matrix import SECRET, build_records


def _fill(engine: Engine) -> None:
    sessions = session_factory(engine)
    with acting_as("amal"), sessions.begin() as session:
        records = build_records(session)
        create_user(session, username="paul", role=Role.PARTNER, organisation="Shelter Network", actor="ada")
        create_token(session, username="paul", label="sync")
        incident = visible_incident(session, SYSTEM, records["own"].incident_code)
        grant(session, incident=incident, level=GrantLevel.READ, username="paul", granted_by=SYSTEM)


def _snapshot(engine: Engine) -> dict[str, list[bytes]]:
    """Every row of every table, as stored (ciphertext included), in a backend-neutral form."""
    with engine.connect() as connection:
        return {
            table.name: sorted(
                canonical_json(dict(row)) for row in connection.execute(select(raw_table(table))).mappings()
            )
            for table in Base.metadata.sorted_tables
        }


def _store(new_database: Callable[[str], str], backend: str) -> Engine:
    engine = create_db_engine(new_database(backend))
    upgrade_schema(engine)
    return engine


@pytest.mark.parametrize(
    ("source", "target"),
    [("sqlite", "sqlite"), ("postgresql", "postgresql"), ("sqlite", "postgresql"), ("postgresql", "sqlite")],
)
def test_a_backup_restores_exactly(
    source: str, target: str, new_database: Callable[[str], str], tmp_path: Path
) -> None:
    original, copy = _store(new_database, source), _store(new_database, target)
    try:
        _fill(original)
        file = tmp_path / "store.backup.gz"
        made = backup(original, file)
        assert made.rows["audit_log"] > 10 and made.rows["casualties"] == 4
        content = gzip.decompress(file.read_bytes())
        for personal in (f"{SECRET} Haddad", f"{SECRET} family", "asked for a referral"):
            assert personal.encode() not in content  # personal fields stay ciphertext
        restored = restore(copy, file)
        assert restored.rows == made.rows
        assert _snapshot(copy) == _snapshot(original)
        with copy.connect() as connection:
            assert verify(connection).problems == []
        with session_factory(copy)() as session:
            assert all(SECRET in c.names[0]["name"] for c in session.scalars(select(Casualty)))
        with session_factory(copy).begin() as session:  # the restored store keeps working
            create_user(session, username="new-user", role=Role.ANALYST, actor="ada")
        with copy.connect() as connection:
            assert verify(connection).problems == []
    finally:
        original.dispose()
        copy.dispose()


def test_a_damaged_backup_or_a_full_store_restores_nothing(
    engine: Engine, sessions: sessionmaker[Session], new_database: Callable[[str], str], tmp_path: Path
) -> None:
    _fill(engine)
    file = tmp_path / "store.backup.gz"
    backup(engine, file)
    with pytest.raises(ConflictError, match="target store is not empty"):
        restore(engine, file)
    lines = gzip.decompress(file.read_bytes()).splitlines(keepends=True)
    damaged: dict[str, Any] = {
        "truncated": b"".join(lines[:-3]),
        "altered": b"".join(lines).replace(b"Matrix incident own", b"Matrix incident 0wn"),
    }
    for name, content in damaged.items():
        broken = tmp_path / f"{name}.backup.gz"
        broken.write_bytes(gzip.compress(content))
        empty = _store(new_database, engine.dialect.name)
        try:
            with pytest.raises(InputFileError, match="truncated" if name == "truncated" else "checksum"):
                restore(empty, broken)
            with empty.connect() as connection:
                assert connection.execute(select(Casualty.id)).first() is None
        finally:
            empty.dispose()
