"""Reading dispersal for the consoles: the board, the lists, and this night's tally."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from controlroom.core.domain import LOCAL_TZ, NIGHT_CHANGES_AT_HOUR, DirectionStatus, operational_night
from controlroom.core.snapshots import DirectionSnapshot, SubjectSnapshot, ZoneSnapshot
from controlroom.dispersal.records import direction_snapshot, reading, subject_snapshot, zone_snapshot
from controlroom.storage.database import Database
from controlroom.storage.models import (
    Direction,
    DispersalZone,
    Subject,
    SubjectSighting,
    SubjectWarning,
    SurrenderedItem,
)
from controlroom.writes import utcnow


async def dispersal_board(
    conn: AsyncConnection, now: datetime
) -> tuple[list[ZoneSnapshot], list[DirectionSnapshot]]:
    """Zones not yet ended or withdrawn, and directions still excluding someone, for a console's start."""
    session = AsyncSession(bind=conn)
    try:
        zones = (
            await session.execute(
                select(DispersalZone)
                .where(DispersalZone.ends_at > now, DispersalZone.withdrawn_at.is_(None))
                .order_by(DispersalZone.starts_at)
            )
        ).scalars()
        directions = (
            await session.execute(
                select(Direction)
                .where(Direction.status == DirectionStatus.ACTIVE.value, Direction.exclusion_ends_at > now)
                .order_by(Direction.given_at)
            )
        ).scalars()
        zone_rows, direction_rows = list(zones), list(directions)
        return [zone_snapshot(z) for z in zone_rows], [
            await direction_snapshot(session, d) for d in direction_rows
        ]
    finally:
        await session.close()


async def list_zones(db: Database) -> list[ZoneSnapshot]:
    async with reading(db) as session:
        rows = (await session.execute(select(DispersalZone).order_by(DispersalZone.id))).scalars()
        return [zone_snapshot(r) for r in rows]


async def list_directions(db: Database) -> list[DirectionSnapshot]:
    async with reading(db) as session:
        rows = list((await session.execute(select(Direction).order_by(Direction.id))).scalars())
        return [await direction_snapshot(session, r) for r in rows]


async def list_subjects(db: Database, now: datetime | None = None) -> list[SubjectSnapshot]:
    async with reading(db) as session:
        rows = list((await session.execute(select(Subject).order_by(Subject.id))).scalars())
        return [await subject_snapshot(session, r, now or utcnow()) for r in rows]


@dataclass(frozen=True, slots=True)
class NightTally:
    """What the board says about dispersal work so far this operational night."""

    night: date
    warnings: int
    directions: int
    surrendered_items: int
    breaches: int

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["night"] = self.night.isoformat()
        return data


def night_bounds(night: date) -> tuple[datetime, datetime]:
    """The operational night as UTC instants: 06:00 local on its date to 06:00 local the next day."""
    start = datetime.combine(night, time(NIGHT_CHANGES_AT_HOUR), tzinfo=LOCAL_TZ)
    end = datetime.combine(night + timedelta(days=1), time(NIGHT_CHANGES_AT_HOUR), tzinfo=LOCAL_TZ)
    return start, end


async def night_tally(db: Database, now: datetime | None = None) -> NightTally:
    """Warnings, directions, surrendered items and breaches of the current operational night."""
    night = operational_night(now or utcnow())
    start, end = night_bounds(night)
    async with db.read() as conn:
        warnings = await conn.scalar(
            select(func.count()).where(SubjectWarning.given_at >= start, SubjectWarning.given_at < end)
        )
        directions = await conn.scalar(
            select(func.count()).where(Direction.given_at >= start, Direction.given_at < end)
        )
        items = await conn.scalar(
            select(func.count()).where(
                SurrenderedItem.surrendered_at >= start, SurrenderedItem.surrendered_at < end
            )
        )
        breaches = await conn.scalar(
            select(func.count()).where(
                SubjectSighting.breach_incident_id.is_not(None),
                SubjectSighting.seen_at >= start,
                SubjectSighting.seen_at < end,
            )
        )
    return NightTally(night, int(warnings or 0), int(directions or 0), int(items or 0), int(breaches or 0))
