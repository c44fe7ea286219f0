"""Units, flags and dispatch through the command layer, on both backends."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from controlroom.commands import Commands
from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.incidents.queries import active_flags, incident_detail
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import Dispatch, Flag, Unit
from tests.core.support import FIXED_NOW, add_venue, commands_for, row_counts, run_with_db


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


# -- flagged locations: dispatch, conversion, the active list -------------------


class FakeClock:
    """A clock the scenario moves by hand."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


async def _counts(db: Database) -> dict[str, int]:
    """Row counts, plus every unit's and flag's version: a refused command moves none."""
    counts = await row_counts(db)
    async with db.read() as conn:
        counts["dispatches"] = (await conn.execute(select(func.count()).select_from(Dispatch))).scalar_one()
        counts["unit_versions"] = (await conn.execute(select(func.sum(Unit.version)))).scalar_one() or 0
        counts["flag_versions"] = (await conn.execute(select(func.sum(Flag.version)))).scalar_one() or 0
    return counts


async def _flagged(commands: Commands, *, venue: bool = True, minutes: int = 60) -> int:
    if venue:
        flag = await commands.flag_location(
            behaviour="isolating",
            reason="Man steering a drunk woman away from her friends",
            venue="Velvet Fox",
            expires_in_minutes=minutes,
        )
    else:
        flag = await commands.flag_location(
            behaviour="following",
            reason="Following a lone woman towards the park",
            at=(50.9060, -1.4044),
            place="East Park gate",
            expires_in_minutes=minutes,
        )
    return flag.id


def test_dispatch_to_a_flag_then_arrival_stamps_the_flag_dispatch(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, ...]:
        clock = FakeClock()
        commands = Commands(db, Actor("test-operator"), clock=clock)
        await add_venue(commands)
        await commands.add_unit("PC-1", "plain_clothes", (50.9050, -1.4044))
        await commands.add_unit("PC-2", "plain_clothes", (50.9050, -1.4044))
        flag_id = await _flagged(commands)
        feed = ChangeFeed(db)
        await feed.start()
        clock.advance(1)
        sent = await commands.dispatch_to_flag(flag_id, ["pc-1", "PC-2"])
        diff = await feed.poll()
        listed = await active_flags(db, clock.now)
        clock.advance(4)
        arrived = await commands.update_unit("PC-1", status="on_scene")
        async with db.read() as conn:
            after_arrival = (await conn.execute(select(Dispatch).order_by(Dispatch.id))).all()
        clock.advance(10)
        freed = await commands.update_unit("PC-1", status="available")
        async with db.read() as conn:
            after_free = (await conn.execute(select(Dispatch).order_by(Dispatch.id))).all()
        return flag_id, sent, diff, listed, arrived, after_arrival, freed, after_free

    flag_id, sent, diff, listed, arrived, after_arrival, freed, after_free = run_with_db(db_url, scenario)
    assert [(u.callsign, u.status, u.flag_id, u.incident_id) for u in sent] == [
        ("PC-1", "en_route", flag_id, None),
        ("PC-2", "en_route", flag_id, None),
    ]
    assert [(c.entity, c.entity_id) for c in diff.changes if c.flag] == [("flag", flag_id)]
    assert sorted(c.unit.callsign for c in diff.changes if c.unit) == ["PC-1", "PC-2"]
    assert [(f.flag.id, [u.callsign for u in f.units]) for f in listed] == [(flag_id, ["PC-1", "PC-2"])]
    first, second = after_arrival
    assert (first.flag_id, first.incident_id) == (flag_id, None)
    assert first.dispatched_at == FIXED_NOW + timedelta(minutes=1)
    assert first.arrived_at == FIXED_NOW + timedelta(minutes=5) and second.arrived_at is None
    assert arrived.status == "on_scene" and arrived.flag_id == flag_id
    assert freed.flag_id is None and after_free[0].ended_at == FIXED_NOW + timedelta(minutes=15)


@pytest.mark.parametrize(
    ("case", "callsigns", "message"),
    [
        ("unknown_flag", ["PC-1"], "no flag number 999; `controlroom flags` lists the active ones"),
        ("cleared", ["PC-1"], "was cleared at 23:30; flag the location again"),
        ("expired", ["PC-1"], "expired at 00:30; flag the location again"),
        ("converted", ["PC-1"], "is already incident SOT-20261127-0001; work that incident instead"),
        ("open", ["PC-9"], "unknown unit 'PC-9'; did you mean"),
        ("off_duty", ["PC-1"], "PC-1 is off duty; choose an available unit"),
        ("busy", ["PC-2", "PC-1"], "(G3); only an available unit can be sent to a flag"),
        ("tasked", ["PC-1"], "PC-1 is already tasked to flag"),
        ("open", [], "name at least one unit"),
    ],
)
def test_bad_dispatch_to_a_flag_writes_nothing(
    db_url: str, case: str, callsigns: list[str], message: str
) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        clock = FakeClock()
        commands = Commands(db, Actor("test-operator"), clock=clock)
        await add_venue(commands)
        await commands.add_unit("PC-1", "plain_clothes", (50.9050, -1.4044))
        await commands.add_unit("PC-2", "plain_clothes", (50.9050, -1.4044))
        flag_id = await _flagged(commands)
        if case == "unknown_flag":
            flag_id = 999
        if case == "cleared":
            await commands.clear_flag(flag_id)
        if case == "expired":
            clock.advance(61)
        if case == "converted":
            await commands.convert_flag(flag_id, category="predatory_behaviour")
        if case == "off_duty":
            await commands.update_unit("PC-1", status="off_duty")
        if case == "busy":
            await commands.dispatch(await _incident(db, 3), ["PC-1"])
        if case == "tasked":
            await commands.dispatch_to_flag(flag_id, ["PC-1"])
        before = await _counts(db)
        with pytest.raises(ValidationError) as caught:
            await commands.dispatch_to_flag(flag_id, callsigns)
        return str(caught.value), before, await _counts(db)

    error, before, after = run_with_db(db_url, scenario)
    assert message in error
    assert before == after


def test_convert_a_flag_moves_its_units_and_records_where_it_came_from(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, ...]:
        clock = FakeClock()
        commands = Commands(db, Actor("operator-a"), clock=clock)
        await add_venue(commands)
        for sign in ("PC-1", "PC-2", "SN-1"):
            await commands.add_unit(sign, "plain_clothes", (50.9050, -1.4044))
        flag_id = await _flagged(commands)
        clock.advance(2)
        await commands.dispatch_to_flag(flag_id, ["PC-1", "PC-2"])
        clock.advance(5)
        await commands.update_unit("PC-1", status="on_scene")
        clock.advance(3)
        feed = ChangeFeed(db)
        await feed.start()
        made = await Commands(db, Actor("operator-b"), clock=clock).convert_flag(
            flag_id, category="predatory_behaviour", grade=2
        )
        diff = await feed.poll()
        detail = await incident_detail(db, made.reference)
        async with db.read() as conn:
            dispatches = (await conn.execute(select(Dispatch).order_by(Dispatch.id))).all()
            flag = (await conn.execute(select(Flag))).one()
            units = (await conn.execute(select(Unit).order_by(Unit.callsign))).all()
        return flag_id, made, diff, detail, dispatches, flag, units, await active_flags(db, clock.now)

    flag_id, made, diff, detail, dispatches, flag, units, listed = run_with_db(db_url, scenario)
    assert made.reference == "SOT-20261127-0001" and made.reported_at == FIXED_NOW + timedelta(minutes=10)
    assert (made.place, made.source, made.category, made.grade) == (
        "Velvet Fox",
        "cctv",
        "predatory_behaviour",
        2,
    )
    assert made.venue_id is not None
    assert (
        made.summary == "Flagged: Isolating a lone woman — Man steering a drunk woman away from her friends"
    )
    assert made.status == "on_scene" and made.attended_at == made.reported_at
    assert [e.describe() for e in detail.timeline] == [
        "reported by CCTV operator: Predatory behaviour, G2 Priority",
        # A predatory-behaviour incident starts the shipped procedure's checklist (tests/core/procedures).
        "Procedure: Predatory behaviour (red flag) (2026.1) started",
        f"from flag {flag_id} at Velvet Fox: Isolating a lone woman — Man steering a drunk woman away "
        "from her friends (flagged by operator-a at 23:30)",
        f"dispatched PC-1, tasked to flag {flag_id} since 23:32",
        f"dispatched PC-2, tasked to flag {flag_id} since 23:32",
        "status new → dispatched",
        "status dispatched → on_scene (PC-1)",
    ]
    assert {e.actor for e in detail.timeline} == {"operator-b"}
    assert [(d.flag_id, d.incident_id) for d in dispatches] == [(flag_id, made.id), (flag_id, made.id)]
    assert flag.incident_id == made.id and flag.cleared_at == made.reported_at
    assert [(u.callsign, u.status, u.incident_id, u.flag_id) for u in units] == [
        ("PC-1", "on_scene", made.id, None),
        ("PC-2", "en_route", made.id, None),
        ("SN-1", "available", None, None),
    ]
    assert sorted((c.entity, c.entity_id) for c in diff.changes) == sorted(
        [
            ("incident", made.id),
            ("checklist", made.id),  # the procedure for predatory behaviour starts with it
            ("flag", flag_id),
            ("unit", units[0].id),
            ("unit", units[1].id),
        ]
    )
    assert next(c.flag for c in diff.changes if c.flag).active(made.reported_at) is False
    assert listed == ()


def test_convert_a_point_flag_without_units_makes_a_new_incident_there(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, object, str]:
        commands = commands_for(db, now=FIXED_NOW)
        await add_venue(commands)
        flag_id = await _flagged(commands, venue=False)
        typed = await commands.report_incident(
            NewIncident(category="assault", source="cctv", summary="fight", venue="Velvet Fox")
        )
        made = await commands.convert_flag(
            flag_id, category="harassment", source="street_pastors", summary="Shouting at a lone woman"
        )
        return made, await incident_detail(db, made.reference), typed.reference

    made, detail, typed = run_with_db(db_url, scenario)
    assert (typed, made.reference) == ("SOT-20261127-0001", "SOT-20261127-0002")  # one counter
    assert (made.place, made.lat, made.lon, made.venue_id) == ("East Park gate", 50.9060, -1.4044, None)
    assert (made.source, made.status, made.grade, made.summary) == (
        "street_pastors",
        "new",
        None,
        "Shouting at a lone woman",
    )
    assert [e.kind for e in detail.timeline] == ["reported", "from_flag"]


@pytest.mark.parametrize(
    ("case", "kwargs", "message"),
    [
        ("unknown", {"category": "harassment"}, "no flag number 999"),
        ("cleared", {"category": "harassment"}, "was cleared at 23:30"),
        ("expired", {"category": "harassment"}, "expired at 00:30"),
        ("converted", {"category": "harassment"}, "is already incident SOT-20261127-0001"),
        ("open", {"category": "fighting"}, "unknown category 'fighting'; choose one of:"),
        ("open", {"category": "harassment", "grade": 7}, "grade 7 is not valid"),
        ("open", {"category": "harassment", "source": "rumour"}, "unknown source 'rumour'"),
        ("open", {"category": "harassment", "summary": "  "}, "the summary is empty"),
    ],
)
def test_bad_conversion_writes_nothing(db_url: str, case: str, kwargs: dict[str, Any], message: str) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        clock = FakeClock()
        commands = Commands(db, Actor("test-operator"), clock=clock)
        await add_venue(commands)
        await commands.add_unit("PC-1", "plain_clothes", (50.9050, -1.4044))
        flag_id = await _flagged(commands)
        await commands.dispatch_to_flag(flag_id, ["PC-1"])
        if case == "unknown":
            flag_id = 999
        if case == "cleared":
            await commands.clear_flag(flag_id)
        if case == "expired":
            clock.advance(60)
        if case == "converted":
            await commands.convert_flag(flag_id, category="harassment")
        before = await _counts(db)
        with pytest.raises(ValidationError) as caught:
            await commands.convert_flag(flag_id, **kwargs)
        return str(caught.value), before, await _counts(db)

    error, before, after = run_with_db(db_url, scenario)
    assert message in error
    assert before == after


def test_active_flags_leave_out_cleared_expired_and_converted(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, ...]:
        clock = FakeClock()
        commands = Commands(db, Actor("test-operator"), clock=clock)
        await add_venue(commands)
        await commands.add_unit("PC-1", "plain_clothes", (50.9050, -1.4044))
        kept = await _flagged(commands, venue=False, minutes=120)
        short = await _flagged(commands, minutes=30)
        cleared = await _flagged(commands)
        converted = await _flagged(commands)
        await commands.dispatch_to_flag(kept, ["PC-1"])
        await commands.clear_flag(cleared)
        feed = ChangeFeed(db)
        await feed.start()
        again = await commands.clear_flag(cleared)  # already cleared: nothing to write
        repeat = await feed.poll()
        await commands.convert_flag(converted, category="harassment")
        at_start = await active_flags(db, clock.now)
        later = await active_flags(db, clock.now + timedelta(minutes=30))
        return kept, short, at_start, later, again, repeat

    kept, short, at_start, later, again, repeat = run_with_db(db_url, scenario)
    assert [(f.flag.id, [u.callsign for u in f.units]) for f in at_start] == [(kept, ["PC-1"]), (short, [])]
    assert [f.flag.id for f in later] == [kept]
    assert again.cleared_at == FIXED_NOW and repeat.empty


def test_a_unit_on_a_flag_can_be_diverted_only_to_a_grade_1(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[str, int, object]:
        commands = commands_for(db, now=FIXED_NOW)
        await add_venue(commands)
        await commands.add_unit("PC-1", "plain_clothes", (50.9050, -1.4044))
        flag_id = await _flagged(commands)
        await commands.dispatch_to_flag(flag_id, ["PC-1"])
        with pytest.raises(ValidationError) as refused:
            await commands.dispatch(await _incident(db, 2), ["PC-1"])
        urgent = await _incident(db, 1)
        await commands.dispatch(urgent, ["PC-1"])
        return str(refused.value), flag_id, await incident_detail(db, urgent)

    refused, flag_id, urgent = run_with_db(db_url, scenario)
    assert f"PC-1 is en route on flag {flag_id}; a busy unit can only be diverted to a Grade 1" in refused
    assert f"dispatched PC-1, diverted from flag {flag_id}" in [e.describe() for e in urgent.timeline]


def test_two_consoles_converting_one_flag_make_one_incident(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[list[object], dict[str, int], dict[str, int]]:
        commands = commands_for(db, now=FIXED_NOW)
        await add_venue(commands)
        flag_id = await _flagged(commands)
        before = await _counts(db)
        alice, bob = commands_for(db, "alice", FIXED_NOW), commands_for(db, "bob", FIXED_NOW)
        outcomes = await asyncio.gather(
            alice.convert_flag(flag_id, category="harassment"),
            bob.convert_flag(flag_id, category="harassment"),
            return_exceptions=True,
        )
        return list(outcomes), before, await _counts(db)

    outcomes, before, after = run_with_db(db_url, scenario)
    made = [o for o in outcomes if isinstance(o, IncidentSnapshot)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(made) == 1 and len(refused) == 1
    assert f"is already incident {made[0].reference}" in str(refused[0])
    assert after["incidents"] == before["incidents"] + 1
