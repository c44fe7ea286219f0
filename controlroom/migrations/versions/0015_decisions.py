"""Decision log (National Decision Model): append-only decisions and their links.

- ``decisions``: one entry each, with the five NDM parts (information, assessment, powers
  and policy, options, decision and rationale), its author, the author's role then, the
  operational night, and ``revises_id`` (unique: a revision chain never branches).
- ``decision_links``: what each decision concerns — an incident, s.34 zone or s.35
  direction (``target_id``) or a whole ``night`` — with the label it had then.

Both are history: triggers refuse UPDATE and DELETE on both backends (a later entry
revises, nothing is edited), as on the timeline and the audit trail (migration 0001).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage import pg_security
from controlroom.storage.models import BigId, UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

APPEND_ONLY = ("decisions", "decision_links")


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("night", sa.Date, nullable=False, index=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False, index=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("information", sa.Text, nullable=False),
        sa.Column("assessment", sa.Text, nullable=False),
        sa.Column("powers_policy", sa.Text, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("revises_id", BigId, sa.ForeignKey("decisions.id"), nullable=True, unique=True),
    )
    op.create_table(
        "decision_links",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("decision_id", BigId, sa.ForeignKey("decisions.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("target_id", sa.BigInteger, nullable=True),
        sa.Column("night", sa.Date, nullable=True),
        sa.Column("label", sa.String(200), nullable=False),
    )
    op.create_index("ix_decision_links_target", "decision_links", ["kind", "target_id"])
    op.create_index("ix_decision_links_night", "decision_links", ["night"])
    _append_only_triggers()
    pg_security.provision(op.get_bind())


def _append_only_triggers() -> None:
    """Refuse UPDATE and DELETE (PostgreSQL reuses 0001's ``controlroom_refuse_change``)."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgresql:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION controlroom_refuse_change()"
            )
        else:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def downgrade() -> None:
    op.drop_table("decision_links")
    op.drop_table("decisions")
