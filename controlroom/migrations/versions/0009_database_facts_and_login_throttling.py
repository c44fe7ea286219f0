"""Facts about the database itself (it had users; it is for training) and login throttling
that grows per account and per console instead of a fixed lock-out.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from controlroom.storage import pg_security
from controlroom.storage.models import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    facts = op.create_table(
        "database_facts",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "console_throttles",
        sa.Column("console", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_failed_at", UTCDateTime(), nullable=False),
        sa.Column("wait_until", UTCDateTime(), nullable=True),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("last_failed_at", UTCDateTime(), nullable=True))
    # A database that already has users must never fall back to set-up mode.
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM users")).scalar_one():
        op.bulk_insert(
            facts,
            [{"name": "had_users", "value": "yes", "set_at": datetime.now(UTC), "set_by": "migration 0009"}],
        )
    # The grants now cover the two new tables and the new users column.
    pg_security.provision(bind)


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_failed_at")
    op.drop_table("console_throttles")
    op.drop_table("database_facts")
