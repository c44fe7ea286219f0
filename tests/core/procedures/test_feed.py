"""Checklists travel the change feed: to every control-room console, never to partners or auditors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from controlroom.cli.watch import change_line
from controlroom.core.roles import Actor
from controlroom.core.snapshots import Diff, Snapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.procedures.checklist import overdue_steps
from controlroom.storage.database import Database
from controlroom.storage.models import ChangeLogEntry
from tests.core.procedures.support import book_from, commands, spiking
from tests.core.support import FIXED_NOW, run_with_db


def test_a_step_marked_on_one_console_reaches_a_second_console_as_a_diff(db_url: str, tmp_path: Path) -> None:
    book = book_from(tmp_path)

    async def scenario(db: Database) -> tuple[Diff, Diff, Snapshot]:
        first = commands(db, book, FIXED_NOW, name="op1")
        second_console = ChangeFeed(db, viewer=Actor("op2", "operator"))
        await second_console.start()
        incident = await first.report_incident(spiking())
        reported = await second_console.poll()
        await first.mark_step(incident.reference, "1")
        marked = await second_console.poll()
        return reported, marked, await ChangeFeed(db).start()

    reported, marked, board = run_with_db(db_url, scenario)

    assert [c.entity for c in reported.changes] == ["checklist", "incident"]
    (started,) = reported.checklist_changes()
    assert started.checklist is not None and started.checklist.step("1").state == "pending"  # type: ignore[union-attr]
    (change,) = marked.changes
    assert change.entity == "checklist" and change.entity_id == started.entity_id
    step = change.checklist.step("1")  # type: ignore[union-attr]
    assert (step.state, step.by, step.at) == ("done", "op1", FIXED_NOW)  # type: ignore[union-attr]
    assert change_line(change, FIXED_NOW)["states"]["1"] == "done"
    # A console starting later has the checklist on its board, with the step done.
    (on_board,) = board.checklists
    assert on_board == change.checklist
    # The board is enough to find what is overdue: step 2 (10 minutes) with no outcome.
    late = overdue_steps(board.checklists, board.incidents, FIXED_NOW + timedelta(minutes=11))
    assert [o.number for o in late] == ["2"]


def test_partners_and_auditors_receive_no_checklist(db_url: str, tmp_path: Path) -> None:
    book = book_from(tmp_path)

    async def scenario(db: Database) -> list[tuple[int, int, int]]:
        op = commands(db, book, FIXED_NOW)
        await op.report_incident(spiking())  # on the boards below, with its checklist
        seen = []
        for viewer in (
            Actor("venue-1", "partner", venue_ids=frozenset({1})),
            Actor("dpo-1", "auditor"),
        ):
            feed = ChangeFeed(db, viewer=viewer)
            board = await feed.start()
            incident = await op.report_incident(spiking("another"))
            await op.mark_step(incident.reference, "1")
            diff = await feed.poll()
            seen.append((len(board.checklists), len(diff.checklist_changes()), len(diff.warnings)))
        return seen

    assert run_with_db(db_url, scenario) == [(0, 0, 0), (0, 0, 0)]


def test_an_unreadable_checklist_change_is_named_and_the_feed_carries_on(db_url: str, tmp_path: Path) -> None:
    book = book_from(tmp_path)

    async def scenario(db: Database) -> Diff:
        op = commands(db, book, FIXED_NOW)
        incident = await op.report_incident(spiking())
        feed = ChangeFeed(db)
        await feed.start()
        async with db.write() as session:
            await db.take_feed_lock(session)
            await session.execute(
                insert(ChangeLogEntry).values(
                    entity="checklist",
                    entity_id=incident.id,
                    op="upsert",
                    payload={"incident_id": incident.id, "steps": [{"number": "1"}]},
                    committed_at=FIXED_NOW,
                )
            )
        await op.mark_step(incident.reference, "1")
        return await feed.poll()

    diff = run_with_db(db_url, scenario)
    (warning,) = diff.warnings
    assert (warning.table, warning.column) == ("incident_checklists", "payload")
    (change,) = diff.checklist_changes()
    assert change.checklist is not None and change.checklist.step("1").state == "done"  # type: ignore[union-attr]
