"""Shift handover: drafted, given and acknowledged handovers, kept.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from controlroom.storage import pg_security

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pg_security.provision(op.get_bind())


def downgrade() -> None:
    pass
