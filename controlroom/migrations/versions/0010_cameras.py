"""The camera register: cameras, the presets of PTZ and dome cameras, and their fault log.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage import pg_security
from controlroom.storage.models import BigId, UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cameras",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(20), nullable=False),
        sa.Column("venue_id", BigId, sa.ForeignKey("venues.id"), nullable=True),
        sa.Column("sharing_agreement", sa.Text, nullable=False, server_default=""),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("heading", sa.Float, nullable=True),
        sa.Column("angle", sa.Float, nullable=True),
        sa.Column("range_m", sa.Float, nullable=True),
        sa.Column("stream_url", sa.String(500), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("retention_days", sa.Integer, nullable=False, server_default="31"),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "camera_presets",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("camera_id", BigId, sa.ForeignKey("cameras.id"), nullable=False, index=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("heading", sa.Float, nullable=False),
        sa.Column("angle", sa.Float, nullable=False),
        sa.Column("range_m", sa.Float, nullable=False),
    )
    op.create_table(
        "camera_faults",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("camera_id", BigId, sa.ForeignKey("cameras.id"), nullable=False, index=True),
        sa.Column("reported_by", sa.String(100), nullable=False),
        sa.Column("reported_at", UTCDateTime(), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("cleared_at", UTCDateTime(), nullable=True),
        sa.Column("cleared_by", sa.String(100), nullable=True),
    )
    # The grants now cover the three new tables.
    pg_security.provision(op.get_bind())


def downgrade() -> None:
    op.drop_table("camera_faults")
    op.drop_table("camera_presets")
    op.drop_table("cameras")
