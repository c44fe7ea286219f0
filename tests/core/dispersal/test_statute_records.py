"""What issue #13 records, through the command layer on both backends: a running direction,
collection times that follow the current end (s.37), take-home outcomes (s.35(7)), who gave it,
refused items, set-up mode and the DPA 2018 s.62 consultation and combination logs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from controlroom.audit.trail import AuditFilter, entries
from controlroom.commands import Commands
from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.core.roles import Actor
from controlroom.dispersal.consult import consult_direction, log_dispersal_read
from controlroom.dispersal.directions import DirectionVariation, TakeHomeOutcome
from controlroom.dispersal.persons import NewSubject
from controlroom.storage.database import Database
from controlroom.storage.models import Direction, SurrenderedItem, Task
from tests.core.dispersal.test_dispersal import NOW, direction_spec, table_counts, zone_spec
from tests.core.support import commands_for, run_with_db

SUPERVISOR = "Sgt 22 Kim Lo"


async def _items(db: Database) -> list[SurrenderedItem]:
    async with db.read() as conn:
        rows = await conn.execute(select(SurrenderedItem).order_by(SurrenderedItem.id))
        return [SurrenderedItem(**row._mapping) for row in rows.all()]  # plain values, no session


async def _direction(db: Database, reference: str) -> Any:
    async with db.read() as conn:
        return (await conn.execute(select(Direction).where(Direction.reference == reference))).one()


def test_a_second_direction_while_one_runs_needs_a_supervisors_reason(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        commands = commands_for(db, now=NOW, role="supervisor")
        await commands.authorise_zone(zone_spec())
        first = await commands.give_direction(direction_spec(exclusion_hours=6))
        person = first.subject.id
        before = await table_counts(db)
        with pytest.raises(ValidationError) as refused:
            await commands.give_direction(direction_spec(description=None, subject_id=person))
        unchanged = await table_counts(db)
        second = await commands.give_direction(
            direction_spec(
                description=None,
                subject_id=person,
                supervisor=SUPERVISOR,
                supervisor_reason="Seen with a new group after a fight; a fresh direction for the whole zone",
            )
        )
        later = commands_for(db, now=NOW + timedelta(hours=7), role="supervisor")
        # Once the first has run out (and the second is withdrawn) no reason is needed.
        await later.withdraw_direction(second.direction.reference, officer="PC 9 Ann Cole", reason="Left")
        third = await later.give_direction(
            direction_spec(description=None, subject_id=person, given_at=NOW + timedelta(hours=7))
        )
        stored = await _direction(db, second.direction.reference)
        combined = [e async for e in entries(db, AuditFilter()) if e.action == "direction.combine"]
        return str(refused.value), before, unchanged, stored, third, combined

    refused, before, unchanged, stored, third, combined = run_with_db(db_url, scenario)
    assert "S35-20261127-001" in refused and "not a fresh 48 hours" in refused and before == unchanged
    assert stored.supervisor == "Sergeant 22 Kim Lo" and stored.supervisor_reason.startswith("Seen with")
    assert stored.running_direction_id is not None
    assert third.direction.reference == "S35-20261128-001"  # 06:30: the next operational night
    # DPA 2018 s.62(1): each direction joined to the person already on record is a combination.
    assert len(combined) == 2 and all(e.kind == "combination" for e in combined)


def test_collection_follows_the_current_end_after_a_variation_and_a_withdrawal(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        commands = commands_for(db, now=NOW, role="supervisor")
        await commands.authorise_zone(zone_spec())
        given = await commands.give_direction(
            direction_spec(surrendered_items=["Bottle of vodka"], refused_items=["Laser pen"])
        )
        ref = given.direction.reference
        at_first = await _items(db)
        later = commands_for(db, now=NOW + timedelta(hours=2), role="supervisor")
        await later.vary_direction(
            ref, DirectionVariation("PC 1 Al Bee", "Back again", hours_from_first_given=40)
        )
        varied = await _items(db)
        await later.withdraw_direction(
            ref,
            officer="PC 99 Ann Cole",
            reason="Taken home by family",
            notice_given_at=NOW + timedelta(hours=1),
        )
        withdrawn = await _items(db)
        return given, at_first, varied, withdrawn

    given, at_first, varied, withdrawn = run_with_db(db_url, scenario)
    # The snapshot lists what was surrendered; the refused item is recorded apart (s.39(3)).
    assert given.direction.surrendered_items == ("Bottle of vodka",)
    assert [(i.description, i.refused) for i in at_first] == [("Bottle of vodka", False), ("Laser pen", True)]
    assert at_first[0].collect_from == NOW + timedelta(hours=24)
    assert varied[0].collect_from == NOW + timedelta(hours=40)
    assert withdrawn[0].collect_from == NOW + timedelta(hours=2)


def test_a_take_home_outcome_closes_the_task_once(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        commands = commands_for(db, now=NOW, role="supervisor")
        await commands.authorise_zone(zone_spec())
        child = await commands.give_direction(direction_spec(apparent_age=14))
        adult = await commands.give_direction(direction_spec(apparent_age=30, description="Another man"))
        later = commands_for(db, now=NOW + timedelta(minutes=50), role="supervisor")
        outcome = TakeHomeOutcome(
            taken_to="Home address (on the custody record)",
            taken_by="PC 4567 Tom Reed and PC 4568 Ava Lin",
            told="Her mother, at home",
            told_at=NOW + timedelta(minutes=45),
            referral="Children's services referral made by PC Reed",
        )
        done = await later.record_take_home(child.direction.reference, outcome)
        with pytest.raises(ValidationError) as twice:
            await later.record_take_home(child.direction.reference, outcome)
        with pytest.raises(ValidationError) as no_task:
            await later.record_take_home(adult.direction.reference, outcome)
        async with db.read() as conn:
            task = (await conn.execute(select(Task))).one()
        return done, str(twice.value), str(no_task.value), task

    done, twice, no_task, task = run_with_db(db_url, scenario)
    assert done.take_home_task and done.take_home_done
    assert task.status == "done" and task.outcome["told"] == "Her mother, at home"
    assert task.outcome["referral"].startswith("Children's services")
    assert task.outcome["told_at"].startswith("2026-11-28T00:15")
    assert "already recorded" in twice and "no take-home task" in no_task


def test_who_gave_it_is_recorded_as_given(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        commands = commands_for(db, now=NOW, role="supervisor")
        await commands.authorise_zone(zone_spec())
        pcso = await commands.give_direction(
            direction_spec(officer="PCSO 7001 Sam Hill", pcso_designation="HC/DES/2025/14")
        )
        special = await commands.give_direction(
            direction_spec(description="Second man", special_constable=True)
        )
        before = await table_counts(db)
        with pytest.raises(ValidationError) as plain_clothes:
            await commands.give_direction(direction_spec(officer="DC 88 Dee Cee", in_uniform=False))
        return (
            await _direction(db, pcso.direction.reference),
            await _direction(db, special.direction.reference),
            str(plain_clothes.value),
            before,
            await table_counts(db),
        )

    pcso, special, plain_clothes, before, after = run_with_db(db_url, scenario)
    assert (pcso.officer_capacity, pcso.pcso_designation, pcso.in_uniform) == ("PCSO", "HC/DES/2025/14", True)
    assert special.officer_capacity == "special constable"
    assert "plain-clothes" in plain_clothes and before == after
    assert pcso.necessity.startswith("Words of advice") and pcso.access_kept is True
    assert pcso.recorded_by == "test-operator" and pcso.recorded_at == NOW


def test_set_up_mode_may_not_process_personal_data(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        setup = Commands(db, Actor("console:setup"), clock=lambda: NOW)
        zone = await setup.authorise_zone(zone_spec())  # not personal data
        before = await table_counts(db)
        refusals = []
        for attempt in (
            setup.add_subject(NewSubject(description="Man in a grey hoodie")),
            setup.give_direction(direction_spec()),
            setup.consult_subject(1, "checking"),
        ):
            with pytest.raises(NotPermittedError) as refused:
                await attempt
            refusals.append(str(refused.value))
        return zone, refusals, before, await table_counts(db)

    zone, refusals, before, after = run_with_db(db_url, scenario)
    assert zone.name == "Bedford Place"
    assert all("set-up mode (no users yet) may not process personal data" in r for r in refusals)
    assert all("controlroom user add NAME --role administrator" in r for r in refusals)
    assert before == after


def test_reading_directions_is_a_logged_consultation(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        commands = commands_for(db, now=NOW, role="supervisor")
        await commands.authorise_zone(zone_spec())
        given = await commands.give_direction(direction_spec())
        reader = Actor("cctv-2", "operator")
        await log_dispersal_read(db, reader, "dispersal board", [given.direction.reference])
        with pytest.raises(ValidationError) as no_reason:
            await consult_direction(db, reader, given.direction.reference, " ")
        paper = await consult_direction(db, reader, given.direction.reference, "Checking his exclusion area")
        logged = [e async for e in entries(db, AuditFilter()) if e.actor == "cctv-2"]
        return str(no_reason.value), paper, logged

    no_reason, paper, logged = run_with_db(db_url, scenario)
    assert "s.62(2)" in no_reason
    assert paper.reference == "S35-20261127-001"
    assert [(e.action, e.kind) for e in logged] == [
        ("dispersal.read", "consultation"),
        ("direction.consult", "consultation"),
    ]
    assert logged[1].justification == "Checking his exclusion area" and logged[1].entity_id is not None
