"""areas

Revision ID: 0006_areas
Revises: 0005_sites
Create Date: 2026-11-23 10:41:56.102132
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_areas"
down_revision: str | None = "0005_sites"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("parent_code", sa.String(length=64), nullable=True),
        sa.Column(
            "geometry",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("centroid_lat", sa.Float(), nullable=False),
        sa.Column("centroid_lon", sa.Float(), nullable=False),
        sa.Column(
            "properties",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
        sa.UniqueConstraint("kind", "code", name="uq_areas_kind_code"),
    )
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.create_index("ix_areas_kind_level", ["kind", "level"], unique=False)

    op.create_table(
        "area_forecasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("run", sa.String(length=100), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=40), nullable=False),
        sa.Column("predicted", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_area_forecasts_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_forecasts")),
        sa.UniqueConstraint("area_id", "run", "month", "horizon", "model", name="uq_area_forecasts_key"),
    )
    with op.batch_alter_table("area_forecasts", schema=None) as batch_op:
        batch_op.create_index("ix_area_forecasts_run_month", ["run", "month"], unique=False)

    op.create_table(
        "area_indicator_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_area_indicator_values_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_indicator_values")),
        sa.UniqueConstraint("area_id", "indicator", "year", name="uq_area_indicator_values_key"),
    )
    op.create_table(
        "area_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("framework", sa.String(length=100), nullable=False),
        sa.Column("node", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("score_class", sa.String(length=40), nullable=False),
        sa.Column("missing_share", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "score IS NULL OR (score >= 0 AND score <= 10)", name=op.f("ck_area_scores_score_range")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_area_scores_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_scores")),
        sa.UniqueConstraint("area_id", "framework", "node", name="uq_area_scores_key"),
    )
    with op.batch_alter_table("area_scores", schema=None) as batch_op:
        batch_op.create_index("ix_area_scores_framework_node", ["framework", "node"], unique=False)

    op.create_table(
        "area_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(incident_id IS NULL) <> (report_id IS NULL)", name=op.f("ck_area_assignments_one_record")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_area_assignments_area_id_areas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_area_assignments_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_area_assignments_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_assignments")),
        sa.UniqueConstraint("area_id", "incident_id", name="uq_area_assignments_incident"),
        sa.UniqueConstraint("area_id", "report_id", name="uq_area_assignments_report"),
    )
    with op.batch_alter_table("area_assignments", schema=None) as batch_op:
        batch_op.create_index("ix_area_assignments_incident_id", ["incident_id"], unique=False)
        batch_op.create_index("ix_area_assignments_report_id", ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("area_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_area_assignments_report_id")
        batch_op.drop_index("ix_area_assignments_incident_id")

    op.drop_table("area_assignments")
    with op.batch_alter_table("area_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_area_scores_framework_node")

    op.drop_table("area_scores")
    op.drop_table("area_indicator_values")
    with op.batch_alter_table("area_forecasts", schema=None) as batch_op:
        batch_op.drop_index("ix_area_forecasts_run_month")

    op.drop_table("area_forecasts")
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_index("ix_areas_kind_level")

    op.drop_table("areas")
