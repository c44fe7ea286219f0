"""PostgreSQL group roles, least-privilege grants and row-level security (no-op on SQLite).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

from controlroom.storage import pg_security

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite has no roles: one workstation, one file, the core's checks only.
    if op.get_bind().dialect.name == "postgresql":
        pg_security.provision(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        pg_security.unprovision(op.get_bind())
