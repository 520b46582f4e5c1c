"""foundation

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-23 09:42:08.203616
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_foundation"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "code_sequences",
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_code_sequences")),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_system", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_inserted", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column(
            "warnings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column(
            "previous_codes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column(
            "date_precision",
            sa.Enum(
                "day",
                "days",
                "week",
                "month",
                "year",
                "unknown",
                name="dateprecision",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column(
            "location_precision",
            sa.Enum(
                "exact",
                "neighbourhood",
                "settlement",
                "near",
                "admin2",
                "admin1",
                "region",
                "country",
                "water_airspace",
                "unknown",
                name="locationprecision",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column("place_name", sa.String(length=200), nullable=True),
        sa.Column(
            "place_names",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("admin1", sa.String(length=200), nullable=True),
        sa.Column("admin2", sa.String(length=200), nullable=True),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column(
            "harm_types",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "cause",
            sa.Enum(
                "heavy_weapons_explosive_munitions",
                "planted_explosives_uxo",
                "small_arms_light_weapons",
                "incendiary_weapons",
                "cbrn_weapons",
                "electromagnetic_weapons",
                "less_lethal_weapons",
                "denial_destruction_indispensable_objects",
                "conflict_related_accident",
                "other_means",
                "unknown",
                name="cause",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "triaged",
                "matched",
                "under_assessment",
                "assessed",
                "under_investigation",
                "response_decided",
                "response_delivered",
                "lessons_captured",
                "closed",
                "reopened",
                name="incidentstatus",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column(
            "grading",
            sa.Enum(
                "confirmed",
                "fair",
                "weak",
                "contested",
                "discounted",
                name="grading",
                native_enum=False,
                length=48,
            ),
            nullable=True,
        ),
        sa.Column(
            "determination",
            sa.Enum(
                "not_yet_assessed",
                "credible",
                "not_credible",
                "insufficient_information",
                "duplicate",
                name="determination",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column("killed_min", sa.Integer(), nullable=True),
        sa.Column("killed_max", sa.Integer(), nullable=True),
        sa.Column("injured_min", sa.Integer(), nullable=True),
        sa.Column("injured_max", sa.Integer(), nullable=True),
        sa.Column(
            "sensitivity",
            sa.Enum("normal", "restricted", name="sensitivity", native_enum=False, length=48),
            nullable=False,
        ),
        sa.Column(
            "releasable_to",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "date_end IS NULL OR date_start IS NULL OR date_end >= date_start",
            name=op.f("ck_incidents_date_order"),
        ),
        sa.CheckConstraint(
            "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)",
            name=op.f("ck_incidents_latitude_range"),
        ),
        sa.CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
            name=op.f("ck_incidents_longitude_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("code", name=op.f("uq_incidents_code")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_country_admin1", ["country_iso3", "admin1"], unique=False)
        batch_op.create_index("ix_incidents_date_start_id", ["date_start", "id"], unique=False)
        batch_op.create_index("ix_incidents_status", ["status"], unique=False)

    op.create_table(
        "casualties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column(
            "names",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "sex",
            sa.Enum("man", "woman", "unknown", name="sex", native_enum=False, length=48),
            nullable=False,
        ),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column(
            "age_group",
            sa.Enum("adult", "child", "unknown", name="agegroup", native_enum=False, length=48),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "civilian",
                "other_protected_person",
                "member_of_armed_forces",
                "direct_participant_in_hostilities",
                "unknown",
                name="personstatus",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum("killed", "injured", name="outcome", native_enum=False, length=48),
            nullable=False,
        ),
        sa.Column("family_group", sa.String(length=120), nullable=True),
        sa.Column("date_of_harm", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("confidence", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column(
            "consent",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("age IS NULL OR (age >= 0 AND age <= 130)", name=op.f("ck_casualties_age_range")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_casualties_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casualties")),
    )
    with op.batch_alter_table("casualties", schema=None) as batch_op:
        batch_op.create_index("ix_casualties_incident_id", ["incident_id"], unique=False)

    op.create_table(
        "incident_topics",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column(
            "topic",
            sa.Enum("poc", "caac", "crsv", "thb", "cpp", name="topic", native_enum=False, length=48),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_topics_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "topic", name=op.f("pk_incident_topics")),
    )
    with op.batch_alter_table("incident_topics", schema=None) as batch_op:
        batch_op.create_index("ix_incident_topics_topic", ["topic", "incident_id"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_system", sa.String(length=40), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column(
            "source_type",
            sa.Enum(
                "own_force_report",
                "partner_force",
                "un",
                "ngo",
                "media",
                "social_media",
                "civilian_claim",
                "official_statement",
                "dataset",
                name="sourcetype",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column("source_name", sa.String(length=300), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("translation", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("archive_ref", sa.String(length=2000), nullable=True),
        sa.Column("material_date", sa.Date(), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column(
            "date_precision",
            sa.Enum(
                "day",
                "days",
                "week",
                "month",
                "year",
                "unknown",
                name="dateprecision",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column("date_precision_code", sa.String(length=40), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column(
            "location_precision",
            sa.Enum(
                "exact",
                "neighbourhood",
                "settlement",
                "near",
                "admin2",
                "admin1",
                "region",
                "country",
                "water_airspace",
                "unknown",
                name="locationprecision",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column("location_precision_code", sa.String(length=40), nullable=True),
        sa.Column("place_name", sa.String(length=300), nullable=True),
        sa.Column("admin1", sa.String(length=200), nullable=True),
        sa.Column("admin2", sa.String(length=200), nullable=True),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("killed_min", sa.Integer(), nullable=True),
        sa.Column("killed_max", sa.Integer(), nullable=True),
        sa.Column("killed_best", sa.Integer(), nullable=True),
        sa.Column("injured_min", sa.Integer(), nullable=True),
        sa.Column("injured_max", sa.Integer(), nullable=True),
        sa.Column(
            "cause",
            sa.Enum(
                "heavy_weapons_explosive_munitions",
                "planted_explosives_uxo",
                "small_arms_light_weapons",
                "incendiary_weapons",
                "cbrn_weapons",
                "electromagnetic_weapons",
                "less_lethal_weapons",
                "denial_destruction_indispensable_objects",
                "conflict_related_accident",
                "other_means",
                "unknown",
                name="cause",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column(
            "reliability",
            sa.Enum(
                "highly_reliable",
                "likely_reliable",
                "unsure",
                "likely_unreliable",
                "highly_unreliable",
                "unknown",
                name="reliability",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column(
            "topics",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "raw_record",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column(
            "sensitivity",
            sa.Enum("normal", "restricted", name="sensitivity", native_enum=False, length=48),
            nullable=False,
        ),
        sa.Column(
            "releasable_to",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("submitted_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "injured_min IS NULL OR injured_max IS NULL OR injured_min <= injured_max",
            name=op.f("ck_reports_injured_range"),
        ),
        sa.CheckConstraint(
            "killed_min IS NULL OR killed_max IS NULL OR killed_min <= killed_max",
            name=op.f("ck_reports_killed_range"),
        ),
        sa.CheckConstraint(
            "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name=op.f("ck_reports_latitude_range")
        ),
        sa.CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
            name=op.f("ck_reports_longitude_range"),
        ),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_reports_import_id_imports")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_reports_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("source_system", "source_key", name="uq_reports_source_system_key"),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_date_start", ["date_start"], unique=False)
        batch_op.create_index("ix_reports_import_id", ["import_id"], unique=False)
        batch_op.create_index("ix_reports_incident_id", ["incident_id"], unique=False)

    op.create_table(
        "casualty_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum("killed", "injured", name="outcome", native_enum=False, length=48),
            nullable=False,
        ),
        sa.Column(
            "sex",
            sa.Enum("man", "woman", "unknown", name="sex", native_enum=False, length=48),
            nullable=False,
        ),
        sa.Column(
            "age_group",
            sa.Enum("adult", "child", "unknown", name="agegroup", native_enum=False, length=48),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "civilian",
                "other_protected_person",
                "member_of_armed_forces",
                "direct_participant_in_hostilities",
                "unknown",
                name="personstatus",
                native_enum=False,
                length=48,
            ),
            nullable=False,
        ),
        sa.Column("count_min", sa.Integer(), nullable=False),
        sa.Column("count_max", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(incident_id IS NULL) <> (report_id IS NULL)", name=op.f("ck_casualty_counts_one_owner")
        ),
        sa.CheckConstraint(
            "count_min >= 0 AND count_min <= count_max", name=op.f("ck_casualty_counts_range")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_casualty_counts_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_casualty_counts_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casualty_counts")),
    )
    with op.batch_alter_table("casualty_counts", schema=None) as batch_op:
        batch_op.create_index("ix_casualty_counts_incident_id", ["incident_id"], unique=False)
        batch_op.create_index("ix_casualty_counts_report_id", ["report_id"], unique=False)

    op.create_table(
        "casualty_sources",
        sa.Column("casualty_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["casualty_id"],
            ["casualties.id"],
            name=op.f("fk_casualty_sources_casualty_id_casualties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_casualty_sources_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("casualty_id", "report_id", name=op.f("pk_casualty_sources")),
    )


def downgrade() -> None:
    op.drop_table("casualty_sources")
    with op.batch_alter_table("casualty_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_casualty_counts_report_id")
        batch_op.drop_index("ix_casualty_counts_incident_id")

    op.drop_table("casualty_counts")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_incident_id")
        batch_op.drop_index("ix_reports_import_id")
        batch_op.drop_index("ix_reports_date_start")

    op.drop_table("reports")
    with op.batch_alter_table("incident_topics", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_topics_topic")

    op.drop_table("incident_topics")
    with op.batch_alter_table("casualties", schema=None) as batch_op:
        batch_op.drop_index("ix_casualties_incident_id")

    op.drop_table("casualties")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_status")
        batch_op.drop_index("ix_incidents_date_start_id")
        batch_op.drop_index("ix_incidents_country_admin1")

    op.drop_table("incidents")
    op.drop_table("imports")
    op.drop_table("code_sequences")
