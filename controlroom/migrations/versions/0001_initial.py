"""Venues, incidents, timeline, reference counters, change log, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage.models import BigId, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("incident_events", "audit_log", "change_log")


def upgrade() -> None:
    op.create_table(
        "venues",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("opening_hours", sa.String(200), nullable=False),
        sa.Column("is_safe_space", sa.Boolean, nullable=False),
        sa.Column("safe_space_status", sa.String(10), nullable=True),
        sa.Column("wave_trained", sa.Boolean, nullable=False),
        sa.Column("best_bar_none", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "incidents",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("reference", sa.String(40), nullable=False, unique=True),
        sa.Column("night", sa.Date, nullable=False, index=True),
        sa.Column("reported_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("grade", sa.Integer, nullable=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("venue_id", BigId, sa.ForeignKey("venues.id"), nullable=True),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("idempotency_key", sa.String(100), nullable=True, unique=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("grade BETWEEN 1 AND 4", name="ck_incidents_grade"),
    )
    op.create_table(
        "incident_events",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=False, index=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_table(
        "reference_counters",
        sa.Column("night", sa.Date, primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
    )
    op.create_table(
        "change_log",
        sa.Column("seq", BigId, primary_key=True),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.BigInteger, nullable=False),
        sa.Column("op", sa.String(10), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("committed_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.BigInteger, nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    """The timeline, change log and audit log are history: refuse UPDATE and DELETE."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """
            CREATE FUNCTION controlroom_refuse_change() RETURNS trigger AS $$
            BEGIN
              RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
            END $$ LANGUAGE plpgsql
            """
        )
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
    for table in ("audit_log", "change_log", "reference_counters", "incident_events"):
        op.drop_table(table)
    op.drop_table("incidents")
    op.drop_table("venues")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS controlroom_refuse_change()")
