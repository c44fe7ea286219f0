"""An incident's link to its venue: recorded, changed in the timeline, refused, read by partners."""

from __future__ import annotations

import pytest

from controlroom.commands import Commands
from controlroom.core.decoding import UndecodableRowError, decode_incident
from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor, partner_incident
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.incidents.editing import IncidentEdit
from controlroom.incidents.queries import IncidentDetail, incident_detail
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from tests.core.storage import test_pg_security
from tests.core.storage.test_pg_security import World, as_user, run
from tests.core.support import add_venue, commands_for, row_counts, run_with_db
from tests.core.users.test_users_audit import staff, with_staff

# The module's own PostgreSQL database with a login per role.
pg_world = test_pg_security.world


def _at(venue: str | None = "Velvet Fox", link: str | None = None) -> NewIncident:
    if venue is None:
        point = {"lat": 50.9060, "lon": -1.4044, "place": "East Street"}
        return NewIncident("disorder", "cctv", "Fight", venue_link=link, **point)  # type: ignore[arg-type]
    return NewIncident("disorder", "cctv", "Fight", venue=venue, venue_link=link)


def test_a_link_is_recorded_defaulted_and_its_change_kept_in_the_timeline(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[list[str | None], IncidentDetail, IncidentDetail]:
        commands = commands_for(db)
        await add_venue(commands)
        inside = await commands.report_incident(_at(link="Inside"))
        plain = await commands.report_incident(_at())
        street = await commands.report_incident(_at(venue=None))
        await commands.update_incident(plain.reference, IncidentEdit(venue_link="at the door/queue"))
        return (
            [inside.venue_link, plain.venue_link, street.venue_link],
            await incident_detail(db, inside.reference),
            await incident_detail(db, plain.reference),
        )

    made, inside, changed = run_with_db(db_url, scenario)
    assert made == ["inside", "at_venue", None]
    assert inside.incident.venue_link == "inside"
    assert (
        inside.timeline[0].describe()
        == "reported by CCTV operator: Disorder, Ungraded; link to venue: inside"
    )
    assert changed.incident.venue_link == "door_queue" and changed.incident.version == 2
    assert [e.describe() for e in changed.timeline] == [
        "reported by CCTV operator: Disorder, Ungraded",
        "Link to venue: at the door/queue (was at venue)",
    ]


def test_an_unknown_link_or_a_link_without_a_venue_is_refused_with_nothing_written(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[list[str], dict[str, int], dict[str, int]]:
        commands = commands_for(db)
        await add_venue(commands)
        at_venue = await commands.report_incident(_at())
        street = await commands.report_incident(_at(venue=None))
        before = await row_counts(db)
        messages = []
        for attempt in (
            commands.report_incident(_at(link="in the car park")),
            commands.report_incident(_at(venue=None, link="nearby")),
            commands.update_incident(at_venue.reference, IncidentEdit(venue_link="outside")),
            commands.update_incident(street.reference, IncidentEdit(venue_link="nearby"), note="kept?"),
        ):
            with pytest.raises(ValidationError) as refused:
                await attempt
            messages.append(str(refused.value))
        return messages, before, await row_counts(db)

    messages, before, after = run_with_db(db_url, scenario)
    five = "at_venue, inside, door_queue, nearby, venue_reported"
    assert messages[0] == f"unknown link to the venue 'in the car park'; choose one of: {five}"
    assert messages[1].startswith("no venue was given, so it has no link to one")
    assert five.split(", ")[1] in messages[2] and "'outside'" in messages[2]
    assert messages[3].startswith("SOT-") and "is not at a venue, so it has no link to one" in messages[3]
    assert before == after


def test_a_partner_reads_the_link_of_its_venues_incidents(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> tuple[IncidentSnapshot, IncidentSnapshot, IncidentDetail]:
        actors = await with_staff(db, people)
        operator = Commands(db, actors[people.operator])
        feed = ChangeFeed(db, viewer=actors[people.partner], listen=False)
        await feed.start()
        made = await operator.report_incident(_at(link="venue_reported"))
        diff = await feed.poll()
        seen = diff.incident_changes()[0].incident
        assert seen is not None
        return made, seen, await incident_detail(db, made.reference, redacted=True)

    made, seen, detail = run_with_db(db_url, scenario)
    assert seen.venue_link == "venue_reported" and detail.incident.venue_link == "venue_reported"
    assert partner_incident(made.to_json())["venue_link"] == "venue_reported"


def test_a_partner_on_its_own_postgresql_login_reads_and_sets_the_link(pg_world: World) -> None:
    """The column grant, not only the core: the partner's login selects the link of its venue."""

    async def partner_reports(db: Database, actor: Actor) -> tuple[str | None, str | None]:
        made = await Commands(db, actor).report_incident(_at(link="venue_reported"))
        earlier = await incident_detail(db, pg_world.refs["velvet"], redacted=True)
        mine = await incident_detail(db, made.reference, redacted=True)
        return earlier.incident.venue_link, mine.incident.venue_link

    assert run(lambda: as_user(pg_world, "partner", partner_reports)) == ("at_venue", "venue_reported")


def test_the_link_survives_json_and_an_unknown_stored_link_is_named() -> None:
    stored = {
        **IncidentSnapshot.from_json(
            {
                "id": 7,
                "reference": "SOT-20261127-0007",
                "reported_at": "2026-11-27T23:30:00+00:00",
                "source": "cctv",
                "category": "disorder",
                "grade": 2,
                "status": "new",
                "venue_id": 1,
                "place": "Velvet Fox",
                "lat": 50.9,
                "lon": -1.4,
                "summary": "Fight",
                "version": 1,
                "venue_link": "nearby",
            }
        ).to_json()
    }
    assert IncidentSnapshot.from_json(stored).venue_link == "nearby"
    assert decode_incident(stored).venue_link == "nearby"
    with pytest.raises(UndecodableRowError) as bad:
        decode_incident({**stored, "venue_link": "car_park"})
    (warning,) = bad.value.warnings
    assert (warning.column, warning.value) == ("venue_link", "'car_park'")
    assert "is not a known link to a venue (one of at_venue, inside" in warning.describe()
