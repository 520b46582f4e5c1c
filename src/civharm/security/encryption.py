"""Encrypt personal fields that were stored before encryption at rest existed."""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from civharm.casualties.models import Casualty
from civharm.db.base import table_of
from civharm.security.audit import checkpoint, record_bulk
from civharm.security.canonical import raw_table
from civharm.security.encrypted import EncryptedJSON, EncryptedText, is_ciphertext


def encrypt_plaintext(engine: Engine, *, actor: str) -> int:
    """Rewrite every personal field still stored as plaintext; returns the rows rewritten.

    Run by ``civharm init`` after upgrading a store made before encryption at rest.
    """
    table = table_of(Casualty)
    raw = raw_table(table)
    encrypted = [c.name for c in table.columns if isinstance(c.type, EncryptedJSON | EncryptedText)]
    with engine.begin() as connection:
        plain: list[int] = []
        for row in connection.execute(select(raw.c.id, *(raw.c[n] for n in encrypted))):
            if any(value is not None and not is_ciphertext(value) for value in row[1:]):
                plain.append(row.id)
        if not plain:
            return 0
        for start in range(0, len(plain), 500):
            ids = plain[start : start + 500]
            # Reading through the mapped table decrypts (or parses the plaintext); writing encrypts.
            rows = connection.execute(
                select(table.c.id, *(table.c[n] for n in encrypted)).where(table.c.id.in_(ids))
            )
            for row in rows.all():
                connection.execute(
                    update(table).where(table.c.id == row.id).values({n: row._mapping[n] for n in encrypted})
                )
        record_bulk(
            connection,
            action="encrypt",
            table_name=table.name,
            record_id=f"{len(plain)} rows",
            rows={table: table.c.id.in_(plain)},
            summary={"fields": encrypted, "rows": len(plain)},
            actor=actor,
        )
    checkpoint(engine)
    return len(plain)
