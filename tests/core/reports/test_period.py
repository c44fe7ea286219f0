"""Period reports over a constructed fortnight: heat map, series, before/after, venues."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from controlroom.commands import Commands
from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.core.roles import Actor
from controlroom.incidents.reporting import NewIncident
from controlroom.reports.night import NightPack, night_pack
from controlroom.reports.period import HOURS, PeriodReport, _heatmap, period_report
from controlroom.storage.database import Database
from tests.core.reports.support import known_night
from tests.core.support import add_venue, run_with_db

ANALYST = Actor("analyst", "operator")
START, END = date(2026, 11, 2), date(2026, 11, 15)  # Mon to Sun; November: UK time is UTC
TODAY = date(2026, 11, 20)
FRI, SAT = 4, 5


async def _fortnight(db: Database) -> None:
    now = [datetime(2026, 11, 20, tzinfo=UTC)]
    commands = Commands(db, Actor("test-operator"), clock=lambda: now[0])
    await add_venue(commands)
    for sign in ("SN-1", "SN-2"):
        await commands.add_unit(sign, "police_foot", (50.9050, -1.4044))

    async def report(when: datetime, *, grade: int = 3, venue_link: str | None = None) -> str:
        made = await commands.report_incident(
            NewIncident(
                category="assault",
                source="cctv",
                summary="summary never read by a report",
                lat=None if venue_link else 50.9060,
                lon=None if venue_link else -1.4044,
                place=None if venue_link else "Above Bar Street",
                grade=grade,
                reported_at=when,
                venue="Velvet Fox" if venue_link else None,
                venue_link=venue_link,
            )
        )
        return made.reference

    async def attend(reference: str, sign: str, sent: datetime, arrived: datetime) -> None:
        now[0] = sent
        await commands.dispatch(reference, [sign])
        now[0] = arrived
        await commands.update_unit(sign, status="on_scene")
        now[0] = datetime(2026, 11, 20, tzinfo=UTC)

    await report(datetime(2026, 11, 1, 22, tzinfo=UTC))  # the night before the period
    for _ in range(3):
        await report(datetime(2026, 11, 6, 23, tzinfo=UTC))  # Friday night, 23:00
    await report(datetime(2026, 11, 8, 1, 30, tzinfo=UTC))  # Saturday night, 01:30 on Sunday
    at = datetime(2026, 11, 13, 23, 10, tzinfo=UTC)
    refs = [
        await report(at, grade=1, venue_link=link)
        for link in ("inside", "inside", "nearby", "nearby", "nearby")
    ]
    # Grade 1's target is 15 minutes: one unit arrives in 10, the other in 30.
    await attend(refs[0], "SN-1", at.replace(minute=12), at.replace(minute=20))
    await attend(refs[1], "SN-2", at.replace(minute=12), at.replace(minute=40))
    await report(datetime(2026, 11, 14, 2, tzinfo=UTC))  # Friday night, 02:00 on Saturday
    await report(datetime(2026, 11, 16, 22, tzinfo=UTC))  # the night after the period


def _report(db_url: str, **kwargs: object) -> PeriodReport:
    async def scenario(db: Database) -> PeriodReport:
        await _fortnight(db)
        return await period_report(db, START, END, actor=ANALYST, today=TODAY, **kwargs)  # type: ignore[arg-type]

    return run_with_db(db_url, scenario)


def test_a_fortnight_counted_by_night_weekday_hour_and_either_side_of_a_date(db_url: str) -> None:
    report = _report(db_url, before_after=date(2026, 11, 9))

    assert report.total == 10
    assert [(n.night.day, n.incidents) for n in report.series if n.incidents] == [(6, 3), (7, 1), (13, 6)]
    assert len(report.series) == 14
    heat = {
        (day, HOURS[col]): value
        for day, row in enumerate(report.heatmap)
        for col, value in enumerate(row)
        if value
    }
    assert heat == {(FRI, 23): 8, (FRI, 2): 1, (SAT, 1): 1}
    change = report.before_after
    assert change is not None
    assert (change.nights_each_side, change.before_total, change.after_total) == (7, 4, 6)
    assert (change.before_first, change.after_last) == (date(2026, 11, 2), date(2026, 11, 15))
    assert change.sentence.startswith("up 50 % (0.571 → 0.857 a night over 7 nights each side;")
    assert change.sentence.endswith("a count, not a test of cause")
    assert [(r.grade, r.incidents, r.attended, r.within_target) for r in report.grades] == [
        (1, 5, 2, 1),
        (3, 5, 0, 0),
    ]
    assert report.grades[0].share == 0.5
    # Grade 1 reached in 10 and 30 minutes; one late and three never reached are breaches.
    g1, g3 = report.grades
    assert (g1.median_minutes, g1.p90_minutes, g1.breaches, g1.caller_told) == (20.0, 28.0, 4, 0)
    assert (g3.median_minutes, g3.breaches) == (None, 0)
    assert report.caller_told == (0, 4)
    [venue] = report.venues
    assert (venue.name, venue.inside, venue.nearby, venue.total, venue.grade_1) == ("Velvet Fox", 2, 3, 5, 5)
    assert report.venues_by_harm == (("Velvet Fox", 5, 20),)
    # Five Grade 3 on the street, five Grade 1 at the venue: level on count, the venue first on harm.
    spots = report.hotspots
    assert spots.points == 10
    assert [c.incidents for c in spots.top_by_count] == [5, 5]
    assert [c.harm for c in spots.top_by_harm] == [20, 10]
    lat, lon = spots.top_by_harm[0].centre
    assert abs(lat - 50.9115) < 0.001 and abs(lon + 1.4089) < 0.0015


REFUSED = (
    (date(2026, 11, 15), date(2026, 11, 2), None, "after it ends"),
    (date(2026, 11, 21), date(2026, 11, 28), None, "after tonight"),
    (date(2026, 10, 1), date(2026, 10, 31), None, "before any record"),
    (START, END, date(2026, 11, 20), "outside the period"),
    (START, END, START, "outside the period"),  # no night before it to compare
)


def test_a_period_that_cannot_be_reported_is_refused_saying_why(db_url: str) -> None:
    async def scenario(db: Database) -> None:
        await _fortnight(db)
        for start, end, pivot, words in REFUSED:
            with pytest.raises(ValidationError, match=words):
                await period_report(db, start, end, actor=ANALYST, before_after=pivot, today=TODAY)
        with pytest.raises(NotPermittedError):
            await period_report(db, START, END, actor=Actor("venue", "partner"), today=TODAY)

    run_with_db(db_url, scenario)


def test_the_night_the_clocks_go_back_counts_its_repeated_hour_twice_on_the_uk_clock() -> None:
    # 25 Oct 2026: 01:00-02:00 happens twice (BST, then GMT). UTC hour buckets as the database
    # groups them: 17:00 UTC is 18:00 BST; 00:00 and 01:00 UTC are both 01:00 on the UK clock.
    buckets = [
        SimpleNamespace(hour=h, n=n)
        for h, n in (("2026-10-24 17", 3), ("2026-10-25 00", 2), ("2026-10-25 01", 5))
    ]
    heatmap, per_night = _heatmap(buckets)
    assert heatmap[SAT][HOURS.index(18)] == 3
    assert heatmap[SAT][HOURS.index(1)] == 7
    assert per_night == {date(2026, 10, 24): 10}


def test_the_known_night_in_a_week_has_the_night_packs_other_sections(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[PeriodReport, NightPack]:
        await known_night(db)
        later = datetime(2026, 12, 1, 12, tzinfo=UTC)
        week = await period_report(
            db, date(2026, 11, 23), date(2026, 11, 29), actor=ANALYST, today=date(2026, 12, 1), now=later
        )
        return week, await night_pack(db, date(2026, 11, 27), actor=ANALYST, now=later)

    week, pack = run_with_db(db_url, scenario)

    spread = [(g.grade, g.median_minutes, g.p90_minutes, g.breaches, g.caller_told) for g in week.grades]
    assert spread == [(1, 15.0, 19.0, 2, 1), (2, None, None, 1, 0), (3, None, None, 0, 0)]
    assert week.caller_told == (1, 3) and pack.caller_told == (1, 2)  # Y, the night before: never reached
    assert week.angela == pack.angela == (("taxi", 1),)
    [velvet] = week.safe_spaces
    assert (velvet.venue, velvet.minutes_full, velvet.minutes_closed) == ("Velvet Fox", 45, 45)
    work = week.dispersal
    assert (work.warnings, work.directions, work.surrendered_items, work.under_16_removals) == (1, 1, 1, 1)
    assert work.breaches == pack.dispersal_breaches == 0
    assert work.zones_in_force == pack.zones_in_force == ("Bedford Place (LOG-20261127-0427)",)
