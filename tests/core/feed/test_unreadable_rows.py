"""Rows written around the program: one unreadable value leaves one record out, named, never the board.

The bad values are put there by direct SQL, as an integration writing the tables
might. PostgreSQL's column types refuse some of them (an integer or a word in a
``timestamptz``); what each backend admits is what is tested on it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.core.snapshots import IncidentSnapshot, Snapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.incidents.queries import UnreadableIncidentError, active_flags, incident_detail
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import ChangeLogEntry
from tests.core.support import add_venue, commands_for, run_with_db


def _new(summary: str, venue: str | None = None) -> NewIncident:
    if venue is not None:
        return NewIncident(category="harassment", source="cctv", summary=summary, venue=venue)
    return NewIncident(
        category="harassment", source="cctv", summary=summary, lat=50.905, lon=-1.404, place="Above Bar"
    )


async def _sql(db: Database, statement: str, **params: Any) -> None:
    async with db.write() as session:
        await session.execute(text(statement), params)


async def _board_with_one_bad_row_per_table(db: Database) -> tuple[dict[str, int], Snapshot]:
    """Two of everything the boards read; one of each made unreadable behind the program's back."""
    commands = commands_for(db)
    await add_venue(commands, "Velvet Fox")
    await add_venue(commands, "Copper Lantern")
    good = await commands.report_incident(_new("still on the board"))
    bad_status = await commands.report_incident(_new("status written by an integration"))
    bad_second = await commands.report_incident(_new("second bad value"))
    await commands.add_unit("SN-1", "police_foot", (50.9050, -1.4044))
    await commands.add_unit("SN-2", "police_foot", (50.9050, -1.4044))
    good_flag = await commands.flag_location(behaviour="leering", reason="kept", venue="Velvet Fox")
    bad_flag = await commands.flag_location(behaviour="following", reason="bad", venue="Velvet Fox")
    ids = {"good": good.id, "status": bad_status.id, "second": bad_second.id}
    ids |= {"good_flag": good_flag.id, "bad_flag": bad_flag.id}
    await _sql(db, "UPDATE incidents SET status = 'bogus' WHERE id = :id", id=bad_status.id)
    if db.is_sqlite:
        await _sql(db, "UPDATE incidents SET reported_at = 42 WHERE id = :id", id=bad_second.id)
    else:
        # timestamptz admits no integer: PostgreSQL refuses the write itself.
        with pytest.raises(DBAPIError):
            await _sql(db, "UPDATE incidents SET reported_at = 42 WHERE id = :id", id=bad_second.id)
        await _sql(db, "UPDATE incidents SET source = 'carrier_pigeon' WHERE id = :id", id=bad_second.id)
    await _sql(db, "UPDATE units SET status = 'teleported' WHERE callsign = 'SN-2'")
    await _sql(db, "UPDATE venues SET kind = 'casino' WHERE name = 'Copper Lantern'")
    await _sql(db, "UPDATE flags SET behaviour = 'glaring' WHERE id = :id", id=bad_flag.id)
    return ids, await ChangeFeed(db).start()


def test_one_bad_row_per_table_leaves_every_other_row_on_the_board(db_url: str) -> None:
    ids, board = run_with_db(db_url, _board_with_one_bad_row_per_table)

    assert [i.summary for i in board.incidents] == ["still on the board"]
    assert [v.name for v in board.venues] == ["Velvet Fox"]
    assert [u.callsign for u in board.units] == ["SN-1"]
    assert [f.id for f in board.flags] == [ids["good_flag"]]
    second = ("reported_at", "42") if db_url.startswith("sqlite") else ("source", "'carrier_pigeon'")
    named = {(w.table, w.column, w.value) for w in board.warnings}
    assert named == {
        ("incidents", "status", "'bogus'"),
        ("incidents", *second),
        ("units", "status", "'teleported'"),
        ("venues", "kind", "'casino'"),
        ("flags", "behaviour", "'glaring'"),
    }
    by_column = {(w.table, w.column): w for w in board.warnings}
    assert by_column["incidents", "status"].id == ids["status"]
    assert by_column["incidents", second[0]].id == ids["second"]
    assert by_column["flags", "behaviour"].id == ids["bad_flag"]
    message = by_column["incidents", "status"].describe()
    assert f"incidents row {ids['status']}" in message and "'bogus'" in message
    assert "one of new, acknowledged, dispatched, on_scene, resolved, closed" in message


def test_garbage_text_in_a_time_column_is_named_on_sqlite(sqlite_url: str) -> None:
    async def scenario(db: Database) -> tuple[int, Snapshot]:
        commands = commands_for(db)
        await commands.report_incident(_new("kept"))
        bad = await commands.report_incident(_new("garbage time"))
        await _sql(db, "UPDATE incidents SET reported_at = 'yesterday-ish' WHERE id = :id", id=bad.id)
        await _sql(db, "UPDATE incidents SET updated_at = x'00ff' WHERE id = :id", id=bad.id)
        return bad.id, await ChangeFeed(db).start()

    bad_id, board = run_with_db(sqlite_url, scenario)
    assert [i.summary for i in board.incidents] == ["kept"]
    assert {(w.id, w.column, w.value) for w in board.warnings} == {
        (bad_id, "reported_at", "'yesterday-ish'"),
        (bad_id, "updated_at", "b'\\x00\\xff'"),
    }


def test_a_partner_board_leaves_out_the_unreadable_row_of_its_venue(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[int, Snapshot]:
        commands = commands_for(db)
        await add_venue(commands, "Velvet Fox")
        kept = await commands.report_incident(_new("kept", "Velvet Fox"))
        bad = await commands.report_incident(_new("bad", "Velvet Fox"))
        await _sql(db, "UPDATE incidents SET category = 'mystery' WHERE id = :id", id=bad.id)
        partner = Actor("bar-manager", "partner", frozenset({kept.venue_id or 0}))
        return bad.id, await ChangeFeed(db, viewer=partner, listen=False).start()

    bad_id, board = run_with_db(db_url, scenario)
    assert [i.summary for i in board.incidents] == ["kept"]
    assert [(w.table, w.id, w.column, w.value) for w in board.warnings] == [
        ("incidents", bad_id, "category", "'mystery'")
    ]


def test_an_unreadable_change_is_skipped_named_and_the_feed_carries_on(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[IncidentSnapshot, int, Any, Any]:
        commands = commands_for(db)
        feed = ChangeFeed(db, listen=False)
        await feed.start()
        victim = await commands.report_incident(_new("its change log entry is damaged"))
        payload = {**victim.to_json(), "status": "bogus", "version": 2}
        async with db.write() as session:
            await db.take_feed_lock(session)
            session.add(
                ChangeLogEntry(
                    entity="incident",
                    entity_id=victim.id,
                    op="upsert",
                    payload=payload,
                    committed_at=datetime.now(UTC),
                )
            )
        after = await commands.report_incident(_new("reported after the damaged change"))
        diff = await feed.poll()
        return after, victim.id, diff, await feed.poll()

    after, victim_id, diff, idle = run_with_db(db_url, scenario)
    assert [c.incident.summary for c in diff.changes if c.incident] == [
        "its change log entry is damaged",
        after.summary,
    ]
    [warning] = diff.warnings
    assert (warning.table, warning.id, warning.column, warning.value) == (
        "incidents",
        victim_id,
        "status",
        "'bogus'",
    )
    assert warning.seq is not None and diff.changes[0].seq < warning.seq < diff.changes[1].seq
    assert idle.empty and idle.cursor == diff.cursor  # the cursor moved past the damaged change


def test_incident_detail_of_an_unreadable_row_carries_what_could_be_read(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[str, UnreadableIncidentError]:
        commands = commands_for(db)
        incident = await commands.report_incident(_new("status written by an integration"))
        await _sql(db, "UPDATE incidents SET status = 'bogus' WHERE id = :id", id=incident.id)
        with pytest.raises(UnreadableIncidentError) as caught:
            await incident_detail(db, incident.reference)
        return incident.reference, caught.value

    reference, unreadable = run_with_db(db_url, scenario)
    assert unreadable.values["reference"] == reference
    assert unreadable.values["summary"] == "status written by an integration"
    assert unreadable.values["status"] == "bogus"
    assert [e.kind for e in unreadable.timeline] == ["reported"]
    assert [(w.column, w.value) for w in unreadable.warnings] == [("status", "'bogus'")]


def test_active_flags_leave_out_an_unreadable_flag(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(db: Database) -> tuple[int, list[str]]:
        commands = commands_for(db)
        await add_venue(commands)
        await commands.flag_location(behaviour="leering", reason="kept", venue="Velvet Fox")
        bad = await commands.flag_location(behaviour="following", reason="bad", venue="Velvet Fox")
        await _sql(db, "UPDATE flags SET behaviour = 'glaring' WHERE id = :id", id=bad.id)
        return bad.id, [f.flag.reason for f in await active_flags(db, datetime.now(UTC))]

    bad_id, reasons = run_with_db(db_url, scenario)
    assert reasons == ["kept"]
    assert f"flags row {bad_id} not shown: behaviour 'glaring'" in caplog.text


def test_rewind_delivers_every_change_after_the_cursor_and_refuses_one_beyond_the_newest(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[list[str], int, str]:
        commands = commands_for(db)
        await commands.report_incident(_new("before the cursor"))
        feed = ChangeFeed(db, listen=False)
        first = await feed.start()
        await commands.report_incident(_new("while the console was down"))
        await commands.report_incident(_new("also while down"))
        resumed = ChangeFeed(db, listen=False)
        newest = (await resumed.start()).cursor
        resumed.rewind(first.cursor)
        summaries = [c.incident.summary for c in (await resumed.poll()).changes if c.incident]
        with pytest.raises(ValidationError) as beyond:
            resumed.rewind(newest + 5)
        return summaries, newest, str(beyond.value)

    summaries, newest, refusal = run_with_db(db_url, scenario)
    assert summaries == ["while the console was down", "also while down"]
    assert f"cursor {newest + 5} is beyond the newest change in this database ({newest})" in refusal


def test_an_unreadable_report_time_leaves_the_other_checklists_on_the_board(sqlite_url: str) -> None:
    async def scenario(db: Database) -> tuple[int, int, Snapshot]:
        commands = commands_for(db)
        spiking = dict(category="suspected_spiking", source="licensed_premises", lat=50.905, lon=-1.404)
        good = await commands.report_incident(NewIncident(**spiking, summary="kept", place="Above Bar"))
        bad = await commands.report_incident(NewIncident(**spiking, summary="bad time", place="Bargate"))
        await _sql(db, "UPDATE incidents SET reported_at = 42 WHERE id = :id", id=bad.id)
        return good.id, bad.id, await ChangeFeed(db).start()

    good_id, bad_id, board = run_with_db(sqlite_url, scenario)
    assert [c.incident_id for c in board.checklists] == [good_id]
    assert [i.id for i in board.incidents] == [good_id]
    assert {(w.id, w.column) for w in board.warnings} == {(bad_id, "reported_at")}
