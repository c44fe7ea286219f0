"""Shift handover: drafted, given and acknowledged handovers, kept.

``handovers``: one row per handover given — its reference (``H-2026-0001``), who gave it,
when it was drafted and given, the giver's role, the frozen content (the draft's sections and
items, each item with the note written beside it, as JSON), the overall notes, the named
incoming user (optional), whether it carries personal data, the summary consoles show (items
per section, how many carry a note), and who acknowledged it and when.
``search_text`` holds the notes and the content's words in lower case, for the history's
search (the content's JSON escapes accented letters, so it cannot be searched as it is).

Once given, a handover never changes: a trigger on both backends refuses every UPDATE
except recording the acknowledgement once (``acknowledged_by`` and ``acknowledged_at`` from
NULL to values, nothing else touched), and refuses every DELETE. What the incoming operator
signed for stays what the outgoing one wrote.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage import pg_security
from controlroom.storage.models import BigId, UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

FROZEN = "a given handover never changes: only its acknowledgement is recorded, once"
KEPT = "handovers are kept: a given handover cannot be deleted"
# Every column but the acknowledgement: each must stay as it was.
_FIXED = (
    "id", "reference", "drafted_at", "given_by", "given_at", "role", "content", "notes",
    "to_user", "contains_personal", "counts", "noted_items", "search_text",
)  # fmt: skip

_SQLITE = (
    "CREATE TRIGGER handovers_frozen BEFORE UPDATE ON handovers WHEN NOT ("
    "OLD.acknowledged_at IS NULL AND OLD.acknowledged_by IS NULL "
    "AND NEW.acknowledged_at IS NOT NULL AND NEW.acknowledged_by IS NOT NULL AND "
    + " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _FIXED)
    + f") BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END",
    f"CREATE TRIGGER handovers_kept BEFORE DELETE ON handovers BEGIN SELECT RAISE(ABORT, '{KEPT}'); END",
)
_POSTGRES = (
    "CREATE FUNCTION controlroom_handover_frozen() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN "
    f"IF TG_OP = 'DELETE' THEN RAISE EXCEPTION '{KEPT}'; END IF; "
    "IF OLD.acknowledged_at IS NOT NULL OR OLD.acknowledged_by IS NOT NULL "
    "OR NEW.acknowledged_at IS NULL OR NEW.acknowledged_by IS NULL "
    "OR (to_jsonb(NEW) - 'acknowledged_at' - 'acknowledged_by') "
    "IS DISTINCT FROM (to_jsonb(OLD) - 'acknowledged_at' - 'acknowledged_by') "
    f"THEN RAISE EXCEPTION '{FROZEN}'; END IF; RETURN NEW; END $fn$",
    "CREATE TRIGGER handovers_frozen BEFORE UPDATE OR DELETE ON handovers "
    "FOR EACH ROW EXECUTE FUNCTION controlroom_handover_frozen()",
)


def upgrade() -> None:
    op.create_table(
        "handovers",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("drafted_at", UTCDateTime(), nullable=False),
        sa.Column("given_by", sa.String(100), nullable=False, index=True),
        sa.Column("given_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("role", sa.String(20), nullable=True),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("to_user", sa.String(100), nullable=True),
        sa.Column("contains_personal", sa.Boolean, nullable=False),
        # The summary every console's feed carries, kept beside the content so the board
        # never reads the content itself (which may hold personal data).
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("noted_items", sa.Integer, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("acknowledged_by", sa.String(100), nullable=True),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
    )
    # The consoles' board loads the unacknowledged ones.
    op.create_index("ix_handovers_acknowledged_at", "handovers", ["acknowledged_at"])
    bind = op.get_bind()
    for statement in _SQLITE if bind.dialect.name == "sqlite" else _POSTGRES:
        bind.exec_driver_sql(statement)
    pg_security.provision(bind)


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_table("handovers")
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS controlroom_handover_frozen()")
