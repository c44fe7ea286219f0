"""The demo night's procedures: older incidents worked through, the young ones still due."""

from __future__ import annotations

from controlroom.core.snapshots import Snapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.procedures.checklist import overdue_steps
from controlroom.sim.demo import STEPS_WORKED_AFTER, load_demo
from controlroom.storage.database import Database
from tests.core.support import FIXED_NOW, commands_for, run_with_db


def test_the_demo_works_older_incidents_steps_and_leaves_the_young_ones_due(sqlite_url: str) -> None:
    async def scenario(db: Database) -> Snapshot:
        await load_demo(commands_for(db, "supervisor-1", now=FIXED_NOW, role="supervisor"), now=FIXED_NOW)
        return await ChangeFeed(db).start()

    board = run_with_db(sqlite_url, scenario)
    reported = {i.id: i.reported_at for i in board.incidents}
    older = [c for c in board.checklists if FIXED_NOW - reported[c.incident_id] > STEPS_WORKED_AFTER]
    younger = [c for c in board.checklists if FIXED_NOW - reported[c.incident_id] <= STEPS_WORKED_AFTER]
    assert older and younger
    # Every applicable step of an older incident done (a question answered, its branch taken) ...
    assert all(s.state in ("done", "not_applicable") for c in older for s in c.steps)
    assert all(s.by == "supervisor-1" for c in older for s in c.steps if s.state == "done")
    # ... so the alert stack carries a few young incidents' steps, not the whole evening's.
    overdue = overdue_steps(board.checklists, board.incidents, FIXED_NOW)
    assert {o.incident_id for o in overdue} <= {c.incident_id for c in younger}
    assert all(o.over <= STEPS_WORKED_AFTER for o in overdue)
    assert all(s.state == "pending" for c in younger for s in c.steps if s.branch_of is None)
