"""Statute-exact dispersal records: signing time of an s.34 authorisation; who gave an s.35
direction and in what capacity; necessity; the s.36 restrictions; the s.37 belief, writing and
refusal; a running direction's supervisor reason; notice times; take-home outcomes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage import pg_security
from controlroom.storage.models import BigId, UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _direction_columns() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("recorded_at", UTCDateTime(), nullable=True),
        sa.Column("officer_capacity", sa.String(40), nullable=True),
        sa.Column("in_uniform", sa.Boolean, nullable=True),
        sa.Column("pcso_designation", sa.String(100), nullable=True),
        sa.Column("necessity", sa.Text, nullable=False, server_default=""),
        sa.Column("access_kept", sa.Boolean, nullable=True),
        sa.Column("not_picket_or_procession", sa.Boolean, nullable=True),
        sa.Column("surrender_belief", sa.Text, nullable=True),
        sa.Column("surrender_in_writing", sa.Boolean, nullable=True),
        sa.Column("no_written_surrender_reason", sa.Text, nullable=True),
        sa.Column("running_direction_id", BigId, nullable=True),
        sa.Column("supervisor", sa.String(200), nullable=True),
        sa.Column("supervisor_reason", sa.Text, nullable=True),
    )


def upgrade() -> None:
    with op.batch_alter_table("dispersal_zones") as batch:
        batch.add_column(sa.Column("signed_at", UTCDateTime(), nullable=True))
    # Older authorisations: the best known signing time is when they were recorded.
    op.execute("UPDATE dispersal_zones SET signed_at = authorised_at")
    with op.batch_alter_table("dispersal_zones") as batch:
        batch.alter_column("signed_at", existing_type=UTCDateTime(), nullable=False)
    with op.batch_alter_table("directions") as batch:
        for column in _direction_columns():
            batch.add_column(column)
    with op.batch_alter_table("surrendered_items") as batch:
        batch.add_column(sa.Column("refused", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("direction_changes") as batch:
        batch.add_column(sa.Column("notice_given_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("outcome", sa.JSON, nullable=True))
    # The grants now include updating collection times and take-home outcomes.
    pg_security.provision(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("outcome")
    with op.batch_alter_table("direction_changes") as batch:
        batch.drop_column("notice_given_at")
    with op.batch_alter_table("surrendered_items") as batch:
        batch.drop_column("refused")
    with op.batch_alter_table("directions") as batch:
        for column in reversed(_direction_columns()):
            batch.drop_column(column.name)
    with op.batch_alter_table("dispersal_zones") as batch:
        batch.drop_column("signed_at")
