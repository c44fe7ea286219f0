"""The demo evening says how its incidents relate to their venues, so its per-venue table has evidence."""

from __future__ import annotations

from sqlalchemy import select

from controlroom.incidents.records import incident_columns, incident_from_row
from controlroom.reports.venues import venue_table
from controlroom.sim.demo import load_demo
from controlroom.storage.database import Database
from tests.core.support import FIXED_NOW, commands_for, run_with_db


def test_the_demo_links_its_venue_incidents_inside_at_the_door_nearby_and_venue_reported(
    sqlite_url: str,
) -> None:
    async def scenario(db: Database) -> list[object]:
        await load_demo(commands_for(db, "supervisor-1", now=FIXED_NOW, role="supervisor"), now=FIXED_NOW)
        async with db.read() as conn:
            rows = (await conn.execute(select(*incident_columns(redacted=False)))).mappings().all()
        return [incident_from_row(row) for row in rows]

    incidents = run_with_db(sqlite_url, scenario)
    rows = venue_table(incidents, [])
    links = ("inside", "door_queue", "nearby", "venue_reported")
    assert {name: sum(getattr(row, name) for row in rows) for name in links} == {
        "inside": 1,
        "door_queue": 1,
        "nearby": 2,
        "venue_reported": 2,
    }
    assert sum(row.at_venue for row in rows) > 0
    assert all(i.venue_link is None for i in incidents if i.venue_id is None)
