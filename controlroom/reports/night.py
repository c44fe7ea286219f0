"""The end-of-night pack: one operational night's figures as plain values, without Qt.

A night is the operational night of ``controlroom.core.domain``: its incidents are those
whose ``night`` is that date (the day shift from 06:00 counts towards it, as ``responses``
and ``tally`` count), and its dispersal work, safe-space changes and take-home tasks are
those recorded between 06:00 local on the date and 06:00 local the next day.

Response times come from ``patrols.responses`` (the same figures ``responses`` prints),
read as at the night's end: an incident still waiting when the night closed breached its
target then, whatever happened the next morning. Safe-space minutes come from the change
log (every venue change carries the venue as it then stood), so a status set before the
night started counts from the night's start.

Personal data stays out: incidents are read without the persons-of-concern columns, the
pack keeps no summary or typed place (a point and a venue name only), and of dispersal
work it keeps counts. ``include_personal`` adds only the incident summaries; the caller
logs that as a disclosure (``cli.reports``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import LOCAL_TZ, NIGHT_STARTS_AT_HOUR, Source, operational_night
from controlroom.core.errors import ValidationError
from controlroom.core.grading import GradeTargets
from controlroom.core.roles import Actor
from controlroom.core.snapshots import IncidentSnapshot, VenueSnapshot
from controlroom.dispersal.queries import night_bounds
from controlroom.incidents.records import incident_columns, incident_from_row
from controlroom.patrols.responses import IncidentResponse, Outcome, response_report
from controlroom.reports.venues import VenueRow, venue_table
from controlroom.storage.database import Database
from controlroom.storage.models import (
    ChangeLogEntry,
    Direction,
    DispersalZone,
    Incident,
    SubjectSighting,
    SubjectWarning,
    SurrenderedItem,
    Task,
    Venue,
)
from controlroom.venues.records import venue_snapshot


@dataclass(frozen=True, slots=True)
class PackIncident:
    """One incident as the pack prints it: no summary unless the pack includes personal data."""

    reference: str
    reported_at: datetime  # UTC
    category: str
    source: str
    grade: int | None
    status: str
    venue: str
    venue_link: str
    lat: float
    lon: float
    response_minutes: float | None
    within_target: bool | None  # None: no target for the grade, or not decided
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class KindCount:
    """Incidents of one category from one source at one grade (None: ungraded)."""

    category: str
    source: str
    grade: int | None
    count: int


@dataclass(frozen=True, slots=True)
class GradeFigures:
    """One grade's response figures; shares are 0–1, None when nothing was decided."""

    grade: int | None
    incidents: int
    attended: int
    target_minutes: float | None
    within_target: float | None
    median_minutes: float | None
    p90_minutes: float | None


@dataclass(frozen=True, slots=True)
class Breach:
    """An incident that missed its attendance target, and whether the caller was told."""

    reference: str
    grade: int | None
    reported_at: datetime
    target_minutes: float
    minutes_to_arrival: float | None  # None: nobody had arrived when the night ended
    caller_told: bool


@dataclass(frozen=True, slots=True)
class SafeSpaceNight:
    """A safe space's night: its status changes (UTC time, from, to) and minutes full/closed."""

    venue: str
    status_at_start: str
    changes: tuple[tuple[datetime, str, str], ...]
    minutes_full: int
    minutes_closed: int


@dataclass(frozen=True, slots=True)
class HotspotCell:
    """A 150 m square of the grid (British National Grid) as a lat/lon ring, with its count."""

    ring: tuple[tuple[float, float], ...]
    count: int


@dataclass(frozen=True, slots=True)
class HotspotLayer:
    """The map's hotspot layer: density cells (ring, share of the peak), busy squares, and how."""

    words: str  # the kernel and bandwidth, stated on the map
    density: tuple[tuple[tuple[tuple[float, float], ...], float], ...]
    squares: tuple[HotspotCell, ...]  # two or more incidents, busiest first


@dataclass(frozen=True, slots=True)
class NightPack:
    """Everything the night pack prints, exports and charts, as plain values."""

    night: date
    start: datetime  # 06:00 local on ``night``, as UTC
    end: datetime  # 06:00 local the next day
    as_at: datetime  # figures are as they stood at this moment (the night's end, or now)
    incidents: tuple[PackIncident, ...]
    kinds: tuple[KindCount, ...]
    grades: tuple[GradeFigures, ...]
    breaches: tuple[Breach, ...]
    angela: tuple[tuple[str, int], ...]  # outcome (or "not recorded") → activations
    safe_spaces: tuple[SafeSpaceNight, ...]
    warnings: int
    directions: int
    surrendered_items: int
    dispersal_breaches: int
    under_16_removals: int
    zones_in_force: tuple[str, ...]
    venues: tuple[VenueRow, ...]  # per venue by link type and grade (``reports.venues``)
    hours: tuple[tuple[int, tuple[int, int, int, int, int]], ...]  # local hour → G1..G4, ungraded
    hotspots: HotspotLayer
    includes_personal: bool

    @property
    def angela_activations(self) -> int:
        return sum(n for _, n in self.angela)

    @property
    def caller_told(self) -> tuple[int, int]:
        """(breaches whose caller was told of the delay, breaches)."""
        return sum(b.caller_told for b in self.breaches), len(self.breaches)


def last_complete_night(now: datetime) -> date:
    """The latest operational night that has ended at ``now`` (aware)."""
    return operational_night(now) - timedelta(days=1)


async def night_pack(
    db: Database,
    night: date,
    *,
    actor: Actor,
    now: datetime | None = None,
    targets: GradeTargets | None = None,
    include_personal: bool = False,
) -> NightPack:
    """The pack for the operational night ``night``; refuses a night not yet begun or before the records."""
    actor.require_role("report.night")
    now = now or datetime.now(UTC)
    start, end = night_bounds(night)
    await _check_night(db, night, now)
    as_at = min(now, end - timedelta(microseconds=1))
    report = await response_report(db, targets or GradeTargets(), now=as_at)
    responses = {r.reference: r for r in report.incidents}
    rows, venues = await _incidents_and_venues(db, night)
    incidents = tuple(
        _pack_incident(row, venues, responses.get(row.reference), include_personal) for row in rows
    )
    work = await dispersal_work(db, start, end)
    return NightPack(
        night=night,
        start=start.astimezone(UTC),
        end=end.astimezone(UTC),
        as_at=as_at.astimezone(UTC),
        incidents=incidents,
        kinds=_kinds(incidents),
        grades=tuple(
            GradeFigures(
                g.grade,
                g.incidents,
                g.attended,
                g.target_minutes,
                g.within_target,
                g.median_minutes,
                g.p90_minutes,
            )
            for g in report.grades
        ),
        breaches=_breaches(report.incidents, {row.reference: row.caller_updated_at for row in rows}),
        angela=angela_outcomes(
            (row.angela_outcome, 1)
            for row in rows
            if row.source == Source.ASK_FOR_ANGELA.value or row.angela_outcome
        ),
        safe_spaces=await safe_spaces_between(db, start, min(end, as_at)),
        warnings=work.warnings,
        directions=work.directions,
        surrendered_items=work.surrendered_items,
        dispersal_breaches=work.breaches,
        under_16_removals=work.under_16_removals,
        zones_in_force=work.zones_in_force,
        venues=tuple(venue_table(rows, venues.values())),
        hours=_hours(incidents),
        hotspots=hotspot_layer(incidents),
        includes_personal=include_personal,
    )


async def _check_night(db: Database, night: date, now: datetime) -> None:
    # The night in progress is allowed (its figures stand as at now); a later one has no records.
    current = operational_night(now)
    if night > current:
        raise ValidationError(
            f"the night of {night:%A %d %B %Y} is still to come (tonight is the night of "
            f"{current:%A %d %B %Y}); give a night up to {current.isoformat()}, "
            "or leave --night out for the last complete one"
        )
    async with db.read() as conn:
        first = await conn.scalar(select(func.min(Incident.night)))
    if first is None:
        raise ValidationError("no incident has been recorded yet, so there is no night to report")
    if night < first:
        raise ValidationError(
            f"the night of {night:%A %d %B %Y} is before the first record (the night of "
            f"{first:%A %d %B %Y}); give a night from {first.isoformat()} on"
        )


async def _incidents_and_venues(
    db: Database, night: date
) -> tuple[list[IncidentSnapshot], dict[int, VenueSnapshot]]:
    """The night's incidents (duplicates left out), without persons-of-concern columns, and every venue."""
    query = (
        select(*incident_columns(redacted=True))
        .where(Incident.night == night, Incident.duplicate_of.is_(None))
        .order_by(Incident.reported_at, Incident.id)
    )
    async with db.read() as conn:
        incidents = [incident_from_row(row) for row in (await conn.execute(query)).mappings()]
    async with db.read() as conn, AsyncSession(bind=conn) as session:
        venues = {v.id: venue_snapshot(v) for v in (await session.execute(select(Venue))).scalars()}
    return incidents, venues


def _pack_incident(
    row: IncidentSnapshot, venues: dict[int, VenueSnapshot], response: IncidentResponse | None, personal: bool
) -> PackIncident:
    outcome = response.outcome if response else None
    venue = venues[row.venue_id].name if row.venue_id in venues else ""
    return PackIncident(
        reference=row.reference,
        reported_at=row.reported_at,
        category=row.category,
        source=row.source,
        grade=row.grade,
        status=row.status,
        venue=venue,
        venue_link=(row.venue_link or "at_venue") if venue else "",
        lat=row.lat,
        lon=row.lon,
        response_minutes=response.minutes_to_arrival if response else None,
        within_target={Outcome.MET: True, Outcome.BREACHED: False}.get(outcome) if outcome else None,
        summary=row.summary if personal else None,
    )


def _kinds(incidents: Sequence[PackIncident]) -> tuple[KindCount, ...]:
    counts = Counter((i.category, i.source, i.grade) for i in incidents)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1], kv[0][2] or 9))
    return tuple(KindCount(c, s, g, n) for (c, s, g), n in ordered)


def _breaches(responses: Sequence[IncidentResponse], told: dict[str, datetime | None]) -> tuple[Breach, ...]:
    return tuple(
        Breach(
            reference=r.reference,
            grade=r.grade,
            reported_at=r.reported_at,
            target_minutes=r.target_minutes or 0.0,
            minutes_to_arrival=r.minutes_to_arrival,
            caller_told=told.get(r.reference) is not None,
        )
        for r in responses
        if r.outcome is Outcome.BREACHED
    )


def angela_outcomes(counts: Iterable[tuple[str | None, int]]) -> tuple[tuple[str, int], ...]:
    """Ask for Angela activations by outcome (None: "not recorded"), most first."""
    outcomes: Counter[str] = Counter()
    for outcome, n in counts:
        outcomes[(outcome or "not recorded").replace("_", " ")] += n
    return tuple(sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True, slots=True)
class DispersalWork:
    """Dispersal work recorded in a range of time: counts and the s.34 zones in force."""

    warnings: int
    directions: int
    surrendered_items: int
    breaches: int
    under_16_removals: int
    zones_in_force: tuple[str, ...]  # "name (log number)", earliest start first


async def dispersal_work(db: Database, start: datetime, end: datetime) -> DispersalWork:
    """Words of advice, s.35 directions, items surrendered, direction breaches and take-home
    tasks recorded in ``[start, end)``, counted by the database, and the zones in force in it."""
    async with db.read() as conn:

        async def count(*where: ColumnElement[bool]) -> int:
            return int(await conn.scalar(select(func.count()).where(*where)) or 0)

        warnings = await count(SubjectWarning.given_at >= start, SubjectWarning.given_at < end)
        directions = await count(Direction.given_at >= start, Direction.given_at < end)
        items = await count(SurrenderedItem.surrendered_at >= start, SurrenderedItem.surrendered_at < end)
        breaches = await count(
            SubjectSighting.breach_incident_id.is_not(None),
            SubjectSighting.seen_at >= start,
            SubjectSighting.seen_at < end,
        )
        removals = await count(Task.kind == "take_home", Task.created_at >= start, Task.created_at < end)
        zones = (
            await conn.execute(
                select(DispersalZone.name, DispersalZone.log_number)
                .where(
                    DispersalZone.signed_at < end,
                    DispersalZone.ends_at > start,
                    DispersalZone.withdrawn_at.is_(None) | (DispersalZone.withdrawn_at > start),
                )
                .order_by(DispersalZone.starts_at)
            )
        ).all()
    return DispersalWork(
        warnings, directions, items, breaches, removals, tuple(f"{name} ({log})" for name, log in zones)
    )


async def safe_spaces_between(db: Database, start: datetime, end: datetime) -> tuple[SafeSpaceNight, ...]:
    """Each safe space's status through ``[start, end)`` from the change log's venue payloads."""
    async with db.read() as conn:
        venues = (
            await conn.execute(select(Venue.id, Venue.name).where(Venue.is_safe_space).order_by(Venue.name))
        ).all()
        changes = (
            await conn.execute(
                select(ChangeLogEntry.entity_id, ChangeLogEntry.committed_at, ChangeLogEntry.payload)
                .where(ChangeLogEntry.entity == "venue", ChangeLogEntry.committed_at < end)
                .order_by(ChangeLogEntry.seq)
            )
        ).all()
    out = []
    for venue_id, name in venues:
        timeline = [(at, p.get("safe_space_status") or "open") for v, at, p in changes if v == venue_id]
        out.append(_safe_space_night(name, timeline, start, end))
    return tuple(out)


def _safe_space_night(
    name: str, timeline: Sequence[tuple[datetime, str]], start: datetime, end: datetime
) -> SafeSpaceNight:
    before = [status for at, status in timeline if at < start]
    status = before[-1] if before else (timeline[0][1] if timeline else "open")
    at_start, since = status, start
    minutes: dict[str, float] = {"open": 0.0, "full": 0.0, "closed": 0.0}
    moves = []
    for at, new in timeline:
        if at < start or new == status:
            continue
        moves.append((at, status, new))
        minutes[status] = minutes.get(status, 0.0) + (at - since).total_seconds() / 60
        status, since = new, at
    minutes[status] = minutes.get(status, 0.0) + max(0.0, (end - since).total_seconds() / 60)
    return SafeSpaceNight(name, at_start, tuple(moves), round(minutes["full"]), round(minutes["closed"]))


def _hours(incidents: Sequence[PackIncident]) -> tuple[tuple[int, tuple[int, int, int, int, int]], ...]:
    """Incidents per local hour from 18:00 to 05:00, by grade; earlier hours of the day shift too."""
    counts: dict[int, list[int]] = {}
    for incident in incidents:
        hour = incident.reported_at.astimezone(LOCAL_TZ).hour
        counts.setdefault(hour, [0] * 5)[(incident.grade or 5) - 1] += 1
    night_hours = [*range(NIGHT_STARTS_AT_HOUR, 24), *range(0, 6)]
    day_hours = [h for h in range(6, NIGHT_STARTS_AT_HOUR) if h in counts]
    return tuple((h, tuple(counts.get(h, [0] * 5))) for h in (*day_hours, *night_hours))  # type: ignore[misc]


def hotspot_layer(incidents: Sequence[PackIncident]) -> HotspotLayer:
    """The hotspot layer of the night's incidents (``reports.hotspots``: the period report's too).

    The one place the pack's hotspots are computed, so the map never depends on how.
    """
    from controlroom.reports.hotspots import hotspots

    found = hotspots([(i.lat, i.lon) for i in incidents], grades=[i.grade for i in incidents])
    return HotspotLayer(
        words=found.stated if incidents else "No incidents: no hotspots",
        density=tuple((cell.ring, cell.share_of_peak) for cell in found.cells),
        squares=tuple(
            HotspotCell(cell.ring, round(cell.incidents))
            for cell in found.top_by_count
            if cell.incidents >= 2
        ),
    )


__all__ = [
    "Breach",
    "DispersalWork",
    "GradeFigures",
    "HotspotCell",
    "HotspotLayer",
    "KindCount",
    "NightPack",
    "PackIncident",
    "SafeSpaceNight",
    "angela_outcomes",
    "dispersal_work",
    "hotspot_layer",
    "last_complete_night",
    "night_pack",
    "safe_spaces_between",
]
