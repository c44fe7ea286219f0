"""Users and roles, the hash-chained s.62 audit trail, partner-readable change payloads.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage.models import BigId, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("name", sa.String(40), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("password_changed_at", UTCDateTime(), nullable=False),
        sa.Column("last_login_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "role IN ('operator', 'supervisor', 'partner', 'auditor', 'administrator')",
            name="ck_users_role",
        ),
    )
    op.create_table(
        "user_venues",
        sa.Column("user_id", BigId, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("venue_id", BigId, sa.ForeignKey("venues.id"), primary_key=True),
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="operation"))
        batch.add_column(sa.Column("justification", sa.Text(), nullable=True))
        batch.add_column(sa.Column("recipient", sa.String(300), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("entry_hash", sa.String(64), nullable=False, server_default=""))
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_head_single_row"),
    )
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("partner_payload", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("venue_id", sa.BigInteger(), nullable=True))
    # Entries written before the chain existed are sealed into it, in id order. The
    # append-only trigger (0001) is lifted for exactly that and put back at once.
    from controlroom.audit.chain import seal_existing_entries

    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
    seal_existing_entries(op.get_bind())
    if postgres:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    else:
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def downgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("venue_id")
        batch.drop_column("partner_payload")
    op.drop_table("audit_head")
    op.drop_index("ix_audit_log_at", "audit_log")
    with op.batch_alter_table("audit_log") as batch:
        for column in ("entry_hash", "prev_hash", "recipient", "justification", "kind"):
            batch.drop_column(column)
    op.drop_table("user_venues")
    op.drop_table("users")
