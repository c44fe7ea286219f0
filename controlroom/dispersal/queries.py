"""Reading persons of concern, dispersal zones and directions: snapshots, lists, paperwork, tally.

The snapshot builders here are shared by the commands (which put them on the
change feed) and by the feed's start-up picture, so a console sees the same
values whichever way they reach it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from controlroom.core.domain import LOCAL_TZ, NIGHT_CHANGES_AT_HOUR, DirectionStatus, operational_night
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import DirectionSnapshot, SubjectSnapshot, ZoneSnapshot
from controlroom.paperwork.data import AuthorisationPaper, DirectionPaper, LatLon, Officer
from controlroom.storage.database import Database
from controlroom.storage.models import (
    Direction,
    DirectionChange,
    DispersalZone,
    Incident,
    Subject,
    SubjectSighting,
    SubjectWarning,
    SurrenderedItem,
    Task,
)
from controlroom.writes import utcnow


@asynccontextmanager
async def _reading(db: Database) -> AsyncIterator[AsyncSession]:
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
    )


async def direction_snapshot(session: AsyncSession, row: Direction) -> DirectionSnapshot:
    subject = await session.get(Subject, row.subject_id)
    items = (
        await session.execute(
            select(SurrenderedItem.description)
            .where(SurrenderedItem.direction_id == row.id)
            .order_by(SurrenderedItem.id)
        )
    ).scalars()
    task = (
        await session.execute(select(Task.id).where(Task.direction_id == row.id, Task.kind == "take_home"))
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
            if row.withdrawn_at is None and row.starts_at <= at < row.ends_at:
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


# -- lists for the command line ------------------------------------------------------


async def list_zones(db: Database) -> list[ZoneSnapshot]:
    async with _reading(db) as session:
        rows = (await session.execute(select(DispersalZone).order_by(DispersalZone.id))).scalars()
        return [zone_snapshot(r) for r in rows]


async def list_directions(db: Database) -> list[DirectionSnapshot]:
    async with _reading(db) as session:
        rows = list((await session.execute(select(Direction).order_by(Direction.id))).scalars())
        return [await direction_snapshot(session, r) for r in rows]


async def list_subjects(db: Database, now: datetime | None = None) -> list[SubjectSnapshot]:
    async with _reading(db) as session:
        rows = list((await session.execute(select(Subject).order_by(Subject.id))).scalars())
        return [await subject_snapshot(session, r, now or utcnow()) for r in rows]


# -- this night's tally --------------------------------------------------------------


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


# -- paperwork -----------------------------------------------------------------------


def _authorisation(row: DispersalZone) -> AuthorisationPaper:
    return AuthorisationPaper(
        zone_id=row.id,
        name=row.name,
        log_number=row.log_number,
        officer=zone_officer(row),
        polygon=polygon_of(row.polygon),
        area_in_words=row.area_in_words,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        grounds=row.grounds,
        rights_consideration=row.rights_consideration,
        authorised_at=row.authorised_at,
    )


async def authorisation_paper(db: Database, zone_id: int | str) -> AuthorisationPaper:
    """The s.34 authorisation as the printed form shows it."""
    async with _reading(db) as session:
        return _authorisation(await find_zone(session, zone_id))


async def direction_paper(db: Database, reference: str) -> DirectionPaper:
    """The s.35 direction as the notice, the record copy and the receipt show it."""
    async with _reading(db) as session:
        row = await find_direction(session, reference)
        zone = await session.get(DispersalZone, row.zone_id)
        subject = await session.get(Subject, row.subject_id)
        assert zone is not None and subject is not None  # noqa: S101 - foreign keys
        items = list(
            (
                await session.execute(
                    select(SurrenderedItem)
                    .where(SurrenderedItem.direction_id == row.id)
                    .order_by(SurrenderedItem.id)
                )
            ).scalars()
        )
        changes = list(
            (
                await session.execute(
                    select(DirectionChange)
                    .where(DirectionChange.direction_id == row.id)
                    .order_by(DirectionChange.id)
                )
            ).scalars()
        )
        return DirectionPaper(
            reference=row.reference,
            zone=_authorisation(zone),
            given_at=row.given_at,
            officer=zone_officer(row),
            person_description=subject.description,
            person_name=subject.name,
            apparent_age=row.apparent_age,
            behaviour=row.behaviour,
            grounds=row.grounds,
            exclusion_polygon=polygon_of(row.exclusion_polygon),
            exclusion_in_words=row.exclusion_in_words,
            exclusion_ends_at=row.exclusion_ends_at,
            leave_by=row.leave_by,
            route=row.route,
            offence_warning_given=row.offence_warning_given,
            written_notice_given=row.written_notice_given,
            no_written_notice_reason=row.no_written_notice_reason,
            surrendered_items=tuple(i.description for i in items),
            collection_station=row.collection_station if items else None,
            collect_from=min((i.collect_from for i in items), default=None),
            variations=tuple(describe_change(c) for c in changes if c.kind == "variation"),
            withdrawn_at=row.withdrawn_at,
        )


def describe_change(change: DirectionChange) -> str:
    """A variation or withdrawal in words for the s.38 record (times in UK local time)."""
    at = change.at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
    terms = "; ".join(f"{_label(k)} now {_value(v)}" for k, v in change.terms.items())
    notice = "notice given" if change.notice_given else f"no notice: {change.no_notice_reason}"
    verb = "Varied" if change.kind == "variation" else "Withdrawn"
    return (
        f"{verb} {at} by {change.officer}" + (f": {terms}" if terms else "") + f" ({change.reason}; {notice})"
    )


def _label(key: str) -> str:
    return key.replace("_", " ")


def _value(value: Any) -> str:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, list):
        return f"an area of {len(value)} points"
    return str(value)
