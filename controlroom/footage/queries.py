"""Reading footage: the clips of an incident with what was done with them, and the retention review.

Each read is one snapshot (``db.read(consistent=True)``), so a clip, its continuity
log, its requests and its releases are read as they stood at one moment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.errors import ValidationError
from controlroom.footage.records import ClipRecord, RequestRecord, clip_record, request_record
from controlroom.storage.database import Database
from controlroom.storage.models import (
    Camera,
    FootageClip,
    FootageEvent,
    FootageRelease,
    FootageRequest,
    Incident,
)


@dataclass(frozen=True, slots=True)
class IncidentFootage:
    """An incident's clips (oldest first) and every request made for its footage."""

    incident_id: int
    reference: str
    place: str
    lat: float
    lon: float
    reported_at: datetime
    clips: tuple[ClipRecord, ...]
    requests: tuple[RequestRecord, ...]


@dataclass(frozen=True, slots=True)
class RetentionReview:
    """What to decide on ``on``: locks that have run out, and unlocked clips past retention."""

    on: date
    locks_due: tuple[ClipRecord, ...]
    retention_passed: tuple[ClipRecord, ...]


async def incident_footage(db: Database, reference: str) -> IncidentFootage:
    """The incident's clips with their continuity logs, requests and releases."""
    async with db.read(consistent=True) as conn, AsyncSession(bind=conn) as session:
        wanted = reference.strip().upper()
        incident = (
            await session.execute(select(Incident).where(Incident.reference == wanted))
        ).scalar_one_or_none()
        if incident is None:
            raise ValidationError(
                f"no incident with reference {reference!r}; references look like SOT-20261127-0042"
            )
        clips = (
            (
                await session.execute(
                    select(FootageClip).where(FootageClip.incident_id == incident.id).order_by(FootageClip.id)
                )
            )
            .scalars()
            .all()
        )
        requests = (
            (
                await session.execute(
                    select(FootageRequest)
                    .where(FootageRequest.incident_id == incident.id)
                    .order_by(FootageRequest.id)
                )
            )
            .scalars()
            .all()
        )
        records = await _records(session, clips, {c.id: incident.reference for c in clips}, requests)
    return IncidentFootage(
        incident_id=incident.id,
        reference=incident.reference,
        place=incident.place,
        lat=incident.lat,
        lon=incident.lon,
        reported_at=incident.reported_at,
        clips=tuple(records),
        requests=tuple(request_record(r) for r in requests),
    )


async def retention_review(db: Database, on: date) -> RetentionReview:
    """Locked clips whose lock runs out on or before ``on``; unlocked clips the camera no longer keeps.

    An unlocked clip is past retention when its normal deletion date (its end plus the
    camera's retention days) is on or before ``on``: the camera's store has deleted it,
    or will that day, so the record of the clip is all that is left to review.
    """
    end_of_day = datetime.combine(on + timedelta(days=1), time(), tzinfo=UTC)
    async with db.read(consistent=True) as conn, AsyncSession(bind=conn) as session:
        locked = FootageClip.locked_until.is_not(None) & FootageClip.unlocked_at.is_(None)
        due = select(FootageClip).where(locked, FootageClip.locked_until <= on)
        # Retention is at least a day, so only clips ending before ``on`` can have passed it.
        unlocked = select(FootageClip).where(
            or_(FootageClip.locked_until.is_(None), FootageClip.unlocked_at.is_not(None)),
            FootageClip.ends_at < end_of_day,
        )
        due_rows = (
            (await session.execute(due.order_by(FootageClip.locked_until, FootageClip.id))).scalars().all()
        )
        open_rows = (await session.execute(unlocked.order_by(FootageClip.id))).scalars().all()
        rows = [*due_rows, *open_rows]
        references = await _references(session, {r.incident_id for r in rows})
        records = await _records(session, rows, {r.id: references[r.incident_id] for r in rows}, ())
    by_id = {r.id: r for r in records}
    return RetentionReview(
        on=on,
        locks_due=tuple(by_id[r.id] for r in due_rows),
        retention_passed=tuple(by_id[r.id] for r in open_rows if by_id[r.id].deletion_date <= on),
    )


async def _references(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Incident.id, Incident.reference).where(Incident.id.in_(ids)))
    return {int(i): str(r) for i, r in rows.all()}


async def _records(
    session: AsyncSession,
    clips: Sequence[FootageClip],
    references: dict[int, str],
    requests: Sequence[FootageRequest],
) -> list[ClipRecord]:
    """Each clip with its camera, continuity log, releases and requests: four reads in all."""
    if not clips:
        return []
    ids = [c.id for c in clips]
    cameras = {
        c.id: c
        for c in (
            await session.execute(select(Camera).where(Camera.id.in_({c.camera_id for c in clips})))
        ).scalars()
    }
    events: dict[int, list[FootageEvent]] = defaultdict(list)
    for event in (await session.execute(select(FootageEvent).where(FootageEvent.clip_id.in_(ids)))).scalars():
        events[event.clip_id].append(event)
    releases: dict[int, list[FootageRelease]] = defaultdict(list)
    for release in (
        await session.execute(select(FootageRelease).where(FootageRelease.clip_id.in_(ids)))
    ).scalars():
        releases[release.clip_id].append(release)
    asked: dict[int, list[FootageRequest]] = defaultdict(list)
    for request in requests:
        if request.clip_id is not None:
            asked[request.clip_id].append(request)
    return [
        clip_record(c, cameras[c.camera_id], references[c.id], events[c.id], releases[c.id], asked[c.id])
        for c in clips
    ]


__all__ = ["IncidentFootage", "RetentionReview", "incident_footage", "retention_review"]
