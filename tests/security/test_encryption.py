"""Personal fields are encrypted at rest with a key kept outside the database."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from civharm.casualties.models import Casualty
from civharm.casualties.schemas import CasualtyCreate, PersonName
from civharm.casualties.service import add_casualty
from civharm.errors import ConfigurationError
from civharm.security.consent import Consent, ConsentScope, consent_allows, record_consent
from civharm.security.encryption import encrypt_plaintext
from civharm.security.vault import Vault, add_key, attach_vault
from civharm.security.verify import verify
from civharm.vocabulary import Outcome, Topic
from tests.factories import make_incident

NAME, ARABIC = "Hala Saleh", "هالة صالح"


def _add_survivor(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        incident = make_incident(session, topics=[Topic.CRSV])
        person = add_casualty(
            session,
            incident=incident,
            data=CasualtyCreate(
                names=[PersonName(name=NAME, script="Latn"), PersonName(name=ARABIC, script="Arab")],
                family_group="Saleh family, Al Mayadin",
                notes="Met at the clinic on 3 March",
                consent={"given": True, "scope": ["record"]},
                outcome=Outcome.INJURED,
            ),
        )
        return person.id


def _raw_database_text(engine: Engine, db_url: str) -> str:
    if engine.dialect.name == "sqlite":
        folder = Path(db_url.removeprefix("sqlite:///")).parent
        engine.dispose()  # let WAL content reach the files we read
        return "".join(p.read_bytes().decode("utf-8", "replace") for p in folder.glob("civharm.sqlite3*"))
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT names, family_group, notes, consent FROM casualties")).all()
    return repr(rows)


def test_names_are_ciphertext_in_the_database_and_plaintext_in_python(
    engine: Engine, sessions: sessionmaker[Session], db_url: str
) -> None:
    person_id = _add_survivor(sessions)
    with sessions() as session:
        person = session.get_one(Casualty, person_id)
        assert [n["name"] for n in person.names] == [NAME, ARABIC]
        assert person.consent == {"given": True, "scope": ["record"]}
    raw = _raw_database_text(engine, db_url)
    for secret in (NAME, ARABIC, "Saleh family", "Met at the clinic", "Hala"):
        assert secret not in raw
    assert "v1:" in raw


def test_ciphertext_moved_to_another_column_does_not_decrypt(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    person_id = _add_survivor(sessions)
    with engine.begin() as connection:
        connection.execute(text("UPDATE casualties SET notes = family_group"))
    with sessions() as session, pytest.raises(ConfigurationError, match="altered or belongs elsewhere"):
        session.get_one(Casualty, person_id)


def test_a_rotated_key_still_reads_old_values(
    engine: Engine, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    key_file = tmp_path / "rotating.key"
    vault = Vault.create(key_file)
    attach_vault(engine, vault)
    person_id = _add_survivor(sessions)
    add_key(key_file)
    attach_vault(engine, Vault.load(key_file))
    with sessions.begin() as session:
        person = session.get_one(Casualty, person_id)
        assert person.names[0]["name"] == NAME
        person.notes = "Second visit"
    with engine.connect() as connection:
        notes = connection.execute(text("SELECT notes FROM casualties")).scalar_one()
        assert notes.split(":")[1] == Vault.load(key_file).current_key_id != vault.current_key_id
        assert verify(connection).ok


def test_plaintext_stored_before_encryption_is_encrypted_by_init(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    person_id = _add_survivor(sessions)
    with engine.begin() as connection:  # as a store from before encryption would hold it
        connection.execute(text("""UPDATE casualties SET names = '[{"name": "Old Name"}]', notes = 'old'"""))
        connection.execute(text("DELETE FROM audit_log"))
        connection.execute(text("UPDATE audit_head SET last_id = 0, last_hash = :g"), {"g": "0" * 64})
    with sessions() as session:
        assert session.get_one(Casualty, person_id).names == [{"name": "Old Name"}]
    assert encrypt_plaintext(engine, actor="test") == 1
    assert encrypt_plaintext(engine, actor="test") == 0
    with engine.connect() as connection:
        names, notes = connection.execute(text("SELECT names, notes FROM casualties")).one()
    assert names.startswith("v1:") and notes.startswith("v1:")
    with sessions() as session:
        assert session.get_one(Casualty, person_id).names == [{"name": "Old Name"}]


def test_the_key_file_is_private_and_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "civharm.key"
    Vault.create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(ConfigurationError, match="exists already"):
        Vault.create(path)
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match="can be read by other users"):
        Vault.load(path)
    with pytest.raises(ConfigurationError, match="run `civharm init`"):
        Vault.load(tmp_path / "missing.key")


def test_consent_is_recorded_encrypted_and_audited(engine: Engine, sessions: sessionmaker[Session]) -> None:
    person_id = _add_survivor(sessions)
    with sessions.begin() as session:
        person = session.get_one(Casualty, person_id)
        record_consent(
            session,
            casualty=person,
            consent=Consent(
                given=True,
                scope=[ConsentScope.RECORD, ConsentScope.REFERRAL],
                recorded_by="caseworker-7",
                recorded_on=date(2026, 3, 4),
            ),
        )
    with sessions() as session:
        person = session.get_one(Casualty, person_id)
        assert consent_allows(person, ConsentScope.REFERRAL)
        assert not consent_allows(person, ConsentScope.SHARE_INTERNAL)
    with engine.connect() as connection:
        assert "caseworker-7" not in connection.execute(text("SELECT consent FROM casualties")).scalar_one()
        assert verify(connection).ok
