"""Response times against the grade targets, on a constructed night with a hand-moved clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controlroom.commands import Commands
from controlroom.core.errors import ValidationError
from controlroom.core.grading import GradeTargets
from controlroom.core.roles import Actor
from controlroom.incidents.reporting import NewIncident
from controlroom.patrols.responses import Outcome, ResponseReport, percentile_90, response_report
from controlroom.storage.database import Database
from tests.core.support import FIXED_NOW, add_venue, run_with_db

NIGHT = datetime(2026, 11, 27, tzinfo=UTC)  # November: local time is UTC


class FakeClock:
    def __init__(self) -> None:
        self.now = NIGHT

    def __call__(self) -> datetime:
        return self.now

    def at(self, hh_mm: str, day: int = 27) -> None:
        hours, minutes = (int(part) for part in hh_mm.split(":"))
        self.now = NIGHT.replace(day=day, hour=hours, minute=minutes)


async def _night(db: Database) -> dict[str, str]:
    """The night the expectations below describe; returns letter → reference."""
    clock = FakeClock()
    commands = Commands(db, Actor("test-operator"), clock=clock)
    refs: dict[str, str] = {}

    async def report(letter: str, hh_mm: str, grade: int, day: int = 27) -> str:
        clock.at(hh_mm, day)
        made = await commands.report_incident(
            NewIncident(
                category="assault",
                source="cctv",
                summary=f"incident {letter}",
                lat=50.9060,
                lon=-1.4044,
                place="Above Bar Street",
                grade=grade,
            )
        )
        refs[letter] = made.reference
        return made.reference

    async def send(hh_mm: str, ref: str, sign: str) -> None:
        clock.at(hh_mm)
        await commands.dispatch(ref, [sign])

    async def arrive(hh_mm: str, sign: str) -> None:
        clock.at(hh_mm)
        await commands.update_unit(sign, status="on_scene")

    await add_venue(commands)
    for n in range(1, 6):
        await commands.add_unit(f"SN-{n}", "police_foot", (50.9050, -1.4044))
    await report("Y", "05:00", 1)  # the previous operational night
    await report("D", "21:00", 3)
    await report("G", "21:00", 2)
    await send("21:05", refs["D"], "SN-4")
    await report("H", "21:30", 2)
    clock.at("21:40")
    await commands.update_incident(refs["H"], status="resolved")
    await report("A", "22:00", 1)
    await send("22:02", refs["A"], "SN-1")
    await arrive("22:10", "SN-1")
    await report("B", "22:30", 1)
    await send("22:35", refs["B"], "SN-2")
    await arrive("22:50", "SN-2")
    await report("F", "22:40", 2)
    await report("C", "23:00", 1)
    flag = await commands.flag_location(behaviour="following", reason="x", venue="Velvet Fox")
    await send("23:01", refs["C"], "SN-3")
    clock.at("23:02")
    await commands.dispatch_to_flag(flag.id, ["SN-5"])
    await arrive("23:05", "SN-3")
    await arrive("23:06", "SN-5")
    await report("E", "23:10", 1)
    await send("23:12", refs["E"], "SN-4")  # diverted from D (Grade 3)
    clock.at("23:15")
    refs["J"] = (await commands.convert_flag(flag.id, category="predatory_behaviour", grade=2)).reference
    await arrive("23:20", "SN-4")
    await report("K", "23:20", 1)
    await commands.link_duplicate(refs["K"], refs["A"])
    clock.at("23:30")
    return refs


def _report(
    db_url: str, targets: GradeTargets, hours: float | None = None
) -> tuple[ResponseReport, dict[str, str]]:
    async def scenario(db: Database) -> tuple[ResponseReport, dict[str, str]]:
        refs = await _night(db)
        return await response_report(db, targets, now=FIXED_NOW, hours=hours), refs

    return run_with_db(db_url, scenario)


def test_each_incident_of_the_night_against_its_target(db_url: str) -> None:
    report, refs = _report(db_url, GradeTargets())
    letter = {ref: name for name, ref in refs.items()}
    rows = [
        (
            letter[r.reference],
            r.grade,
            r.minutes_to_dispatch,
            r.minutes_to_arrival,
            r.target_minutes,
            r.outcome.value,
        )
        for r in report.incidents
    ]
    assert rows == [
        ("D", 3, 5.0, None, None, "no_target"),
        ("G", 2, None, None, 60.0, "breached"),  # still waiting, 150 minutes on
        ("H", 2, None, None, 60.0, "not_attended"),
        ("A", 1, 2.0, 10.0, 15.0, "met"),
        ("B", 1, 5.0, 20.0, 15.0, "breached"),
        ("F", 2, None, None, 60.0, "open"),  # 50 minutes on
        ("C", 1, 1.0, 5.0, 15.0, "met"),
        ("E", 1, 2.0, 10.0, 15.0, "met"),  # the diversion counts here, not on D
        ("J", 2, 0.0, 0.0, 60.0, "met"),  # a flag's unit was there before the incident
    ]
    first = report.incidents[3]
    assert first.reported_at == NIGHT.replace(hour=22)
    assert first.dispatched_at == NIGHT.replace(hour=22, minute=2)
    assert first.arrived_at == NIGHT.replace(hour=22, minute=10)
    assert report.label == "night of Fri 27 Nov 2026"
    assert (report.start, report.end) == (NIGHT.replace(hour=6), NIGHT.replace(day=28, hour=6))


def test_the_summary_per_grade(db_url: str) -> None:
    report, _ = _report(db_url, GradeTargets())
    summary = {
        g.grade: (g.incidents, g.attended, g.median_minutes, g.p90_minutes, g.target_minutes, g.within_target)
        for g in report.grades
    }
    assert summary == {
        1: (4, 4, 10.0, pytest.approx(17.0), 15.0, 0.75),
        2: (4, 1, 0.0, 0.0, 60.0, 0.5),
        3: (1, 0, None, None, None, None),
    }
    assert json.loads(json.dumps(report.to_json()))["incidents"][0]["outcome"] == "no_target"


def test_configured_targets_and_an_hours_window(db_url: str) -> None:
    report, refs = _report(db_url, GradeTargets(minutes=((1, 8.0), (2, 60.0))), hours=1)
    letter = {ref: name for name, ref in refs.items()}
    assert [(letter[r.reference], r.outcome) for r in report.incidents] == [
        ("B", Outcome.BREACHED),
        ("F", Outcome.OPEN),
        ("C", Outcome.MET),
        ("E", Outcome.BREACHED),
        ("J", Outcome.MET),
    ]
    assert report.grades[0].within_target == pytest.approx(1 / 3)
    assert report.label == "last 1 hours" and report.start == FIXED_NOW - timedelta(hours=1)


@pytest.mark.parametrize("hours", [0, -2, 24 * 31 + 1])
def test_a_window_out_of_range_is_refused(db_url: str, hours: float) -> None:
    async def scenario(db: Database) -> str:
        with pytest.raises(ValidationError) as caught:
            await response_report(db, GradeTargets(), now=FIXED_NOW, hours=hours)
        return str(caught.value)

    assert "must be more than 0 and at most 744" in run_with_db(db_url, scenario)


def test_percentile_90_interpolates_between_sorted_values() -> None:
    assert percentile_90([]) is None
    assert percentile_90([7.0]) == 7.0
    assert percentile_90([5.0, 10.0, 20.0]) == pytest.approx(18.0)


@given(st.lists(st.floats(min_value=0, max_value=600), min_size=1, max_size=50))
def test_percentile_90_lies_between_the_median_and_the_slowest(values: list[float]) -> None:
    ordered = sorted(values)
    p90 = percentile_90(ordered)
    assert p90 is not None
    assert ordered[(len(ordered) - 1) // 2] - 1e-9 <= p90 <= ordered[-1] + 1e-9
