"""What a clip of footage is, as the commands, the queries and the continuity log read it.

A clip is a stretch of one camera's footage marked for an incident. The camera keeps
its footage ``retention_days`` (the register's figure, 31 unless set), so a clip's
**normal deletion date** is the day its end falls on plus those days; an **evidence
lock** keeps it beyond that until a named date or until it is unlocked, whichever
comes first. Every step taken on a clip is a line of its continuity log
(``footage_events``), so whoever has the clip can show who handled it and when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.errors import ValidationError
from controlroom.storage.models import Camera, FootageClip, FootageEvent, FootageRelease, FootageRequest

# What the continuity log records of a clip (``footage_events.event``).
EVENTS = ("marked", "viewed", "locked", "unlocked", "requested", "released")

DESCRIPTION_LIMIT = 2000
REASON_LIMIT = 1000
PARTY_LIMIT = 200  # a requester or recipient: an officer and collar number, or a body's name
KNOWN_LISTED = 30  # camera numbers named in a refusal, at most


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One line of a clip's continuity log."""

    clip_id: int
    event: str
    actor: str
    at: datetime
    detail: str


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """A request for footage: who asked, for what, and whether it was answered."""

    id: int
    incident_id: int
    clip_id: int | None
    requester: str
    purpose: str
    recorded_by: str
    recorded_at: datetime
    status: str
    closed_at: datetime | None
    closed_by: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "clip_id": self.clip_id,
            "requester": self.requester,
            "purpose": self.purpose,
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at.isoformat(),
            "status": self.status,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "closed_by": self.closed_by,
        }


@dataclass(frozen=True, slots=True)
class ReleaseRecord:
    """Footage handed outside the control room (a DPA 2018 s.62(3) disclosure)."""

    id: int
    clip_id: int
    request_id: int | None
    recipient: str
    justification: str
    released_by: str
    released_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "clip_id": self.clip_id,
            "request_id": self.request_id,
            "recipient": self.recipient,
            "justification": self.justification,
            "released_by": self.released_by,
            "released_at": self.released_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class ClipRecord:
    """A clip as stored, with its camera's number and retention, and what was done with it."""

    id: int
    incident_id: int
    incident_reference: str
    camera_id: int
    camera_number: str
    retention_days: int
    starts_at: datetime
    ends_at: datetime
    description: str
    marked_by: str
    marked_at: datetime
    locked_until: date | None
    locked_by: str | None
    locked_at: datetime | None
    lock_reason: str | None
    unlocked_at: datetime | None
    unlocked_by: str | None
    unlock_reason: str | None
    version: int
    events: tuple[EventRecord, ...] = ()
    releases: tuple[ReleaseRecord, ...] = ()
    requests: tuple[RequestRecord, ...] = field(default=())

    @property
    def deletion_date(self) -> date:
        """The day the camera's own retention would delete the clip, were it not locked."""
        return normal_deletion_date(self.ends_at, self.retention_days)

    @property
    def locked(self) -> bool:
        return self.locked_until is not None and self.unlocked_at is None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "incident": self.incident_reference,
            "camera": self.camera_number,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "description": self.description,
            "marked_by": self.marked_by,
            "marked_at": self.marked_at.isoformat(),
            "deletion_date": self.deletion_date.isoformat(),
            "locked": self.locked,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
            "locked_by": self.locked_by,
            "lock_reason": self.lock_reason,
            "unlocked_at": self.unlocked_at.isoformat() if self.unlocked_at else None,
            "unlocked_by": self.unlocked_by,
            "unlock_reason": self.unlock_reason,
            "version": self.version,
            "requests": [r.to_json() for r in self.requests],
            "releases": [r.to_json() for r in self.releases],
            "events": [
                {"event": e.event, "actor": e.actor, "at": e.at.isoformat(), "detail": e.detail}
                for e in self.events
            ],
        }


def normal_deletion_date(ends_at: datetime, retention_days: int) -> date:
    """The clip's end (as stored, UTC) plus the camera's retention, as a calendar day."""
    return (ends_at + timedelta(days=retention_days)).date()


def clip_record(
    row: FootageClip,
    camera: Camera,
    reference: str,
    events: Sequence[FootageEvent] = (),
    releases: Sequence[FootageRelease] = (),
    requests: Sequence[FootageRequest] = (),
) -> ClipRecord:
    return ClipRecord(
        id=row.id,
        incident_id=row.incident_id,
        incident_reference=reference,
        camera_id=camera.id,
        camera_number=camera.number,
        retention_days=camera.retention_days,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        description=row.description,
        marked_by=row.marked_by,
        marked_at=row.marked_at,
        locked_until=row.locked_until,
        locked_by=row.locked_by,
        locked_at=row.locked_at,
        lock_reason=row.lock_reason,
        unlocked_at=row.unlocked_at,
        unlocked_by=row.unlocked_by,
        unlock_reason=row.unlock_reason,
        version=row.version,
        events=tuple(
            EventRecord(e.clip_id, e.event, e.actor, e.at, e.detail)
            for e in sorted(events, key=lambda e: e.id)
        ),
        releases=tuple(release_record(r) for r in sorted(releases, key=lambda r: r.id)),
        requests=tuple(request_record(r) for r in sorted(requests, key=lambda r: r.id)),
    )


def request_record(row: FootageRequest) -> RequestRecord:
    return RequestRecord(
        id=row.id,
        incident_id=row.incident_id,
        clip_id=row.clip_id,
        requester=row.requester,
        purpose=row.purpose,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        status=row.status,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
    )


def release_record(row: FootageRelease) -> ReleaseRecord:
    return ReleaseRecord(
        id=row.id,
        clip_id=row.clip_id,
        request_id=row.request_id,
        recipient=row.recipient,
        justification=row.justification,
        released_by=row.released_by,
        released_at=row.released_at,
    )


# -- finding rows ---------------------------------------------------------------------


async def find_camera_by_number(session: AsyncSession, number: str) -> Camera:
    """The camera with this number (any case), or a refusal naming the numbers the register has."""
    wanted = (number or "").strip()
    cameras = (await session.execute(select(Camera).order_by(Camera.number))).scalars().all()
    for camera in cameras:
        if camera.number.lower() == wanted.lower():
            return camera
    if not cameras:
        raise ValidationError(
            f"unknown camera {wanted!r}: the register has no cameras; add them with `controlroom camera add`"
        )
    numbers = [c.number for c in cameras]
    shown = ", ".join(numbers[:KNOWN_LISTED]) + (
        f" and {len(numbers) - KNOWN_LISTED} more" if len(numbers) > KNOWN_LISTED else ""
    )
    raise ValidationError(f"unknown camera {wanted!r}; the register has: {shown}")


async def find_clip(session: AsyncSession, clip_id: int) -> FootageClip:
    """The clip with this number, or a refusal saying how to find the clips of an incident."""
    row = await session.get(FootageClip, clip_id)
    if row is None:
        raise ValidationError(
            f"no clip {clip_id}; `controlroom footage list REF` lists the clips of an incident"
        )
    return row


async def find_request(session: AsyncSession, request_id: int, incident_id: int) -> FootageRequest:
    """A request of this incident, or a refusal naming the incident's requests."""
    row = await session.get(FootageRequest, request_id)
    if row is not None and row.incident_id == incident_id:
        return row
    ids = (
        (await session.execute(select(FootageRequest.id).where(FootageRequest.incident_id == incident_id)))
        .scalars()
        .all()
    )
    known = ", ".join(str(i) for i in ids) if ids else "none yet (record one with `footage request`)"
    raise ValidationError(f"no request {request_id} for this incident; its requests: {known}")
