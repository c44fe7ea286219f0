"""CCTV work beyond the register: tasking and call-ups, footage kept as evidence, road network.

- ``camera_tasks``: a camera tasked to an incident (which preset, who, when; ended when
  another incident takes it or someone releases it) — what the map shows as "tasked".
- ``camera_callups``: every call-up asked for (with or without a stream), for the record.
- ``footage_clips`` / ``footage_requests`` / ``footage_releases`` / ``footage_events``:
  clips marked per incident, the evidence lock and its release, requests for footage and
  each release (a DPA 2018 s.62 disclosure); ``footage_events`` is the continuity log.
- ``road_segments``: an imported road network (OS Open Roads or OpenStreetMap) that
  replaces the shipped street layer for drawing and routing when present.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from controlroom.storage import pg_security
from controlroom.storage.models import BigId, UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "camera_tasks",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("camera_id", BigId, sa.ForeignKey("cameras.id"), nullable=False, index=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=False, index=True),
        sa.Column("preset", sa.String(60), nullable=True),
        sa.Column("tasked_by", sa.String(100), nullable=False),
        sa.Column("tasked_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("ended_by", sa.String(100), nullable=True),
    )
    op.create_table(
        "camera_callups",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("camera_id", BigId, sa.ForeignKey("cameras.id"), nullable=False, index=True),
        sa.Column("preset", sa.String(60), nullable=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=True),
        sa.Column("with_stream", sa.Boolean, nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "footage_clips",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=False, index=True),
        sa.Column("camera_id", BigId, sa.ForeignKey("cameras.id"), nullable=False, index=True),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("marked_by", sa.String(100), nullable=False),
        sa.Column("marked_at", UTCDateTime(), nullable=False),
        sa.Column("locked_until", sa.Date, nullable=True),
        sa.Column("locked_by", sa.String(100), nullable=True),
        sa.Column("locked_at", UTCDateTime(), nullable=True),
        sa.Column("lock_reason", sa.Text, nullable=True),
        sa.Column("unlocked_at", UTCDateTime(), nullable=True),
        sa.Column("unlocked_by", sa.String(100), nullable=True),
        sa.Column("unlock_reason", sa.Text, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "footage_requests",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=False, index=True),
        sa.Column("clip_id", BigId, sa.ForeignKey("footage_clips.id"), nullable=True),
        sa.Column("requester", sa.String(200), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(100), nullable=True),
    )
    op.create_table(
        "footage_releases",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("clip_id", BigId, sa.ForeignKey("footage_clips.id"), nullable=False, index=True),
        sa.Column("request_id", BigId, sa.ForeignKey("footage_requests.id"), nullable=True),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("justification", sa.Text, nullable=False),
        sa.Column("released_by", sa.String(100), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "footage_events",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("clip_id", BigId, sa.ForeignKey("footage_clips.id"), nullable=False, index=True),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "road_segments",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("road_class", sa.String(60), nullable=False, server_default=""),
        # [[lat, lon], ...] as JSON text: read whole, drawn and routed, never queried inside.
        sa.Column("coordinates", sa.Text, nullable=False),
        sa.Column("length_m", sa.Float, nullable=False),
    )
    pg_security.provision(op.get_bind())


def downgrade() -> None:
    for table in (
        "road_segments",
        "footage_events",
        "footage_releases",
        "footage_requests",
        "footage_clips",
        "camera_callups",
        "camera_tasks",
    ):
        op.drop_table(table)
