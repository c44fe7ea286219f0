"""Persons of concern, s.34 zones and s.35 directions through the command layer, on both backends."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from controlroom.commands import Commands
from controlroom.core.errors import ValidationError
from controlroom.dispersal.directions import DirectionSpec, DirectionVariation
from controlroom.dispersal.papers import authorisation_paper, direction_paper
from controlroom.dispersal.persons import NewSubject
from controlroom.dispersal.queries import list_directions, night_tally
from controlroom.dispersal.zones import ZoneSpec
from controlroom.feed.change_feed import ChangeFeed
from controlroom.incidents.queries import incident_detail
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, Base, Task
from tests.core.support import FIXED_NOW, commands_for, run_with_db

NOW = FIXED_NOW  # Friday 27 November 2026, 23:30 UTC (GMT)
ZONE = ((50.9100, -1.4100), (50.9100, -1.4030), (50.9170, -1.4030), (50.9170, -1.4100))
INSIDE = (50.9120, -1.4089)  # Bedford Place
OUTSIDE = (50.9060, -1.4044)  # Above Bar Street


async def table_counts(db: Database) -> dict[str, int]:
    """Rows in every table: a refused command must leave all of them unchanged."""
    counts = {}
    async with db.read() as conn:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = (await conn.execute(select(func.count()).select_from(table))).scalar_one()
    return counts


def zone_spec(**changes: Any) -> ZoneSpec:
    values: dict[str, Any] = {
        "name": "Bedford Place",
        "polygon": ZONE,
        "starts_at": NOW - timedelta(hours=5, minutes=30),
        "ends_at": NOW + timedelta(hours=18),
        "officer": "Insp 1234 Jane Smith",
        "grounds": "Repeated harassment of women leaving venues on Bedford Place and London Road",
        "rights_consideration": "No protest, procession or assembly expected; Art. 10 and 11 considered",
        "log_number": "LOG-20261127-0427",
        "area_in_words": "Bedford Place and London Road between Cumberland Place and The Avenue",
        "signed_at": NOW - timedelta(hours=5, minutes=45),
    }
    values.update(changes)
    return ZoneSpec(**values)


def direction_spec(**changes: Any) -> DirectionSpec:
    values: dict[str, Any] = {
        "zone": "Bedford Place",
        "at": INSIDE,
        "apparent_age": 30,
        "officer": "PC 4567 Tom Reed",
        "grounds": "Followed two lone women from Velvet Fox; likely to cause alarm or distress",
        "behaviour": "following, loitering outside venues",
        "exclusion_hours": 24,
        "description": "White male, about 30, grey hoodie, black jeans, white trainers",
        "necessity": "Words of advice had no effect; he kept following women from venue to venue",
        "in_uniform": True,
        "access_kept": True,
        "picket_or_procession": False,
        # Used only when items are surrendered (s.37(1)-(2)).
        "surrender_belief": "Pressing drinks from the bottle on the women he followed",
        "surrender_in_writing": True,
    }
    values.update(changes)
    return DirectionSpec(**values)


async def _zone_and_direction(commands: Commands, **changes: Any) -> tuple[Any, Any]:
    zone = await commands.authorise_zone(zone_spec())
    given = await commands.give_direction(direction_spec(**changes))
    return zone, given


def test_a_zone_and_a_direction_are_recorded_and_reach_every_console(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        commands = commands_for(db, now=NOW, role="supervisor")
        feed = ChangeFeed(db)
        await feed.start()
        zone, given = await _zone_and_direction(
            commands, surrendered_items=["Bottle of vodka"], leave_by=NOW + timedelta(minutes=15)
        )
        diff = await feed.poll()
        return zone, given, diff

    zone, given, diff = run_with_db(db_url, scenario)
    assert zone.officer == "Inspector 1234 Jane Smith" and zone.ends_at - zone.starts_at == timedelta(
        hours=23.5
    )
    assert given.direction.reference == "S35-20261127-001"
    assert given.direction.exclusion_ends_at == NOW + timedelta(hours=24)
    assert given.direction.exclusion_polygon == ZONE  # the whole zone by default
    assert given.direction.surrendered_items == ("Bottle of vodka",)
    assert given.take_home_task_id is None
    assert given.subject.active_directions == ("S35-20261127-001",)
    assert [c.entity for c in diff.changes] == ["zone", "direction", "subject"]
    assert diff.changes[1].direction == given.direction
    assert diff.changes[0].zone == zone


@pytest.mark.parametrize(
    ("zone_changes", "direction_changes", "message"),
    [
        ({}, {"exclusion_hours": 48 + 1 / 60}, r"s.35(4) allows no more than 48 hours"),
        ({}, {"at": OUTSIDE}, "outside the locality"),
        ({}, {"apparent_age": 9}, "s.36(1)"),
        ({}, {"given_at": NOW + timedelta(minutes=3)}, "in the future"),
        ({}, {"given_at": NOW + timedelta(hours=19)}, "in the future"),
        ({}, {"given_at": NOW - timedelta(hours=6)}, "not in force"),
        ({}, {"officer": "Tom Reed"}, "does not start with a rank"),
        ({}, {"written_notice_given": False}, "s.35(5)(a)"),
        ({}, {"exclusion_polygon": ((50.91, -1.41), (50.91, -1.40), (50.92, -1.40))}, "s.35(1)(a)"),
        ({}, {"zone": "Nowhere"}, "no dispersal zone named 'Nowhere'"),
        ({}, {"subject_id": 99, "description": None}, "no person of concern number 99"),
    ],
)
def test_a_refused_direction_writes_nothing(
    db_url: str, zone_changes: dict[str, Any], direction_changes: dict[str, Any], message: str
) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        commands = commands_for(db, now=NOW, role="supervisor")
        await commands.authorise_zone(zone_spec(**zone_changes))
        before = await table_counts(db)
        with pytest.raises(ValidationError) as caught:
            await commands.give_direction(direction_spec(**direction_changes))
        return str(caught.value), before, await table_counts(db)

    error, before, after = run_with_db(db_url, scenario)
    assert message in error
    assert before == after


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"officer": "Sgt 55 Al Jones"}, "s.34(1) needs an officer of at least the rank of inspector"),
        ({"ends_at": NOW + timedelta(hours=42, minutes=31)}, "s.34(1) allows no more than 48 hours"),
        ({"grounds": " "}, "the grounds (--grounds), s.34(2) and s.34(4)(c)"),
        ({"rights_consideration": ""}, "Art. 10/11 consideration (--rights), s.34(3)"),
        ({"log_number": ""}, "the log number"),
        ({"polygon": ((50.91, -1.41), (51.5, -0.12), (50.92, -1.40))}, "outside the operating area"),
    ],
)
def test_a_refused_authorisation_writes_nothing(db_url: str, changes: dict[str, Any], message: str) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        commands = commands_for(db, now=NOW, role="supervisor")
        before = await table_counts(db)
        with pytest.raises(ValidationError) as caught:
            await commands.authorise_zone(zone_spec(**changes))
        return str(caught.value), before, await table_counts(db)

    error, before, after = run_with_db(db_url, scenario)
    assert message in error
    assert before == after


def test_a_child_under_16_gets_a_take_home_task(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, list[Task]]:
        commands = commands_for(db, now=NOW, role="supervisor")
        _, given = await _zone_and_direction(commands, apparent_age=15)
        async with db.read() as conn:
            tasks = list((await conn.execute(select(Task.__table__))).all())
        return given, tasks

    given, tasks = run_with_db(db_url, scenario)
    assert given.take_home_task_id is not None and given.direction.take_home_task
    assert len(tasks) == 1 and "s.35(7)" in tasks[0].summary and tasks[0].status == "open"


def test_a_directed_person_seen_inside_the_area_raises_a_grade_2_breach(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        commands = commands_for(db, now=NOW, role="supervisor")
        _, given = await _zone_and_direction(commands)
        later = commands_for(db, name="cctv-2", now=NOW + timedelta(hours=2), role="supervisor")
        feed = ChangeFeed(db)
        await feed.start()
        outside = await later.record_sighting(given.subject.id, at=OUTSIDE, place="Above Bar Street")
        inside = await later.record_sighting(
            given.subject.id, at=(50.9130, -1.4089), place="Bedford Place", behaviours=["loitering"]
        )
        diff = await feed.poll()
        assert inside.breach_incident is not None
        detail = await incident_detail(db, inside.breach_incident.reference)
        return outside, inside, diff, detail

    outside, inside, diff, detail = run_with_db(db_url, scenario)
    assert outside.breach_incident is None and outside.repeat_behaviour  # under direction: a repeat
    breach = inside.breach_incident
    assert breach.grade == 2 and breach.category == "dispersal_breach" and breach.status == "new"
    assert breach.summary.startswith("Possible breach of s.35 direction S35-20261127-001")
    assert inside.breached_direction == "S35-20261127-001"
    delivered = [c.incident for c in diff.changes if c.incident is not None]
    assert [i.reference for i in delivered] == [breach.reference]
    directions = [c.direction for c in diff.changes if c.direction is not None]
    assert directions[-1].breaches == 1
    subject = [c.subject for c in diff.changes if c.subject is not None][-1]
    assert subject.alert is not None and "Possible breach" in subject.alert
    assert detail.incident.person_of_concern.startswith("White male")


def test_linking_a_flag_inside_the_area_raises_a_breach_with_the_flags_behaviour(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        commands = commands_for(db, role="supervisor")
        now = datetime.now(UTC)
        await commands.authorise_zone(
            zone_spec(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=5))
        )
        given = await commands.give_direction(direction_spec())
        flag = await commands.flag_location(
            behaviour="following", reason="Man from earlier back on Bedford Place", at=(50.9125, -1.4090)
        )
        seen = await commands.record_sighting(given.subject.id, flag=flag.id)
        async with db.read() as conn:
            behaviours = (await conn.execute(text("SELECT behaviours FROM subject_sightings"))).scalar_one()
        assert seen.breach_incident is not None
        with pytest.raises(ValidationError) as twice:
            await commands.record_sighting(given.subject.id, flag=flag.id)
        before = await table_counts(db)
        # Linking him to the breach incident itself records the link but raises no second breach.
        linked = await commands.record_sighting(given.subject.id, incident=seen.breach_incident.reference)
        after = await table_counts(db)
        return seen, behaviours, str(twice.value), linked, before, after

    seen, behaviours, twice, linked, before, after = run_with_db(db_url, scenario)
    assert seen.breach_incident is not None and seen.breach_incident.grade == 2
    assert "following" in str(behaviours)
    assert "already linked to flag" in twice
    assert linked.breach_incident is None and linked.repeat_behaviour
    assert (
        after["incidents"] == before["incidents"]
        and after["subject_sightings"] == before["subject_sightings"] + 1
    )


def test_no_breach_before_leave_by_after_the_exclusion_or_once_withdrawn(db_url: str) -> None:
    async def scenario(db: Database) -> list[Any]:
        commands = commands_for(db, now=NOW, role="supervisor")
        _, given = await _zone_and_direction(commands, leave_by=NOW + timedelta(minutes=20))
        ref, subject = given.direction.reference, given.subject.id
        results = [await commands.record_sighting(subject, at=INSIDE, seen_at=NOW + timedelta(minutes=10))]
        results.append(await commands.record_sighting(subject, at=INSIDE, seen_at=NOW + timedelta(hours=25)))
        await commands.withdraw_direction(
            ref, officer="PC 99 Ann Cole", reason="Person went home with friends"
        )
        results.append(await commands.record_sighting(subject, at=INSIDE, seen_at=NOW + timedelta(hours=1)))
        return results

    results = run_with_db(db_url, scenario)
    assert [r.breach_incident for r in results] == [None, None, None]


def test_repeat_behaviour_is_flagged_when_a_warned_man_is_linked_again(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        commands = commands_for(db, now=NOW, role="supervisor")
        person = await commands.add_subject(
            NewSubject(description="Tall man, red puffer jacket", name="John Doe", build="tall")
        )
        first = await commands.record_sighting(person.id, at=INSIDE, behaviours=["leering"])
        await commands.warn_subject(person.id, officer="PC 4567 Tom Reed", place="Outside Velvet Fox")
        report = await commands.report_incident(
            NewIncident(
                category="predatory_behaviour",
                source="cctv",
                summary="Man following a woman",
                lat=INSIDE[0],
                lon=INSIDE[1],
                place="Bedford Place",
            )
        )
        feed = ChangeFeed(db)
        await feed.start()
        second = await commands.record_sighting(person.id, incident=report.reference)
        diff = await feed.poll()
        detail = await incident_detail(db, report.reference)
        return first, second, diff, detail

    first, second, diff, detail = run_with_db(db_url, scenario)
    assert not first.repeat_behaviour and second.repeat_behaviour and second.breach_incident is None
    subject = next(c.subject for c in diff.changes if c.subject is not None)
    assert subject.alert is not None and subject.alert.startswith("Repeat behaviour")
    assert subject.warnings == 1 and subject.sightings == 2
    assert "name" not in subject.to_json()  # identity never travels on the feed
    assert detail.timeline[-1].describe() == "note: person of concern #1 linked — repeat behaviour"


def test_consulting_the_full_record_is_logged_with_its_justification(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, list[Any]]:
        commands = commands_for(db, now=NOW, role="supervisor")
        person = await commands.add_subject(
            NewSubject(description="Short man, green cap", name="A. N. Other")
        )
        record = await commands.consult_subject(person.id, "Identify for breach file SOT-20261127-0003")
        async with db.read() as conn:
            audit = list(
                await conn.execute(select(AuditEntry.__table__).where(AuditEntry.action == "subject.consult"))
            )
        return record, audit

    record, audit = run_with_db(db_url, scenario)
    assert record.name == "A. N. Other"
    assert len(audit) == 1
    assert audit[0].justification == "Identify for breach file SOT-20261127-0003"
    assert audit[0].kind == "consultation"


def test_a_review_erases_identity_and_logs_which_fields_not_their_content(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        commands = commands_for(db, now=NOW, role="supervisor")
        person = await commands.add_subject(NewSubject(description="Man, green cap", name="A. N. Other"))
        with pytest.raises(ValidationError) as past:
            await commands.review_subject(person.id, reason="x", next_review=NOW.date())
        reviewed = await commands.review_subject(
            person.id,
            reason="No further reports",
            next_review=NOW.date() + timedelta(days=90),
            erase_identity=True,
        )
        record = await commands.consult_subject(person.id, "Check erasure")
        async with db.read() as conn:
            audit = (
                await conn.execute(select(AuditEntry.detail).where(AuditEntry.action == "subject.erase"))
            ).scalar_one()
        return str(past.value), reviewed, record, audit

    past, reviewed, record, audit = run_with_db(db_url, scenario)
    assert "must be in the future" in past
    assert reviewed.review_date == NOW.date() + timedelta(days=90)
    assert record.name is None and record.address is None
    assert audit["erased"] == ["name"] and "A. N. Other" not in str(audit)


def test_variation_and_withdrawal_are_recorded_and_never_pass_48_hours(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, ...]:
        commands = commands_for(db, now=NOW, role="supervisor")
        _, given = await _zone_and_direction(commands)
        ref = given.direction.reference
        later = commands_for(db, now=NOW + timedelta(hours=3), role="supervisor")
        before = await table_counts(db)
        with pytest.raises(ValidationError) as too_long:
            await later.vary_direction(
                ref,
                DirectionVariation(
                    "PC 1 Al Bee", "More trouble", exclusion_ends_at=NOW + timedelta(hours=49)
                ),
            )
        unchanged = await table_counts(db)
        varied = await later.vary_direction(
            ref,
            DirectionVariation(
                "Sgt 22 Kim Lo",
                "Seen drinking nearby again",
                exclusion_ends_at=NOW + timedelta(hours=48),
                route="Via Cumberland Place to the station",
            ),
        )
        withdrawn = await later.withdraw_direction(
            ref, officer="PC 99 Ann Cole", reason="Taken home by family"
        )
        with pytest.raises(ValidationError) as again:
            await later.withdraw_direction(ref, officer="PC 99 Ann Cole", reason="twice")
        paper = await direction_paper(db, ref.lower())
        return str(too_long.value), before, unchanged, varied, withdrawn, str(again.value), paper

    too_long, before, unchanged, varied, withdrawn, again, paper = run_with_db(db_url, scenario)
    assert "s.35(8)" in too_long and "49 h" in too_long and before == unchanged
    assert varied.exclusion_ends_at == NOW + timedelta(hours=48) and varied.route.startswith("Via Cumberland")
    assert withdrawn.status == "withdrawn" and "has been withdrawn" in again
    assert paper.withdrawn_at == NOW + timedelta(hours=3)
    assert (
        len(paper.variations) == 1 and "Varied 28/11/2026 02:30 by Sergeant 22 Kim Lo" in paper.variations[0]
    )


def test_the_s38_record_of_changes_is_append_only(db_url: str) -> None:
    async def scenario(db: Database) -> list[str]:
        commands = commands_for(db, now=NOW, role="supervisor")
        _, given = await _zone_and_direction(commands)
        await commands.withdraw_direction(given.direction.reference, officer="PC 9 Ann Cole", reason="Left")
        errors = []
        for statement in ("UPDATE direction_changes SET reason = 'x'", "DELETE FROM direction_changes"):
            try:
                async with db.write() as session:
                    await session.execute(text(statement))
            except DBAPIError as exc:
                errors.append(str(exc))
        return errors

    errors = run_with_db(db_url, scenario)
    assert len(errors) == 2 and all("append-only" in e for e in errors)


def test_tally_counts_this_operational_night_only(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, Any]:
        commands = commands_for(db, now=NOW, role="supervisor")
        _, given = await _zone_and_direction(commands, surrendered_items=["Vodka", "Laser pointer"])
        await commands.warn_subject(given.subject.id, officer="PC 1 Al Bee", place="London Road")
        await commands.record_sighting(given.subject.id, at=INSIDE, seen_at=NOW + timedelta(hours=1))
        yesterday = commands_for(db, now=NOW - timedelta(days=1), role="supervisor")
        person = await yesterday.add_subject(NewSubject(description="Another man"))
        await yesterday.warn_subject(person.id, officer="PC 1 Al Bee", place="Bargate")
        return await night_tally(db, NOW + timedelta(hours=2)), await night_tally(db, NOW - timedelta(days=1))

    tonight, last_night = run_with_db(db_url, scenario)
    assert tonight.to_json() == {
        "night": "2026-11-27",
        "warnings": 1,
        "directions": 1,
        "surrendered_items": 2,
        "breaches": 1,
    }
    assert (last_night.warnings, last_night.directions, last_night.breaches) == (1, 0, 0)


def test_paperwork_loaders_fill_every_field(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, Any, Any]:
        commands = commands_for(db, now=NOW, role="supervisor")
        zone, given = await _zone_and_direction(
            commands,
            surrendered_items=["Bottle of vodka"],
            leave_by=NOW + timedelta(minutes=15),
            route="North along London Road",
            written_notice_given=False,
            no_written_notice_reason="Person refused to take the notice",
        )
        return (
            await authorisation_paper(db, zone.id),
            await direction_paper(db, given.direction.reference),
            await list_directions(db),
        )

    authorisation, paper, listed = run_with_db(db_url, scenario)
    assert authorisation.officer.describe() == "Inspector 1234 Jane Smith"
    assert authorisation.log_number == "LOG-20261127-0427" and authorisation.polygon == ZONE
    # The s.34 form read on its own carries the audit head in its footer; inside the s.35
    # paper the zone is a part, and the direction paper carries the head.
    assert authorisation.audit_head is not None and paper.audit_head is not None
    assert paper.zone == dataclasses.replace(authorisation, audit_head=None)
    assert paper.officer.rank == "Constable" and paper.apparent_age == 30
    assert paper.person_description.startswith("White male") and paper.person_name is None
    assert paper.exclusion_ends_at == NOW + timedelta(hours=24) and paper.leave_by == NOW + timedelta(
        minutes=15
    )
    assert paper.route == "North along London Road" and paper.offence_warning_given
    assert not paper.written_notice_given and paper.no_written_notice_reason.startswith("Person refused")
    assert paper.surrendered_items == ("Bottle of vodka",)
    assert paper.collection_station == "Southampton Central Police Station"
    assert (
        paper.collect_from == paper.exclusion_ends_at
        and paper.variations == ()
        and paper.withdrawn_at is None
    )
    assert [d.reference for d in listed] == [paper.reference]


def test_a_console_starting_late_sees_zones_and_active_directions(db_url: str) -> None:
    async def scenario(db: Database) -> Any:
        commands = commands_for(db, role="supervisor")
        now = datetime.now(UTC)
        await commands.authorise_zone(
            zone_spec(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=5))
        )
        await commands.give_direction(direction_spec())
        return await ChangeFeed(db).start()

    snapshot = run_with_db(db_url, scenario)
    assert [z.name for z in snapshot.zones] == ["Bedford Place"]
    assert [d.reference[:4] for d in snapshot.directions] == ["S35-"]
