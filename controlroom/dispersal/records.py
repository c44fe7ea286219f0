"""The dispersal package's shared readers: zones, directions and persons of concern as snapshots.

Zones, directions and persons read each other's records (a direction names its zone
and its person; a person's alert depends on his directions), so the readers they
share live here, at the bottom of the package, and the commands above import them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import DirectionStatus
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import DirectionSnapshot, SubjectSnapshot, ZoneSnapshot
from controlroom.paperwork.data import LatLon, Officer
from controlroom.storage.database import Database
from controlroom.storage.models import (
    Direction,
    DispersalZone,
    Incident,
    Subject,
    SubjectSighting,
    SubjectWarning,
    SurrenderedItem,
    Task,
)


@asynccontextmanager
async def reading(db: Database) -> AsyncIterator[AsyncSession]:
    """An ORM session over one read-only transaction (nothing is ever flushed)."""
    async with db.read(consistent=True) as conn:
        session = AsyncSession(bind=conn, autoflush=False)
        try:
            yield session
        finally:
            await session.close()


def polygon_of(points: list[list[float]]) -> tuple[LatLon, ...]:
    return tuple((float(lat), float(lon)) for lat, lon in points)


def zone_officer(row: DispersalZone | Direction) -> Officer:
    return Officer(rank=row.officer_rank, number=row.officer_number, name=row.officer_name)


def zone_snapshot(row: DispersalZone) -> ZoneSnapshot:
    return ZoneSnapshot(
        id=row.id,
        name=row.name,
        log_number=row.log_number,
        officer=zone_officer(row).describe(),
        polygon=polygon_of(row.polygon),
        area_in_words=row.area_in_words,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        authorised_at=row.authorised_at,
        withdrawn_at=row.withdrawn_at,
        version=row.version,
        signed_at=row.signed_at,
    )


async def direction_snapshot(session: AsyncSession, row: Direction) -> DirectionSnapshot:
    subject = await session.get(Subject, row.subject_id)
    items = (
        await session.execute(
            select(SurrenderedItem.description)
            .where(SurrenderedItem.direction_id == row.id, SurrenderedItem.refused.is_(False))
            .order_by(SurrenderedItem.id)
        )
    ).scalars()
    task = (
        await session.execute(
            select(Task.id, Task.status).where(Task.direction_id == row.id, Task.kind == "take_home")
        )
    ).first()
    breaches = (
        await session.execute(
            select(func.count())
            .select_from(SubjectSighting)
            .where(SubjectSighting.direction_id == row.id, SubjectSighting.breach_incident_id.is_not(None))
        )
    ).scalar_one()
    return DirectionSnapshot(
        id=row.id,
        reference=row.reference,
        zone_id=row.zone_id,
        subject_id=row.subject_id,
        subject_description=subject.description if subject else "",
        given_at=row.given_at,
        officer=zone_officer(row).describe(),
        lat=row.lat,
        lon=row.lon,
        apparent_age=row.apparent_age,
        exclusion_polygon=polygon_of(row.exclusion_polygon),
        exclusion_in_words=row.exclusion_in_words,
        exclusion_ends_at=row.exclusion_ends_at,
        leave_by=row.leave_by,
        route=row.route,
        status=row.status,
        surrendered_items=tuple(items),
        take_home_task=task is not None,
        breaches=int(breaches),
        version=row.version,
        take_home_done=task is not None and task.status == "done",
        officer_capacity=row.officer_capacity,
    )


async def active_directions(session: AsyncSession, subject_id: int, at: datetime) -> list[Direction]:
    """Directions given to the subject by ``at`` whose exclusion has not ended by then."""
    return list(
        (
            await session.execute(
                select(Direction)
                .where(
                    Direction.subject_id == subject_id,
                    Direction.status == DirectionStatus.ACTIVE.value,
                    Direction.given_at <= at,
                    Direction.exclusion_ends_at > at,
                )
                .order_by(Direction.given_at)
            )
        ).scalars()
    )


async def subject_snapshot(session: AsyncSession, row: Subject, now: datetime) -> SubjectSnapshot:
    warnings = (
        await session.execute(
            select(func.count()).select_from(SubjectWarning).where(SubjectWarning.subject_id == row.id)
        )
    ).scalar_one()
    sightings = (
        await session.execute(
            select(func.count(), func.max(SubjectSighting.seen_at)).where(
                SubjectSighting.subject_id == row.id
            )
        )
    ).one()
    latest = (
        await session.execute(
            select(SubjectSighting)
            .where(SubjectSighting.subject_id == row.id)
            .order_by(SubjectSighting.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    directions = await active_directions(session, row.id, now)
    alert, alert_at = await _alert_for(session, latest, int(warnings))
    return SubjectSnapshot(
        id=row.id,
        description=row.description,
        clothing=row.clothing,
        build=row.build,
        distinguishing_features=row.distinguishing_features,
        review_date=row.review_date,
        warnings=int(warnings),
        active_directions=tuple(d.reference for d in directions),
        sightings=int(sightings[0]),
        last_seen_at=sightings[1],
        alert=alert,
        alert_at=alert_at,
        version=row.version,
    )


async def _alert_for(
    session: AsyncSession, latest: SubjectSighting | None, warnings: int
) -> tuple[str | None, datetime | None]:
    """The alert the latest sighting raised, if any (breach first, then repeat behaviour)."""
    if latest is None:
        return None, None
    if latest.breach_incident_id is not None and latest.direction_id is not None:
        direction = await session.get(Direction, latest.direction_id)
        incident = await session.get(Incident, latest.breach_incident_id)
        if direction is not None and incident is not None:
            return (
                f"Possible breach of s.35 direction {direction.reference}: "
                f"{incident.reference} raised (Grade 2)",
                latest.seen_at,
            )
    if latest.repeat_behaviour:
        return f"Repeat behaviour: seen again after {warnings} warning(s) or a direction", latest.seen_at
    return None, None


async def find_subject(session: AsyncSession, subject_id: int) -> Subject:
    row = await session.get(Subject, subject_id)
    if row is None:
        raise ValidationError(
            f"no person of concern number {subject_id}; `controlroom person list` shows them"
        )
    return row


async def find_zone(session: AsyncSession, key: str | int, at: datetime | None = None) -> DispersalZone:
    """A zone by number, or by name (the one in force at ``at``, else the latest authorised)."""
    text = str(key).strip()
    if text.isdigit():
        row = await session.get(DispersalZone, int(text))
        if row is None:
            raise ValidationError(f"no dispersal zone number {text}; `controlroom zone list` shows them")
        return row
    named = list(
        (
            await session.execute(
                select(DispersalZone)
                .where(func.lower(DispersalZone.name) == text.lower())
                .order_by(DispersalZone.authorised_at.desc())
            )
        ).scalars()
    )
    if not named:
        raise ValidationError(f"no dispersal zone named {text!r}; `controlroom zone list` shows them")
    if at is not None:
        for row in named:
            if row.withdrawn_at is None and max(row.starts_at, row.signed_at) <= at < row.ends_at:
                return row
    return named[0]


async def find_direction(session: AsyncSession, reference: str) -> Direction:
    wanted = reference.strip().upper()
    row = (await session.execute(select(Direction).where(Direction.reference == wanted))).scalar_one_or_none()
    if row is None:
        raise ValidationError(
            f"no direction with reference {reference!r}; references look like S35-20261127-003"
        )
    return row
