"""Patrol units, flagged locations and dispatches.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage.models import BigId, UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flags",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("venue_id", BigId, sa.ForeignKey("venues.id"), nullable=True),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("behaviour", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("flagged_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("cleared_at", UTCDateTime(), nullable=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "units",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("callsign", sa.String(40), nullable=False, unique=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("agency", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("position_at", UTCDateTime(), nullable=True),
        sa.Column("status_since", UTCDateTime(), nullable=False),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=True),
        sa.Column("flag_id", BigId, sa.ForeignKey("flags.id"), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "dispatches",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("unit_id", BigId, sa.ForeignKey("units.id"), nullable=False, index=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=True, index=True),
        sa.Column("flag_id", BigId, sa.ForeignKey("flags.id"), nullable=True),
        sa.Column("dispatched_at", UTCDateTime(), nullable=False),
        sa.Column("arrived_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("diverted_from", BigId, sa.ForeignKey("incidents.id"), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dispatches")
    op.drop_table("units")
    op.drop_table("flags")
