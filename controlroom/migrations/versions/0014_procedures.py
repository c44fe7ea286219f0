"""Procedures: the checklist each incident began with and the steps done or skipped.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from controlroom.storage import pg_security

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pg_security.provision(op.get_bind())


def downgrade() -> None:
    pass
