"""Reading the live state a handover is drafted from: one snapshot, a fixed number of queries.

``read_board`` reads, in one consistent read transaction (REPEATABLE READ on PostgreSQL,
as the feed's board load), the same records a console's board shows — open incidents,
units, active flags, zones not ended, running directions, venues — and what the board
does not keep in memory but a handover must mention: their checklists, open take-home
tasks, open footage requests, tonight's sightings and the night's counts. Every query is
set-based (one per kind of record, never one per item), so 500 open items cost what 5
do, plus the rows themselves: the draft stays well inside its 300 ms budget
(``benchmarks/bench_handover.py``).

Unlike ``ChangeFeed.start`` it reads at the caller's ``now`` (a flag still active, a zone
still in force *then*), so a draft made with a fixed clock in a test or a replay says
what the board said at that moment. A row the program cannot read is left out and named
in ``warnings``, as the feed does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from controlroom.core.decoding import decode_each, decode_flag, decode_incident, decode_unit, decode_venue
from controlroom.core.domain import DirectionStatus, Status, UnitStatus, operational_night
from controlroom.core.snapshots import (
    ChecklistSnapshot,
    FlagSnapshot,
    IncidentSnapshot,
    RowWarning,
    UnitSnapshot,
    VenueSnapshot,
    ZoneSnapshot,
)
from controlroom.dispersal.queries import night_bounds
from controlroom.dispersal.records import zone_snapshot
from controlroom.incidents.records import incident_columns
from controlroom.procedures.records import checklist_board
from controlroom.storage.database import Database
from controlroom.storage.models import (
    Direction,
    DispersalZone,
    Flag,
    FootageRequest,
    Incident,
    Subject,
    SubjectSighting,
    SubjectWarning,
    SurrenderedItem,
    Task,
    Unit,
    Venue,
)
from controlroom.storage.raw import as_stored

OPEN = tuple(s.value for s in Status if s not in (Status.RESOLVED, Status.CLOSED))


@dataclass(frozen=True, slots=True)
class RunningDirection:
    """An s.35 direction still excluding someone; ``subject_description`` only if read."""

    id: int
    reference: str
    zone_id: int
    zone_name: str
    subject_id: int
    given_at: datetime
    exclusion_in_words: str
    exclusion_ends_at: datetime
    breaches: int
    apparent_age: int | None = None
    subject_description: str | None = None


@dataclass(frozen=True, slots=True)
class PersonSeen:
    """A person of concern seen tonight: sightings, the last time and place (if read)."""

    subject_id: int
    sightings: int
    last_seen_at: datetime
    last_place: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class OpenTask:
    """An outstanding take-home task (s.35(7))."""

    id: int
    direction_reference: str
    created_at: datetime
    summary: str


@dataclass(frozen=True, slots=True)
class OpenFootageRequest:
    """A request for footage not yet answered."""

    id: int
    incident_reference: str
    requester: str
    purpose: str
    recorded_at: datetime
    clip_id: int | None


@dataclass(frozen=True, slots=True)
class BoardState:
    """Everything a draft is built from, as it stood at ``now``."""

    now: datetime
    night: date
    incidents: tuple[IncidentSnapshot, ...]
    checklists: dict[int, ChecklistSnapshot]
    units: tuple[UnitSnapshot, ...]
    unit_tasks: dict[int, str]  # incident or flag id -> what a unit is doing there
    flags: tuple[FlagSnapshot, ...]
    zones: tuple[ZoneSnapshot, ...]
    directions: tuple[RunningDirection, ...]
    persons: tuple[PersonSeen, ...]
    safe_spaces: tuple[VenueSnapshot, ...]
    tasks: tuple[OpenTask, ...]
    footage_requests: tuple[OpenFootageRequest, ...]
    tally: tuple[tuple[str, str, int], ...]  # (key, label, count)
    warnings: tuple[RowWarning, ...] = ()


async def read_board(db: Database, now: datetime, *, personal: bool, persons: bool) -> BoardState:
    """The live state at ``now``.

    ``personal``: directions' subjects and take-home summaries are read; ``persons``: the
    descriptions and places of persons of concern seen tonight (their counts always).
    """
    async with db.read(consistent=True) as conn:
        incident_rows = await _rows(
            conn, select(*incident_columns(redacted=True)).where(Incident.status.in_(OPEN))
        )
        incidents, bad_incidents = decode_each(incident_rows, decode_incident)
        incidents.sort(key=lambda i: (i.reported_at, i.id))
        unit_rows = await _rows(
            conn,
            select(*as_stored(Unit.__table__.columns))
            .where(Unit.status != UnitStatus.OFF_DUTY.value)
            .order_by(Unit.callsign),
        )
        units, bad_units = decode_each(unit_rows, decode_unit)
        flag_rows = await _rows(
            conn,
            select(*as_stored(Flag.__table__.columns))
            .where(Flag.expires_at > now, Flag.cleared_at.is_(None), Flag.incident_id.is_(None))
            .order_by(Flag.flagged_at),
        )
        flags, bad_flags = decode_each(flag_rows, decode_flag)
        venue_rows = await _rows(
            conn,
            select(*as_stored(Venue.__table__.columns))
            .where(Venue.is_safe_space.is_(True))
            .order_by(Venue.name),
        )
        venues, bad_venues = decode_each(venue_rows, decode_venue)
        checklists, bad_checklists = await checklist_board(conn, [i.id for i in incidents])
        unit_tasks = await _unit_tasks(conn, units, incidents, flags)
        zones, zone_names = await _zones(conn, now)
        directions = await _directions(conn, now, zone_names, personal=personal)
        seen = await _persons(conn, now, personal=persons)
        tasks = await _tasks(conn, personal=personal)
        requests = await _footage_requests(conn)
        tally = await _tally(conn, now)
    return BoardState(
        now=now,
        night=operational_night(now),
        incidents=tuple(incidents),
        checklists={c.incident_id: c for c in checklists},
        units=tuple(units),
        unit_tasks=unit_tasks,
        flags=tuple(flags),
        zones=tuple(z for z in zones if z.in_force(now)),
        directions=directions,
        persons=seen,
        safe_spaces=tuple(venues),
        tasks=tasks,
        footage_requests=requests,
        tally=tally,
        warnings=(*bad_incidents, *bad_units, *bad_flags, *bad_venues, *bad_checklists),
    )


async def _rows(conn: AsyncConnection, query: Any) -> list[dict[str, Any]]:
    return [row._asdict() for row in (await conn.execute(query)).all()]


async def _unit_tasks(
    conn: AsyncConnection,
    units: Iterable[UnitSnapshot],
    incidents: Iterable[IncidentSnapshot],
    flags: Iterable[FlagSnapshot],
) -> dict[int, str]:
    """What each busy unit is on: ``"incident:<id>"`` / ``"flag:<id>"`` keys to words."""
    references = {i.id: i.reference for i in incidents}
    places = {f.id: f.place for f in flags}
    units = list(units)
    missing_incidents = {u.incident_id for u in units if u.incident_id and u.incident_id not in references}
    missing_flags = {u.flag_id for u in units if u.flag_id and u.flag_id not in places}
    if missing_incidents:
        rows = await conn.execute(
            select(Incident.id, Incident.reference).where(Incident.id.in_(missing_incidents))
        )
        references.update({int(i): str(r) for i, r in rows.all()})
    if missing_flags:
        rows = await conn.execute(select(Flag.id, Flag.place).where(Flag.id.in_(missing_flags)))
        places.update({int(i): str(p) for i, p in rows.all()})
    tasks: dict[int, str] = {}
    for unit in units:
        if unit.incident_id is not None:
            tasks[unit.id] = f"incident {references.get(unit.incident_id, unit.incident_id)}"
        elif unit.flag_id is not None:
            tasks[unit.id] = f"flag at {places.get(unit.flag_id, unit.flag_id)}"
    return tasks


async def _zones(conn: AsyncConnection, now: datetime) -> tuple[list[ZoneSnapshot], dict[int, str]]:
    session = AsyncSession(bind=conn)
    try:
        rows = (
            await session.execute(
                select(DispersalZone)
                .where(DispersalZone.ends_at > now, DispersalZone.withdrawn_at.is_(None))
                .order_by(DispersalZone.ends_at)
            )
        ).scalars()
        zones = [zone_snapshot(z) for z in rows]
    finally:
        await session.close()
    return zones, {z.id: z.name for z in zones}


async def _directions(
    conn: AsyncConnection, now: datetime, zone_names: dict[int, str], *, personal: bool
) -> tuple[RunningDirection, ...]:
    breaches = (
        select(SubjectSighting.direction_id, func.count().label("n"))
        .where(SubjectSighting.breach_incident_id.is_not(None), SubjectSighting.direction_id.is_not(None))
        .group_by(SubjectSighting.direction_id)
        .subquery()
    )
    columns = [
        Direction.id,
        Direction.reference,
        Direction.zone_id,
        Direction.subject_id,
        Direction.given_at,
        Direction.exclusion_in_words,
        Direction.exclusion_ends_at,
        func.coalesce(breaches.c.n, 0).label("breaches"),
        DispersalZone.name.label("zone_name"),
    ]
    if personal:
        columns += [Direction.apparent_age, Subject.description]
    query = (
        select(*columns)
        .join(DispersalZone, DispersalZone.id == Direction.zone_id)
        .outerjoin(breaches, breaches.c.direction_id == Direction.id)
        .where(Direction.status == DirectionStatus.ACTIVE.value, Direction.exclusion_ends_at > now)
        .order_by(Direction.exclusion_ends_at, Direction.id)
    )
    if personal:
        query = query.join(Subject, Subject.id == Direction.subject_id)
    rows = (await conn.execute(query)).mappings().all()
    return tuple(
        RunningDirection(
            id=r["id"],
            reference=r["reference"],
            zone_id=r["zone_id"],
            zone_name=zone_names.get(r["zone_id"], r["zone_name"]),
            subject_id=r["subject_id"],
            given_at=r["given_at"],
            exclusion_in_words=r["exclusion_in_words"],
            exclusion_ends_at=r["exclusion_ends_at"],
            breaches=int(r["breaches"]),
            apparent_age=r["apparent_age"] if personal else None,
            subject_description=r["description"] if personal else None,
        )
        for r in rows
    )


async def _persons(conn: AsyncConnection, now: datetime, *, personal: bool) -> tuple[PersonSeen, ...]:
    """Each subject seen since the night began (up to ``now``), latest sighting last."""
    start, _ = night_bounds(operational_night(now))
    query = select(SubjectSighting.subject_id, SubjectSighting.seen_at, SubjectSighting.place).where(
        SubjectSighting.seen_at >= start, SubjectSighting.seen_at <= now
    )
    rows = (await conn.execute(query.order_by(SubjectSighting.seen_at, SubjectSighting.id))).all()
    counts: dict[int, int] = {}
    last: dict[int, tuple[datetime, str]] = {}
    for subject_id, seen_at, place in rows:
        counts[subject_id] = counts.get(subject_id, 0) + 1
        last[subject_id] = (seen_at, place or "")
    descriptions: dict[int, str] = {}
    if personal and counts:
        found = await conn.execute(select(Subject.id, Subject.description).where(Subject.id.in_(counts)))
        descriptions = {int(i): str(d) for i, d in found.all()}
    ordered = sorted(counts, key=lambda s: last[s][0], reverse=True)
    return tuple(
        PersonSeen(
            subject_id=s,
            sightings=counts[s],
            last_seen_at=last[s][0],
            last_place=last[s][1],
            description=descriptions.get(s) if personal else None,
        )
        for s in ordered
    )


async def _tasks(conn: AsyncConnection, *, personal: bool) -> tuple[OpenTask, ...]:
    query = (
        select(Task.id, Task.created_at, Task.summary, Direction.reference)
        .outerjoin(Direction, Direction.id == Task.direction_id)
        .where(Task.kind == "take_home", Task.status == "open")
        .order_by(Task.created_at, Task.id)
    )
    rows = (await conn.execute(query)).all()
    return tuple(
        OpenTask(id=i, direction_reference=ref or "", created_at=at, summary=summary if personal else "")
        for i, at, summary, ref in rows
    )


async def _footage_requests(conn: AsyncConnection) -> tuple[OpenFootageRequest, ...]:
    query = (
        select(
            FootageRequest.id,
            Incident.reference,
            FootageRequest.requester,
            FootageRequest.purpose,
            FootageRequest.recorded_at,
            FootageRequest.clip_id,
        )
        .join(Incident, Incident.id == FootageRequest.incident_id)
        .where(FootageRequest.status == "open")
        .order_by(FootageRequest.recorded_at, FootageRequest.id)
    )
    return tuple(
        OpenFootageRequest(int(i), str(ref), str(who), str(why), at, clip)
        for i, ref, who, why, at, clip in (await conn.execute(query)).all()
    )


async def _tally(conn: AsyncConnection, now: datetime) -> tuple[tuple[str, str, int], ...]:
    """The night so far: counts only, every one in a single statement (one round trip)."""
    night = operational_night(now)
    start, _ = night_bounds(night)
    tonight = Incident.night == night
    finished = (Status.RESOLVED.value, Status.CLOSED.value)
    sightings = (SubjectSighting.seen_at >= start, SubjectSighting.seen_at <= now)
    measures = (
        ("incidents", "Incidents reported", select(func.count()).where(tonight)),
        ("grade1", "Grade 1 incidents", select(func.count()).where(tonight, Incident.grade == 1)),
        (
            "resolved",
            "Resolved or closed",
            select(func.count()).where(tonight, Incident.status.in_(finished)),
        ),
        (
            "warnings",
            "Words of advice",
            select(func.count()).where(SubjectWarning.given_at >= start, SubjectWarning.given_at <= now),
        ),
        (
            "directions",
            "s.35 directions given",
            select(func.count()).where(Direction.given_at >= start, Direction.given_at <= now),
        ),
        (
            "items",
            "Items surrendered",
            select(func.count()).where(
                SurrenderedItem.surrendered_at >= start, SurrenderedItem.surrendered_at <= now
            ),
        ),
        (
            "direction_breaches",
            "Direction breaches",
            select(func.count()).where(SubjectSighting.breach_incident_id.is_not(None), *sightings),
        ),
        ("sightings", "Sightings of persons of concern", select(func.count()).where(*sightings)),
    )
    query = select(*(count.scalar_subquery().label(key) for key, _, count in measures))
    row = (await conn.execute(query)).one()
    return tuple((key, label, int(value or 0)) for (key, label, _), value in zip(measures, row, strict=True))


__all__ = ["BoardState", "OpenFootageRequest", "OpenTask", "PersonSeen", "RunningDirection", "read_board"]
