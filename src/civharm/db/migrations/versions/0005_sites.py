"""sites: the register of protected objects and population grids

Revision ID: 0005_sites
Revises: 0003_lifecycle
Create Date: 2026-11-23 10:20:14.409101
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_sites"
down_revision: str | None = "0003_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "population_grids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("cell_height_deg", sa.Float(), nullable=True),
        sa.Column("cell_width_deg", sa.Float(), nullable=True),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("total_population", sa.Float(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_grids")),
        sa.UniqueConstraint("name", name=op.f("uq_population_grids_name")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "medical",
                "education",
                "water_sanitation",
                "power",
                "food_market",
                "worship",
                "cultural_property",
                "shelter_camp",
                "other",
                name="sitecategory",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "names",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "geometry",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("radius_km", sa.Float(), nullable=False),
        sa.Column(
            "protection_status",
            sa.Enum(
                "general",
                "special",
                "enhanced",
                "world_heritage",
                "unknown",
                name="culturalprotection",
                native_enum=False,
                length=48,
            ),
            nullable=True,
        ),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("last_verified", sa.Date(), nullable=True),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint("latitude >= -90 AND latitude <= 90", name=op.f("ck_sites_latitude_range")),
        sa.CheckConstraint("longitude >= -180 AND longitude <= 180", name=op.f("ck_sites_longitude_range")),
        sa.CheckConstraint("radius_km >= 0", name=op.f("ck_sites_radius_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("ref", name=op.f("uq_sites_ref")),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.create_index("ix_sites_category", ["category"], unique=False)
        batch_op.create_index("ix_sites_latitude_longitude", ["latitude", "longitude"], unique=False)

    op.create_table(
        "population_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("population", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["population_grids.id"],
            name=op.f("fk_population_cells_grid_id_population_grids"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_cells")),
    )
    with op.batch_alter_table("population_cells", schema=None) as batch_op:
        batch_op.create_index(
            "ix_population_cells_grid_latitude", ["grid_id", "latitude", "longitude"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("population_cells", schema=None) as batch_op:
        batch_op.drop_index("ix_population_cells_grid_latitude")

    op.drop_table("population_cells")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index("ix_sites_latitude_longitude")
        batch_op.drop_index("ix_sites_category")

    op.drop_table("sites")
    op.drop_table("population_grids")
