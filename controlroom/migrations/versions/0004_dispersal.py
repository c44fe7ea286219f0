"""Persons of concern, warnings, sightings, s.34 dispersal zones, s.35 directions,
s.37 surrendered items, the s.38 record of variations and withdrawals, and tasks.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage.models import BigId, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The s.38 record of variations and withdrawals is history, like the audit log.
APPEND_ONLY = ("direction_changes",)


def upgrade() -> None:
    op.create_table(
        "subjects",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("clothing", sa.String(300), nullable=False),
        sa.Column("build", sa.String(100), nullable=False),
        sa.Column("distinguishing_features", sa.Text, nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("date_of_birth", sa.Date, nullable=True),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("review_date", sa.Date, nullable=False, index=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "warnings",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("subject_id", BigId, sa.ForeignKey("subjects.id"), nullable=False, index=True),
        sa.Column("officer", sa.String(200), nullable=False),
        sa.Column("given_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "dispersal_zones",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("log_number", sa.String(60), nullable=False),
        sa.Column("officer_rank", sa.String(40), nullable=False),
        sa.Column("officer_number", sa.String(20), nullable=False),
        sa.Column("officer_name", sa.String(100), nullable=False),
        sa.Column("polygon", sa.JSON, nullable=False),
        sa.Column("area_in_words", sa.Text, nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("grounds", sa.Text, nullable=False),
        sa.Column("rights_consideration", sa.Text, nullable=False),
        sa.Column("authorised_at", UTCDateTime(), nullable=False),
        sa.Column("authorised_by", sa.String(100), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("withdrawn_reason", sa.Text, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "directions",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("reference", sa.String(40), nullable=False, unique=True),
        sa.Column("zone_id", BigId, sa.ForeignKey("dispersal_zones.id"), nullable=False, index=True),
        sa.Column("subject_id", BigId, sa.ForeignKey("subjects.id"), nullable=False, index=True),
        sa.Column("given_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("first_given_at", UTCDateTime(), nullable=False),
        sa.Column("officer_rank", sa.String(40), nullable=False),
        sa.Column("officer_number", sa.String(20), nullable=False),
        sa.Column("officer_name", sa.String(100), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("apparent_age", sa.Integer, nullable=False),
        sa.Column("behaviour", sa.Text, nullable=False),
        sa.Column("grounds", sa.Text, nullable=False),
        sa.Column("exclusion_polygon", sa.JSON, nullable=False),
        sa.Column("exclusion_in_words", sa.Text, nullable=False),
        sa.Column("exclusion_ends_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("leave_by", UTCDateTime(), nullable=True),
        sa.Column("route", sa.Text, nullable=True),
        sa.Column("offence_warning_given", sa.Boolean, nullable=False),
        sa.Column("no_offence_warning_reason", sa.Text, nullable=True),
        sa.Column("written_notice_given", sa.Boolean, nullable=False),
        sa.Column("no_written_notice_reason", sa.Text, nullable=True),
        sa.Column("collection_station", sa.String(200), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "subject_sightings",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("subject_id", BigId, sa.ForeignKey("subjects.id"), nullable=False, index=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=True, index=True),
        sa.Column("flag_id", BigId, sa.ForeignKey("flags.id"), nullable=True),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("behaviours", sa.JSON, nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("repeat_behaviour", sa.Boolean, nullable=False),
        sa.Column("direction_id", BigId, sa.ForeignKey("directions.id"), nullable=True),
        sa.Column("breach_incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=True),
    )
    op.create_table(
        "surrendered_items",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("direction_id", BigId, sa.ForeignKey("directions.id"), nullable=False, index=True),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("surrendered_at", UTCDateTime(), nullable=False),
        sa.Column("collect_from", UTCDateTime(), nullable=False),
        sa.Column("returned_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "direction_changes",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("direction_id", BigId, sa.ForeignKey("directions.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("officer", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("terms", sa.JSON, nullable=False),
        sa.Column("notice_given", sa.Boolean, nullable=False),
        sa.Column("no_notice_reason", sa.Text, nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "tasks",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("direction_id", BigId, sa.ForeignKey("directions.id"), nullable=True, index=True),
        sa.Column("subject_id", BigId, sa.ForeignKey("subjects.id"), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("done_by", sa.String(100), nullable=True),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    """Reuses 0001's ``controlroom_refuse_change()`` on PostgreSQL."""
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION controlroom_refuse_change()"
            )
        else:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def downgrade() -> None:
    for table in (
        "tasks",
        "direction_changes",
        "surrendered_items",
        "subject_sightings",
        "directions",
        "dispersal_zones",
        "warnings",
        "subjects",
    ):
        op.drop_table(table)
