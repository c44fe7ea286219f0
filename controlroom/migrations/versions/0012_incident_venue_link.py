"""How an incident at a venue relates to it: inside, at the door or queue, nearby, venue-reported.

A licensing review reads evidence, not a count: an incident "at" a venue may have happened
inside, in its queue, across the street, or been reported by the venue's own staff. The
link is recorded on each incident with a venue (``at_venue`` until someone says more).
Partners read it for their own venues' incidents (it names no person).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage import pg_security

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("venue_link", sa.String(20), nullable=True))
    op.execute("UPDATE incidents SET venue_link = 'at_venue' WHERE venue_id IS NOT NULL")
    pg_security.provision(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("venue_link")
