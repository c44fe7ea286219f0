"""Procedures: the checklist each incident began with and the steps done or skipped.

- ``incident_checklists``: one row per incident that has a procedure — its key, title,
  the procedures file's version label and a hash of the procedure's content, and the
  steps frozen as JSON when it started. An incident keeps the version it began with:
  the steps are copied here, never read from the file again.
- ``checklist_step_outcomes``: each step done (with the yes/no answer of a question)
  or skipped (with the reason), by whom and when; at most one per step.

Both are history: UPDATE and DELETE are refused by triggers on both backends, as
``0001_initial`` does for the timeline.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage import pg_security
from controlroom.storage.models import BigId, UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

APPEND_ONLY = ("incident_checklists", "checklist_step_outcomes")


def upgrade() -> None:
    op.create_table(
        "incident_checklists",
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), primary_key=True, autoincrement=False),
        sa.Column("procedure_key", sa.String(60), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("version_label", sa.String(60), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("steps", sa.JSON, nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("started_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "checklist_step_outcomes",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=False, index=True),
        sa.Column("step_number", sa.String(10), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("answer", sa.String(3), nullable=True),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("incident_id", "step_number", name="uq_checklist_step_outcome"),
        sa.CheckConstraint("outcome IN ('done', 'skipped')", name="ck_checklist_step_outcome"),
        sa.CheckConstraint("answer IS NULL OR answer IN ('yes', 'no')", name="ck_checklist_step_answer"),
    )
    _append_only_triggers()
    pg_security.provision(op.get_bind())


def _append_only_triggers() -> None:
    """A checklist and its outcomes are history: refuse UPDATE and DELETE.

    PostgreSQL reuses ``controlroom_refuse_change()`` from migration 0001.
    """
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
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
    op.drop_table("checklist_step_outcomes")
    op.drop_table("incident_checklists")
