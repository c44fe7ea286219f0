"""Trends across nights: a period's counts, its weekday × hour heat map, night-by-night
series, a before/after comparison, per-venue table and hotspots.

Every figure is counted by the database (GROUP BY), never by loading the period's
incidents: a month in a database of a million incidents is a few thousand grouped rows
(``benchmarks/bench_period.py`` measures it beside loading the rows). The period is
operational nights (18:00–06:00 Europe/London; the day shift from 06:00 counts towards
that evening's night), selected by the indexed ``incidents.night`` column.

Hours are grouped on the UTC clock (date and hour of ``reported_at``) and only then put
on the UK clock: UK offsets are whole hours, so each UTC hour is exactly one local hour,
and the night a clock changes still has each of its incidents in the right local hour
(1–2 a.m. counted twice in October, as it happened). The heat map's weekday is the
*night's* weekday: 02:00 on Saturday morning is Friday night.

Duplicate reports (pointing at the incident being worked) are left out everywhere: one
fight reported three times is one incident. Nothing personal is read: no summary, name
or persons-of-concern field — categories, grades, sources, times, venues and points.

The before/after comparison is a count, not a test of cause: it states the windows,
totals and nightly means and says so.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Float, case, cast, false, func, literal_column, or_, select

from controlroom.core.domain import LOCAL_TZ, Source, VenueLink, operational_night
from controlroom.core.errors import ValidationError
from controlroom.core.grading import GradeTargets
from controlroom.core.roles import Actor
from controlroom.dispersal.queries import night_bounds
from controlroom.incidents.lifecycle import AWAITING_ATTENDANCE
from controlroom.patrols.responses import percentile_90
from controlroom.reports.hotspots import HARM_WEIGHTS, Hotspots, hotspots
from controlroom.reports.night import (
    DispersalWork,
    SafeSpaceNight,
    angela_outcomes,
    dispersal_work,
    safe_spaces_between,
)
from controlroom.reports.venues import VenueRow
from controlroom.storage.database import Database
from controlroom.storage.models import Dispatch, Incident, Venue

MAX_NIGHTS = 366
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# The heat map's columns run through the operational day, evening first: 06:00 … 05:00.
HOURS = tuple((6 + i) % 24 for i in range(24))
NOT_A_TEST = "a count, not a test of cause"
PLACE_SCALE = 10_000  # points are grouped to 1/10,000 of a degree (~11 m north-south)


@dataclass(frozen=True, slots=True)
class CountRow:
    """Incidents of one category, source and grade (None: ungraded)."""

    category: str
    source: str
    grade: int | None
    incidents: int


@dataclass(frozen=True, slots=True)
class GradeResponse:
    """One grade's attendance: of the incidents attended, the share within its target."""

    grade: int | None
    incidents: int
    attended: int
    within_target: int
    target_minutes: float | None
    median_minutes: float | None = None  # of the incidents attended
    p90_minutes: float | None = None
    breaches: int = 0  # attended late, or still waiting when the period ended with the target passed
    caller_told: int = 0  # of those breaches, the caller was told of the delay

    @property
    def share(self) -> float | None:
        return self.within_target / self.attended if self.attended and self.target_minutes else None


@dataclass(frozen=True, slots=True)
class NightCount:
    """One operational night's incidents (0 when none)."""

    night: date
    incidents: int


@dataclass(frozen=True, slots=True)
class BeforeAfter:
    """Equal windows of nights either side of ``pivot`` (the pivot night opens "after")."""

    pivot: date
    nights_each_side: int
    before_first: date
    before_last: date
    after_first: date
    after_last: date
    before_total: int
    after_total: int

    @property
    def before_mean(self) -> float:
        return self.before_total / self.nights_each_side

    @property
    def after_mean(self) -> float:
        return self.after_total / self.nights_each_side

    @property
    def sentence(self) -> str:
        """e.g. ``up 12 % (41 → 46 a night over 14 nights each side)``, and what it is not."""
        means = (
            f"{self.before_mean:.3g} → {self.after_mean:.3g} a night over {self.nights_each_side} "
            f"night{'s' if self.nights_each_side != 1 else ''} each side"
        )
        if self.before_total == 0:
            change = "no incidents before" if self.after_total == 0 else "up from none"
        elif self.after_total == self.before_total:
            change = "no change"
        else:
            percent = 100 * (self.after_total - self.before_total) / self.before_total
            change = f"{'up' if percent > 0 else 'down'} {abs(percent):.0f} %"
        return (
            f"{change} ({means}; {self.before_total} incidents before, {self.after_total} on and after "
            f"{self.pivot:%a %d %b %Y}) — {NOT_A_TEST}"
        )


@dataclass(frozen=True, slots=True)
class PeriodReport:
    """A period of operational nights, counted: plain values only (no personal data)."""

    start: date
    end: date
    total: int
    counts: tuple[CountRow, ...]
    grades: tuple[GradeResponse, ...]
    heatmap: tuple[tuple[int, ...], ...]  # [weekday Mon..Sun][column of HOURS]
    series: tuple[NightCount, ...]
    before_after: BeforeAfter | None
    venues: tuple[VenueRow, ...]
    venues_by_harm: tuple[tuple[str, int, int], ...]  # name, incidents, harm
    hotspots: Hotspots
    as_at: (
        datetime  # UTC: response breaches and safe spaces stand as at this moment (the period's end, or now)
    )
    angela: tuple[tuple[str, int], ...]  # outcome (or "not recorded") → activations
    safe_spaces: tuple[SafeSpaceNight, ...]  # minutes full / closed over the whole period
    dispersal: DispersalWork

    @property
    def breaches(self) -> int:
        return sum(g.breaches for g in self.grades)

    @property
    def caller_told(self) -> tuple[int, int]:
        """(breaches whose caller was told of the delay, breaches)."""
        return sum(g.caller_told for g in self.grades), self.breaches

    @property
    def angela_activations(self) -> int:
        return sum(n for _, n in self.angela)

    @property
    def nights(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"nights of {self.start:%a %d %b %Y} to {self.end:%a %d %b %Y} ({self.nights} nights)"


async def period_report(
    db: Database,
    start: date,
    end: date,
    *,
    actor: Actor,
    before_after: date | None = None,
    targets: GradeTargets | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> PeriodReport:
    """The nights ``start`` to ``end`` inclusive, counted; refused with a reason when the
    period is back to front, in the future, before the first record, or ``before_after``
    falls outside it. The caller logs the report once it is used (``log_period_report``)."""
    actor.require("report.period")
    now = now or datetime.now(UTC)
    today = today or operational_night(now)
    first = await _first_night(db)
    _check_period(start, end, before_after, today, first)
    targets = targets or GradeTargets()
    window = Incident.night.between(start, end) & Incident.duplicate_of.is_(None)
    opens, closes = night_bounds(start)[0], night_bounds(end)[1]
    as_at = min(now, closes - timedelta(microseconds=1))
    async with db.read(consistent=True) as conn:
        buckets = (await conn.execute(_hour_buckets(db, window))).all()
        counts = (await conn.execute(_counts(window))).all()
        grades = (await conn.execute(_responses(db, window, targets, as_at))).all()
        times = (await conn.execute(_arrival_seconds(db, window))).all()
        angela = (await conn.execute(_angela(window))).all()
        venues = (await conn.execute(_venues(window))).all()
        places = (await conn.execute(_places(window))).all()
    spread = _spread(times)
    heatmap, per_night = _heatmap(buckets)
    series = tuple(
        NightCount(start + timedelta(days=i), per_night.get(start + timedelta(days=i), 0))
        for i in range((end - start).days + 1)
    )
    rows, by_harm = _venue_rows(venues)
    return PeriodReport(
        start=start,
        end=end,
        total=sum(n.incidents for n in series),
        counts=tuple(CountRow(r.category, r.source, r.grade, r.n) for r in counts),
        grades=tuple(
            GradeResponse(
                r.grade,
                r.n,
                r.attended or 0,
                r.within or 0,
                _target(targets, r.grade),
                *spread.get(r.grade, (None, None)),
                breaches=r.breaches or 0,
                caller_told=r.told or 0,
            )
            for r in grades
        ),
        heatmap=heatmap,
        series=series,
        before_after=_before_after(series, before_after) if before_after else None,
        venues=rows,
        venues_by_harm=by_harm,
        hotspots=hotspots(
            [(r.lat / PLACE_SCALE, r.lon / PLACE_SCALE) for r in places],
            [r.n for r in places],
            grades=[r.grade for r in places],
        ),
        as_at=as_at.astimezone(UTC),
        angela=angela_outcomes((r.angela_outcome, r.n) for r in angela),
        safe_spaces=await safe_spaces_between(db, opens, min(closes, as_at)),
        dispersal=await dispersal_work(db, opens, closes),
    )


async def log_period_report(db: Database, actor: Actor, report: PeriodReport, outputs: Sequence[str]) -> None:
    """The audit entry ``report.period``: the period, the before/after date and what was made.

    Counts and places only, so it is an operation, not a disclosure (no recipient asked).
    """
    from controlroom.audit.trail import log_processing

    await log_processing(
        db,
        actor,
        action="report.period",
        entity="report",
        entity_id=None,
        detail={
            "from": report.start.isoformat(),
            "to": report.end.isoformat(),
            "before_after": report.before_after.pivot.isoformat() if report.before_after else None,
            "incidents": report.total,
            "outputs": list(outputs),
        },
    )


async def _first_night(db: Database) -> date | None:
    async with db.read() as conn:
        return (await conn.execute(select(func.min(Incident.night)))).scalar_one_or_none()


def _check_period(start: date, end: date, pivot: date | None, today: date, first: date | None) -> None:
    if start > end:
        raise ValidationError(
            f"the period starts ({start.isoformat()}) after it ends ({end.isoformat()}); "
            "give --from before --to"
        )
    if (end - start).days + 1 > MAX_NIGHTS:
        raise ValidationError(
            f"a period is at most {MAX_NIGHTS} nights; this one is {(end - start).days + 1}"
        )
    if start > today:
        raise ValidationError(
            f"the period starts on {start.isoformat()}, after tonight ({today.isoformat()}); nothing has "
            "been recorded yet"
        )
    if first is None or end < first:
        since = (
            f"the first record is of the night of {first.isoformat()}" if first else "nothing is recorded yet"
        )
        raise ValidationError(f"the period ends on {end.isoformat()}, before any record: {since}")
    if pivot is not None and not start < pivot <= end:
        raise ValidationError(
            f"the before/after date {pivot.isoformat()} is outside the period; choose a night after "
            f"{start.isoformat()} and no later than {end.isoformat()}"
        )


def _utc_hour(db: Database) -> ColumnElement[str]:
    if db.is_sqlite:  # stored as naive UTC text, "YYYY-MM-DD HH:MM:SS…"
        return func.strftime("%Y-%m-%d %H", Incident.reported_at)
    return func.to_char(func.timezone("UTC", Incident.reported_at), "YYYY-MM-DD HH24")


def _hour_buckets(db: Database, window: ColumnElement[bool]) -> Any:
    hour = _utc_hour(db).label("hour")
    return select(hour, func.count().label("n")).where(window).group_by(hour)


def _heatmap(buckets: Sequence[Any]) -> tuple[tuple[tuple[int, ...], ...], dict[date, int]]:
    grid = [[0] * 24 for _ in range(7)]
    per_night: dict[date, int] = {}
    column = {hour: i for i, hour in enumerate(HOURS)}
    for row in buckets:
        moment = datetime.strptime(row.hour, "%Y-%m-%d %H").replace(tzinfo=UTC)
        night = operational_night(moment)
        grid[night.weekday()][column[moment.astimezone(LOCAL_TZ).hour]] += row.n
        per_night[night] = per_night.get(night, 0) + row.n
    return tuple(tuple(r) for r in grid), per_night


def _counts(window: ColumnElement[bool]) -> Any:
    keys = (Incident.category, Incident.source, Incident.grade)
    return (
        select(*keys, func.count().label("n"))
        .where(window)
        .group_by(*keys)
        .order_by(func.count().desc(), *keys)
    )


def _target(targets: GradeTargets | None, grade: int | None) -> float | None:
    target = (targets or GradeTargets()).for_grade(grade)
    return target.total_seconds() / 60 if target is not None else None


def _firsts(window: ColumnElement[bool]) -> Any:
    return (
        select(Dispatch.incident_id, func.min(Dispatch.arrived_at).label("arrived_at"))
        .where(Dispatch.incident_id.in_(select(Incident.id).where(window)))
        .group_by(Dispatch.incident_id)
        .subquery()
    )


def _seconds(db: Database, arrived: ColumnElement[datetime]) -> ColumnElement[float]:
    if db.is_sqlite:
        return (func.julianday(arrived) - func.julianday(Incident.reported_at)) * 86400.0
    return cast(func.extract("epoch", arrived - Incident.reported_at), Float)


def _responses(db: Database, window: ColumnElement[bool], targets: GradeTargets, as_at: datetime) -> Any:
    """Per grade: incidents, those attended, those attended within the grade's target, and the
    breaches (the ``responses`` rule: arrived after the target, or still awaiting attendance
    with the target passed at ``as_at``) with how many of their callers were told of the delay.

    Arrival is the first unit's arrival, else the moment an operator marked it On scene
    (as ``patrols.responses`` reads it), worked out by the database per incident.
    """
    firsts = _firsts(window)
    arrived = func.coalesce(firsts.c.arrived_at, Incident.attended_at)
    seconds = _seconds(db, arrived)
    limit = case(*((Incident.grade == g, minutes * 60.0) for g, minutes in targets.minutes), else_=None)
    within = func.sum(case((seconds <= limit, 1), else_=0))
    waiting = (
        arrived.is_(None)
        & Incident.status.in_([s.value for s in AWAITING_ATTENDANCE])
        & or_(
            false(),
            *(
                (Incident.grade == g) & (Incident.reported_at < as_at - timedelta(minutes=minutes))
                for g, minutes in targets.minutes
            ),
        )
    )
    late = seconds > limit
    return (
        select(
            Incident.grade,
            func.count().label("n"),
            func.count(arrived).label("attended"),
            within.label("within"),
            func.sum(case((late | waiting, 1), else_=0)).label("breaches"),
            func.sum(case(((late | waiting) & Incident.caller_updated_at.is_not(None), 1), else_=0)).label(
                "told"
            ),
        )
        .outerjoin(firsts, firsts.c.incident_id == Incident.id)
        .where(window)
        .group_by(Incident.grade)
        .order_by(func.coalesce(Incident.grade, 9))
    )


def _arrival_seconds(db: Database, window: ColumnElement[bool]) -> Any:
    """Each attended incident's grade and seconds to arrival: one number per incident, the
    least the median and 90th percentile can be worked from on both backends."""
    firsts = _firsts(window)
    arrived = func.coalesce(firsts.c.arrived_at, Incident.attended_at)
    return (
        select(Incident.grade, _seconds(db, arrived).label("seconds"))
        .outerjoin(firsts, firsts.c.incident_id == Incident.id)
        .where(window, arrived.is_not(None))
    )


def _spread(rows: Sequence[Any]) -> dict[int | None, tuple[float | None, float | None]]:
    """Grade → (median, 90th percentile) minutes to arrival, as ``patrols.responses`` works them."""
    by_grade: dict[int | None, list[float]] = {}
    for r in rows:
        # Millisecond rounding: SQLite's julianday difference carries float noise (599.99999 s).
        by_grade.setdefault(r.grade, []).append(max(0.0, round(r.seconds, 3)) / 60)
    return {g: (statistics.median(sorted(v)), percentile_90(sorted(v))) for g, v in by_grade.items()}


def _angela(window: ColumnElement[bool]) -> Any:
    asked = (Incident.source == Source.ASK_FOR_ANGELA.value) | Incident.angela_outcome.is_not(None)
    return (
        select(Incident.angela_outcome, func.count().label("n"))
        .where(window, asked)
        .group_by(Incident.angela_outcome)
    )


def _venues(window: ColumnElement[bool]) -> Any:
    keys = (Incident.venue_id, Venue.name, Incident.venue_link, Incident.grade)
    return (
        select(*keys, func.count().label("n"))
        .join(Venue, Venue.id == Incident.venue_id)
        .where(window)
        .group_by(*keys)
    )


_LINKS = {
    VenueLink.INSIDE.value: "inside",
    VenueLink.DOOR_QUEUE.value: "door_queue",
    VenueLink.NEARBY.value: "nearby",
    VenueLink.VENUE_REPORTED.value: "venue_reported",
}
_GRADES = {1: "grade_1", 2: "grade_2", 3: "grade_3", 4: "grade_4"}
_FIELDS = (
    "inside",
    "door_queue",
    "nearby",
    "venue_reported",
    "at_venue",
    "total",
    *_GRADES.values(),
    "ungraded",
)


def _venue_rows(rows: Sequence[Any]) -> tuple[tuple[VenueRow, ...], tuple[tuple[str, int, int], ...]]:
    """The per-venue table (the night pack's shape), and venues ranked by harm weight."""
    tallies: dict[int, dict[str, int]] = {}
    names: dict[int, str] = {}
    harm: dict[int, int] = {}
    for r in rows:
        tally = tallies.setdefault(r.venue_id, dict.fromkeys(_FIELDS, 0))
        names[r.venue_id] = r.name
        tally[_LINKS.get(r.venue_link or "", "at_venue")] += r.n
        tally[_GRADES.get(r.grade or 0, "ungraded")] += r.n
        tally["total"] += r.n
        harm[r.venue_id] = harm.get(r.venue_id, 0) + r.n * HARM_WEIGHTS.get(r.grade or 0, 1)
    table = sorted(
        (VenueRow(venue_id=v, name=names[v], **t) for v, t in tallies.items()),
        key=lambda row: (-row.total, row.name.lower(), row.venue_id),
    )
    by_harm = sorted(tallies, key=lambda v: (-harm[v], -tallies[v]["total"], names[v].lower()))
    return tuple(table), tuple((names[v], tallies[v]["total"], harm[v]) for v in by_harm)


def _places(window: ColumnElement[bool]) -> Any:
    """Points grouped to ~10 m (1/10,000 of a degree, as whole numbers) and grade, for the hotspots."""
    # A literal scale, not a bound parameter: the GROUP BY must repeat the SELECT's text exactly.
    scale: ColumnElement[float] = literal_column(str(PLACE_SCALE))
    lat = func.round(Incident.lat * scale).label("lat")
    lon = func.round(Incident.lon * scale).label("lon")
    return (
        select(lat, lon, Incident.grade, func.count().label("n"))
        .where(window)
        .group_by(lat, lon, Incident.grade)
    )


def _before_after(series: Sequence[NightCount], pivot: date) -> BeforeAfter:
    index = next(i for i, n in enumerate(series) if n.night == pivot)
    side = min(index, len(series) - index)
    before, after = series[index - side : index], series[index : index + side]
    return BeforeAfter(
        pivot=pivot,
        nights_each_side=side,
        before_first=before[0].night,
        before_last=before[-1].night,
        after_first=after[0].night,
        after_last=after[-1].night,
        before_total=sum(n.incidents for n in before),
        after_total=sum(n.incidents for n in after),
    )
