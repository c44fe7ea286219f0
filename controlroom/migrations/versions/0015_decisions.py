"""Decision log (National Decision Model): append-only decisions and their links.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from controlroom.storage import pg_security

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pg_security.provision(op.get_bind())


def downgrade() -> None:
    pass
