"""The papers built from stored records (``dispersal.papers``), on both backends, and what they print.

A reprint after a variation or a withdrawal must not contradict itself (s.37: an item is
not returned before the exclusion ends, so the collection time follows the current end);
an old row without the issue #13 answers prints "Not recorded", never a guess.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import update

from controlroom.dispersal.directions import DirectionVariation, TakeHomeOutcome
from controlroom.dispersal.papers import authorisation_paper, direction_paper
from controlroom.paperwork.data import DirectionPaper
from controlroom.paperwork.render import render_authorisation, render_direction, written_date_time
from controlroom.storage.database import Database
from controlroom.storage.models import Direction
from tests.core.dispersal.test_dispersal import NOW, direction_spec, zone_spec
from tests.core.paperwork.test_paperwork import text_of
from tests.core.support import commands_for, run_with_db

SUPERVISOR = "Sgt 22 Kim Lo"


def _texts(paper: DirectionPaper) -> dict[str, str]:
    return {part: text_of(render_direction(paper, part).html) for part in ("notice", "record", "receipt")}


async def _child_with_items(db: Database) -> str:
    commands = commands_for(db, now=NOW, role="supervisor")
    await commands.authorise_zone(zone_spec())
    given = await commands.give_direction(
        direction_spec(
            apparent_age=15,
            surrendered_items=["Bottle of vodka"],
            refused_items=["Laser pointer"],
        )
    )
    return given.direction.reference


def test_a_reprint_after_a_variation_shows_the_new_collection_time_everywhere(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[DirectionPaper, DirectionPaper]:
        reference = await _child_with_items(db)
        before = await direction_paper(db, reference)
        later = commands_for(db, now=NOW + timedelta(hours=1), role="supervisor")
        await later.vary_direction(
            reference,
            DirectionVariation(officer="PS 12 Ann Cole", reason="Came back twice", hours_from_first_given=30),
        )
        return before, await direction_paper(db, reference)

    before, after = run_with_db(db_url, scenario)
    old_end, new_end = NOW + timedelta(hours=24), NOW + timedelta(hours=30)
    assert before.collect_from == old_end and after.collect_from == new_end == after.exclusion_ends_at
    old, new = written_date_time(old_end), written_date_time(new_end)
    assert new == "05:30 on Sunday 29 November 2026 (GMT)"
    for part, text in _texts(after).items():
        assert new in text, part
        assert old not in text, part  # nothing left from the frozen first end
    assert after.keep_until == date(2026, 12, 24)  # 27 Nov + 27: 28 days beginning with the day given
    assert after.refused_items == ("Laser pointer",) and after.surrendered_items == ("Bottle of vodka",)
    receipt = _texts(after)["receipt"]
    assert "Laser pointer" not in receipt  # only what was actually surrendered
    assert "Only a parent or other responsible adult" in receipt
    change = after.changes[0]
    assert (change.kind, change.officer, change.reason) == (
        "variation",
        "Sergeant 12 Ann Cole",
        "Came back twice",
    )
    assert change.notice_given and change.notice_given_at == NOW + timedelta(hours=1)
    record = _texts(after)["record"]
    assert "Came back twice" in record and "exclusion ends now 29/11/2026 05:30 GMT" in record
    assert "Given at 28/11/2026 00:30 GMT" in record  # s.35(9): when the person was told


def test_a_withdrawn_direction_makes_its_items_collectable_from_the_withdrawal(db_url: str) -> None:
    async def scenario(db: Database) -> DirectionPaper:
        reference = await _child_with_items(db)
        later = commands_for(db, now=NOW + timedelta(hours=2), role="supervisor")
        await later.withdraw_direction(
            reference,
            officer="PC 9 Ann Cole",
            reason="Wrong person",
            notice_given=False,
            no_notice_reason="Could not be found",
        )
        return await direction_paper(db, reference)

    paper = run_with_db(db_url, scenario)
    withdrawn = NOW + timedelta(hours=2)
    assert paper.withdrawn_at == withdrawn and paper.collect_from == withdrawn
    at = written_date_time(withdrawn)
    texts = _texts(paper)
    assert f"from {at} (when the direction was withdrawn)" in texts["notice"]
    assert f"Not before {at}" in texts["receipt"]
    assert f"withdrawn at {at}, so the items can be collected from then" in texts["receipt"]
    assert "Withdrawal" in texts["record"] and "Not given: Could not be found" in texts["record"]
    assert "Wrong person" in texts["record"] and "Constable 9 Ann Cole" in texts["record"]


def test_the_record_prints_who_gave_it_where_and_the_take_home_outcome(db_url: str) -> None:
    async def scenario(db: Database) -> DirectionPaper:
        reference = await _child_with_items(db)
        later = commands_for(db, now=NOW + timedelta(hours=1), role="supervisor")
        await later.record_take_home(
            reference,
            TakeHomeOutcome(
                taken_to="Home",
                taken_by="PC 4567 Tom Reed",
                told="His father",
                told_at=NOW + timedelta(minutes=50),
                referral="MASH referral 77",
            ),
        )
        return await direction_paper(db, reference)

    paper = run_with_db(db_url, scenario)
    assert paper.officer_capacity == "constable" and paper.in_uniform is True
    assert paper.place_given == "50.91200, -1.40890"
    assert re.fullmatch(r"SU 41\d{3} 12\d{3}", paper.grid_reference), paper.grid_reference
    assert paper.recorded_by == "test-operator" and paper.recorded_at == NOW
    assert paper.take_home is not None and paper.take_home.status == "done"
    record = _texts(paper)["record"]
    for expected in (
        "Capacity (s.35(1), s.40) Constable",
        "In uniform (s.35(1)) Yes",
        f"Place given 50.91200, -1.40890 · OS grid {paper.grid_reference}",
        "Why necessary (s.35(3)) Words of advice had no effect",
        "Grounds for suspicion (s.35(2)) Followed two lone women",
        "Access kept (s.36(2)-(3)) Confirmed",
        "Picket or procession (s.36(4)) Confirmed",
        "Constable's belief (s.37) Pressing drinks from the bottle",
        "Surrender direction in writing Yes",
        "Laser pointer. Refusing to surrender is an offence (s.39(3))",
        "Taken to Home",
        "Taken by PC 4567 Tom Reed",
        "Who was told His father, at 00:20 on Saturday 28 November 2026 (GMT)",
        "Safeguarding referral MASH referral 77",
        "Recorded by test-operator",
        "Recorded at 23:30 on Friday 27 November 2026 (GMT)",
    ):
        assert expected in record, expected


def test_an_open_take_home_task_prints_as_outstanding(db_url: str) -> None:
    paper = run_with_db(db_url, lambda db: _paper_of(db, _child_with_items))
    assert paper.take_home is not None and paper.take_home.status == "open"
    assert "Outcome Outstanding: the take-home task is open" in _texts(paper)["record"]


async def _paper_of(db: Database, make: Any) -> DirectionPaper:
    return await direction_paper(db, await make(db))


def test_a_running_direction_prints_with_the_supervisors_reason(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[str, DirectionPaper]:
        commands = commands_for(db, now=NOW, role="supervisor")
        await commands.authorise_zone(zone_spec())
        first = await commands.give_direction(direction_spec(exclusion_hours=6))
        second = await commands.give_direction(
            direction_spec(
                description=None,
                subject_id=first.subject.id,
                supervisor=SUPERVISOR,
                supervisor_reason="Moved to Bedford Place with a new group",
            )
        )
        return first.direction.reference, await direction_paper(db, second.direction.reference)

    running, paper = run_with_db(db_url, scenario)
    assert paper.running_direction == running and paper.supervisor == "Sergeant 22 Kim Lo"
    record = _texts(paper)["record"]
    assert f"Given while direction {running} to this person was still running." in record
    assert "Supervisor: Sergeant 22 Kim Lo. Reason: Moved to Bedford Place with a new group" in record


def test_an_old_row_prints_not_recorded_instead_of_guessing(db_url: str) -> None:
    async def scenario(db: Database) -> DirectionPaper:
        reference = await _child_with_items(db)
        async with db.write() as session:  # as a direction given before migration 0008 reads
            await session.execute(
                update(Direction)
                .where(Direction.reference == reference)
                .values(
                    officer_capacity=None,
                    in_uniform=None,
                    recorded_at=None,
                    access_kept=None,
                    not_picket_or_procession=None,
                    surrender_belief=None,
                    surrender_in_writing=None,
                    necessity="",
                )
            )
        return await direction_paper(db, reference)

    paper = run_with_db(db_url, scenario)
    assert paper.recorded_at == paper.given_at
    texts = _texts(paper)
    for expected in (
        "Capacity (s.35(1), s.40) Not recorded",
        "In uniform (s.35(1)) Not recorded",
        "Why necessary (s.35(3)) Not recorded",
        "Access kept (s.36(2)-(3)) Not recorded",
        "Picket or procession (s.36(4)) Not recorded",
        "Constable's belief (s.37) Not recorded",
        "Surrender direction in writing Not recorded",
        "Recorded at 23:30 on Friday 27 November 2026 (GMT)",
    ):
        assert expected in texts["record"], expected
    assert "Not recorded: Constable 4567 Tom Reed; in uniform: not recorded" in texts["notice"]
    assert "police officer" not in texts["notice"].lower()


def test_the_s34_form_prints_signing_and_a_withdrawal_with_its_reason(db_url: str) -> None:
    async def scenario(db: Database) -> Any:
        commands = commands_for(db, now=NOW, role="supervisor")
        zone = await commands.authorise_zone(zone_spec())
        later = commands_for(db, now=NOW + timedelta(hours=3), role="supervisor")
        await later.withdraw_zone(zone.id, reason="Disorder ended early")
        return await authorisation_paper(db, zone.id)

    paper = run_with_db(db_url, scenario)
    text = text_of(render_authorisation(paper).html)
    assert f"Signed at (s.34(4)) {written_date_time(NOW - timedelta(hours=5, minutes=45))}" in text
    assert f"From {written_date_time(NOW - timedelta(hours=5, minutes=30))}" in text
    assert f"Withdrawn at {written_date_time(NOW + timedelta(hours=3))} because Disorder ended early" in text
