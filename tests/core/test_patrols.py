"""Units, flags and dispatch through the command layer, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from controlroom.commands import NewIncident
from controlroom.errors import ValidationError
from controlroom.feed import ChangeFeed
from controlroom.queries import incident_detail
from controlroom.storage.database import Database
from controlroom.storage.models import Dispatch
from tests.core.support import add_venue, commands_for, row_counts, run_with_db


async def _incident(db: Database, grade: int | None) -> str:
    made = await commands_for(db).report_incident(
        NewIncident(
            category="assault",
            source="cctv",
            summary="fight",
            lat=50.9060,
            lon=-1.4044,
            place="Above Bar Street",
            grade=grade,
        )
    )
    return made.reference


def test_dispatch_then_arrival_sets_statuses_and_keeps_times(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, ...]:
        commands = commands_for(db)
        await commands.add_unit("sn-21", "police_foot", (50.9050, -1.4044))
        ref = await _incident(db, 2)
        feed = ChangeFeed(db)
        await feed.start()
        [sent] = await commands.dispatch(ref, ["SN-21"])
        diff = await feed.poll()
        arrived = await commands.update_unit("SN-21", status="on_scene")
        async with db.read() as conn:
            dispatch = (await conn.execute(select(Dispatch))).one()
        return sent, diff, arrived, dispatch, await incident_detail(db, ref)

    sent, diff, arrived, dispatch, detail = run_with_db(db_url, scenario)
    assert sent.status == "en_route" and sent.callsign == "SN-21"
    assert {(c.entity, c.op) for c in diff.changes} == {("incident", "upsert"), ("unit", "upsert")}
    assert next(c.incident for c in diff.changes if c.incident).status == "dispatched"
    assert arrived.status == "on_scene"
    assert detail.incident.status == "on_scene" and detail.incident.attended_at is not None
    assert dispatch.dispatched_at <= dispatch.arrived_at
    assert [e.describe() for e in detail.timeline[1:]] == [
        "dispatched SN-21",
        "status new → dispatched",
        "status dispatched → on_scene (SN-21)",
    ]


def test_divert_from_a_lower_grade_to_a_grade_1_is_recorded_on_both(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, object, str]:
        commands = commands_for(db)
        await commands.add_unit("SN-30", "police_vehicle", (50.9050, -1.4044))
        low = await _incident(db, 3)
        await commands.dispatch(low, ["SN-30"])
        urgent_2 = await _incident(db, 2)
        with pytest.raises(ValidationError) as refused:
            await commands.dispatch(urgent_2, ["SN-30"])
        urgent = await _incident(db, 1)
        await commands.dispatch(urgent, ["SN-30"])
        return await incident_detail(db, low), await incident_detail(db, urgent), str(refused.value)

    low, urgent, refused = run_with_db(db_url, scenario)
    assert "can only be diverted to a Grade 1" in refused and "(G3)" in refused
    assert low.timeline[-1].describe() == f"SN-30 diverted to {urgent.incident.reference}"
    assert f"dispatched SN-30, diverted from {low.incident.reference}" in [
        e.describe() for e in urgent.timeline
    ]


@pytest.mark.parametrize(
    ("setup", "callsigns", "message"),
    [
        ("closed", ["SN-1"], "reopen it before dispatching"),
        ("off_duty", ["SN-1"], "SN-1 is off duty"),
        ("open", ["SN-11"], "unknown unit 'SN-11'; did you mean SN-1"),
        ("open", [], "name at least one unit"),
    ],
)
def test_bad_dispatch_writes_nothing(db_url: str, setup: str, callsigns: list[str], message: str) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        commands = commands_for(db)
        await commands.add_unit("SN-1", "police_foot", (50.9050, -1.4044))
        ref = await _incident(db, 2)
        if setup == "closed":
            await commands.update_incident(ref, status="resolved")
            await commands.update_incident(ref, status="closed")
        if setup == "off_duty":
            await commands.update_unit("SN-1", status="off_duty")
        before = await row_counts(db)
        with pytest.raises(ValidationError) as caught:
            await commands.dispatch(ref, callsigns)
        return str(caught.value), before, await row_counts(db)

    error, before, after = run_with_db(db_url, scenario)
    assert message in error
    assert before == after


def test_units_and_flags_validate_their_input(db_url: str) -> None:
    async def scenario(db: Database) -> list[str]:
        commands = commands_for(db)
        await add_venue(commands)
        await commands.add_unit("SN-1", "police_foot")
        errors = []
        for attempt in (
            commands.add_unit("SN-1", "police_foot"),
            commands.add_unit("SN-2", "horse"),
            commands.add_unit("SN-3", "police_foot", (51.5, -0.12)),
            commands.update_unit("SN-1"),
            commands.flag_location(behaviour="staring", reason="x", venue="Velvet Fox"),
            commands.flag_location(
                behaviour="following", reason="x", venue="Velvet Fox", expires_in_minutes=10_000
            ),
            commands.flag_location(behaviour="following", reason="x"),
        ):
            with pytest.raises(ValidationError) as caught:
                await attempt
            errors.append(str(caught.value))
        return errors

    errors = run_with_db(db_url, scenario)
    assert "already exists" in errors[0]
    assert "choose one of: police_foot, police_vehicle" in errors[1]
    assert "outside the operating area" in errors[2]
    assert "nothing to change" in errors[3]
    assert "choose one of: loitering, following" in errors[4]
    assert "must be 1 to 720 minutes" in errors[5]
    assert "either a venue" in errors[6]


def test_flags_and_units_reach_consoles_and_expire_from_the_board(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, object, object]:
        commands = commands_for(db)
        await add_venue(commands)
        await commands.add_unit("SN-1", "plain_clothes", (50.9050, -1.4044))
        feed = ChangeFeed(db)
        await feed.start()
        flag = await commands.flag_location(
            behaviour="isolating",
            reason="Man steering drunk woman away",
            venue="Velvet Fox",
            expires_in_minutes=30,
        )
        diff = await feed.poll()
        await commands.flag_location(
            behaviour="leering", reason="x", at=(50.9060, -1.4044), place="Bargate", expires_in_minutes=1
        )
        await commands.clear_flag(flag.id)
        board = await ChangeFeed(db).start()
        return flag, diff, board

    flag, diff, board = run_with_db(db_url, scenario)
    assert flag.place == "Velvet Fox" and flag.behaviour == "isolating"
    assert [c.flag.id for c in diff.changes if c.flag] == [flag.id]
    assert [u.callsign for u in board.units] == ["SN-1"]
    assert [f.place for f in board.flags] == ["Bargate"]  # the cleared one is gone
