"""Incident handling: THRIVE, descriptions, reporter contact, Ask for Angela outcome,
who last changed it, attendance and caller-update times, duplicate links.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage.models import BigId, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("thrive", sa.JSON, nullable=True))
        batch.add_column(sa.Column("vulnerable_person", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("person_of_concern", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("reporter_contact", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("angela_outcome", sa.String(20), nullable=True))
        batch.add_column(sa.Column("duplicate_of", BigId, nullable=True))
        batch.add_column(sa.Column("updated_by", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("updated_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("attended_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("caller_updated_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        for column in (
            "caller_updated_at",
            "attended_at",
            "updated_at",
            "updated_by",
            "duplicate_of",
            "angela_outcome",
            "reporter_contact",
            "person_of_concern",
            "vulnerable_person",
            "thrive",
        ):
            batch.drop_column(column)
