"""web: indexes for the incident list's filters at 100,000 incidents

Revision ID: 0008_web
Revises: 0009_exchange
Create Date: 2026-11-23 11:00:00
"""

from collections.abc import Sequence

from alembic import op

from civharm.db.text import ensure_incident_search

revision: str = "0008_web"
down_revision: str | None = "0009_exchange"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    # "incidents with a report of source type X": the EXISTS probe becomes an index seek.
    ("reports", "ix_reports_source_type_incident_id", ["source_type", "incident_id"]),
    # an area without a country (the list's "Area" box), newest first
    ("incidents", "ix_incidents_admin1_date_start", ["admin1", "date_start"]),
    ("incidents", "ix_incidents_determination_date_start", ["determination", "date_start"]),
    # grading with or without a determination: counted from the index alone
    ("incidents", "ix_incidents_grading_determination_date", ["grading", "determination", "date_start"]),
    ("incidents", "ix_incidents_killed_max_id", ["killed_max", "id"]),
]


def upgrade() -> None:
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)
    # SQLite: a trigram full-text index of incident text, kept by triggers (see civharm.db.text).
    ensure_incident_search(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("fts_incidents_insert", "fts_incidents_delete", "fts_incidents_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS fts_incidents")
    for table, name, _ in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
