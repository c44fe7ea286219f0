"""The change feed carries a handover to every other console, and not to partners."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from controlroom.cli.watch import change_line
from controlroom.core.roles import Actor
from controlroom.feed.change_feed import ChangeFeed
from controlroom.storage.database import Database
from tests.core.handover.support import GIVER, NOW, TAKER, outgoing
from tests.core.support import commands_for, run_with_db


def test_a_second_console_sees_the_handover_given_and_then_acknowledged(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        console = ChangeFeed(db, viewer=Actor(TAKER, "operator"))
        partner = ChangeFeed(db, viewer=Actor("venue_staff", "partner", frozenset({1})))
        await console.start()
        await partner.start()
        given = await outgoing(db).give_handover(notes="Over to you", to_user=TAKER)
        on_give = await console.poll()
        board = await ChangeFeed(db, viewer=Actor("op_late", "operator")).start()
        await commands_for(db, TAKER, NOW, role="operator").acknowledge_handover(given.id)
        on_ack = await console.poll()
        partner_diff = await partner.poll()
        return given, on_give, board, on_ack, partner_diff

    given, on_give, board, on_ack, partner_diff = run_with_db(db_url, scenario)
    [change] = on_give.handover_changes()
    assert change.entity_id == given.id and change.handover == given.snapshot
    assert change.handover.notes == "Over to you" and not change.handover.acknowledged
    assert board.handovers == (given.snapshot,)  # a console starting now: on its alert stack
    [acknowledged] = on_ack.handover_changes()
    assert acknowledged.handover is not None
    assert (acknowledged.handover.acknowledged_by, acknowledged.handover.acknowledged_at) == (TAKER, NOW)
    assert acknowledged.handover.given_by == GIVER and acknowledged.handover.version == 2
    assert partner_diff.handover_changes() == ()
    line = change_line(acknowledged, NOW)
    assert line is not None and {
        k: line[k] for k in ("event", "reference", "acknowledged_by", "version")
    } == {
        "event": "handover",
        "reference": "H-2026-0001",
        "acknowledged_by": TAKER,
        "version": 2,
    }
    assert "Over to you" not in str(line)  # watch prints no typed notes


def test_a_handover_row_written_around_the_program_is_named_and_the_board_still_loads(db_url: str) -> None:
    async def scenario(db: Database) -> Any:
        await outgoing(db).give_handover(notes="First")
        await outgoing(db).give_handover(notes="Second")
        async with db.write() as session:  # as an integration might: around the trigger
            if db.is_sqlite:
                await session.execute(text("DROP TRIGGER handovers_frozen"))
            else:
                await session.execute(text("ALTER TABLE handovers DISABLE TRIGGER handovers_frozen"))
            await session.execute(text("UPDATE handovers SET counts = '\"many\"' WHERE notes = 'First'"))
        return await ChangeFeed(db, viewer=Actor(TAKER, "operator")).start()

    board = run_with_db(db_url, scenario)
    assert [h.notes for h in board.handovers] == ["Second"]
    [warning] = [w for w in board.warnings if w.table == "handovers"]
    assert warning.column == "counts" and "section, count" in warning.reason
