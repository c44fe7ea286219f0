"""Idempotency keys of applied edits (outbox replay applies a status change or note once).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage.models import BigId, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applied_commands",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity_id", BigId, nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("applied_commands")
