"""PostgreSQL itself enforces the roles: each user's own login, its grants and row-level security.

One database is built for the module: two venues, then an administrator (the open
set-up actor on the owner's connection) who adds the other users through their own
login. Each test then works through a user's own login — the core's commands on a
``Database`` connected as that user, or the real ``psql`` over TCP with the user's
name and password, as someone bypassing the program would.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import pytest
from sqlalchemy import make_url

from controlroom.audit.chain import verify
from controlroom.commands import Commands
from controlroom.core.errors import AuthenticationError, NotPermittedError
from controlroom.core.roles import Actor
from controlroom.dispersal.persons import NewSubject
from controlroom.incidents.queries import incident_detail
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.pg_security import POLICIES
from controlroom.users.accounts import UserCommands, authenticate, create_gate_login
from controlroom.writes import placeholder_actor
from tests.conftest import controlroom_cmd
from tests.core.dispersal.test_dispersal import NOW, zone_spec
from tests.core.support import add_venue, commands_for
from tests.pg_cluster import PostgresCluster, find_pg_bin

pytestmark = pytest.mark.postgres

PASSWORD = "correct horse battery staple"  # noqa: S105 - test users only
T = TypeVar("T")


@dataclass(frozen=True)
class World:
    """The module's database: its owner's URL, the users' login names, incident references."""

    url: str
    names: dict[str, str]
    refs: dict[str, str]

    def login_url(self, role: str, password: str = PASSWORD) -> str:
        return make_url(self.url).set(username=self.names[role], password=password).render_as_string(False)


def run(coro_factory: Callable[[], Awaitable[T]]) -> T:
    async def _main() -> T:
        return await coro_factory()

    return asyncio.run(_main())


async def as_user(world: World, role: str, work: Callable[[Database, Actor], Awaitable[T]]) -> T:
    """Run ``work`` with the user's actor on a ``Database`` connected as the user's own login."""
    owner = Database(world.url)
    try:
        actor = await authenticate(owner, world.names[role], PASSWORD)  # on the console's connection
    finally:
        await owner.dispose()
    db = Database(world.login_url(role))
    try:
        return await work(db, actor)
    finally:
        await db.dispose()


async def on_owner_connection(world: World, role: str, work: Callable[[Database, Actor], Awaitable[T]]) -> T:
    """The same actor on the owner's connection: what the core alone refuses."""
    owner = Database(world.url)
    try:
        return await work(owner, await authenticate(owner, world.names[role], PASSWORD))
    finally:
        await owner.dispose()


def psql(world: World, role: str, sql: str, *, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
    """The real ``psql`` over TCP as one of the users: what a partner with a laptop could do."""
    bin_dir = find_pg_bin()
    binary = bin_dir / "psql" if bin_dir and (bin_dir / "psql").exists() else shutil.which("psql")
    assert binary, "psql is not installed"
    url = make_url(world.url)
    command = [
        str(binary), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
        "-h", "127.0.0.1", "-p", str(url.port), "-U", world.names[role], "-d", str(url.database),
        "-c", sql,
    ]  # fmt: skip
    env = {**os.environ, "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=30, check=False)


def refused(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0, f"expected a refusal, got: {done.stdout}"
    return done.stderr


def rows(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line]


@pytest.fixture(scope="module")
def world(pg_cluster: PostgresCluster) -> Iterator[World]:
    url = pg_cluster.create_database()
    tag = uuid.uuid4().hex[:6]  # login roles are cluster-wide: unique per module run
    names = {
        role: f"sec{role[:5]}_{tag}"
        for role in ("administrator", "operator", "supervisor", "partner", "auditor", "spare")
    }
    refs = run(lambda: _build(url, names))
    yield World(url, names, refs)


async def _build(url: str, names: dict[str, str]) -> dict[str, str]:
    from controlroom.storage.migrate import upgrade

    owner = Database(url)
    try:
        await upgrade(owner)
        setup = commands_for(owner, now=NOW)
        await add_venue(setup, "Velvet Fox")
        await add_venue(setup, "Copper Lantern")
        await UserCommands(owner, placeholder_actor()).add_user(
            names["administrator"], "administrator", PASSWORD
        )
        admin = await authenticate(owner, names["administrator"], PASSWORD)
    finally:
        await owner.dispose()
    # The administrator adds everyone else through their own login, without CREATEROLE.
    admin_db = Database(
        make_url(url).set(username=names["administrator"], password=PASSWORD).render_as_string(False)
    )
    try:
        users = UserCommands(admin_db, admin)
        for role in ("operator", "supervisor", "auditor"):
            await users.add_user(names[role], role, PASSWORD)
        await users.add_user(names["spare"], "operator", PASSWORD)
        await users.add_user(names["partner"], "partner", PASSWORD, ["Velvet Fox"])
    finally:
        await admin_db.dispose()
    world = World(url, names, {})

    async def operator_reports(db: Database, actor: Actor) -> dict[str, str]:
        commands = Commands(db, actor, clock=lambda: NOW)
        refs = {}
        for key, venue in (("velvet", "Velvet Fox"), ("copper", "Copper Lantern")):
            incident = await commands.report_incident(
                NewIncident(
                    category="harassment",
                    source="cctv",
                    summary=f"Man following women out of {venue}",
                    venue=venue,
                    person_of_concern="Tall man, red cap, calls himself Dave",
                    reporter_contact="07700 900123",
                )
            )
            refs[key] = incident.reference
        await commands.add_subject(NewSubject(description="Tall man, red cap", name="David Example"))
        return refs

    async def partner_reports(db: Database, actor: Actor) -> dict[str, str]:
        incident = await Commands(db, actor, clock=lambda: NOW).report_incident(
            NewIncident(
                category="vulnerable_person",
                source="street_pastors",
                summary="Young woman alone and unwell at the bus stop",
                lat=50.9075,
                lon=-1.4040,
                place="Above Bar bus stop",
                vulnerable_person="About 19, blue dress",
            )
        )
        return {"partner_own": incident.reference}

    return await as_user(world, "operator", operator_reports) | await as_user(
        world, "partner", partner_reports
    )


# -- a partner's credentials in psql --------------------------------------------------


def test_a_partner_in_psql_cannot_read_persons_of_concern(world: World) -> None:
    assert "permission denied for table subjects" in refused(psql(world, "partner", "SELECT * FROM subjects"))
    for table in (
        "subject_sightings",
        "warnings",
        "directions",
        "dispersal_zones",
        "units",
        "flags",
        "tasks",
    ):
        assert "permission denied" in refused(psql(world, "partner", f"SELECT count(*) FROM {table}"))  # noqa: S608
    for column in ("person_of_concern", "vulnerable_person", "reporter_contact"):
        denied = refused(psql(world, "partner", f"SELECT {column} FROM incidents"))  # noqa: S608
        assert "permission denied for table incidents" in denied
    assert "permission denied" in refused(psql(world, "partner", "SELECT * FROM incidents"))
    # The change log's full payload carries the same data: only the partner payload is readable.
    assert "permission denied" in refused(psql(world, "partner", "SELECT payload FROM change_log"))


def test_a_partner_in_psql_sees_only_its_venues_incidents_and_its_own_reports(world: World) -> None:
    seen = rows(psql(world, "partner", "SELECT reference FROM incidents ORDER BY reference"))
    assert sorted(seen) == sorted([world.refs["velvet"], world.refs["partner_own"]])
    assert world.refs["copper"] not in seen
    changes = rows(
        psql(
            world,
            "partner",
            "SELECT DISTINCT entity || ':' || "
            "coalesce(partner_payload->>'reference', partner_payload->>'name') FROM change_log",
        )
    )
    assert {c.split(":", 1)[0] for c in changes} == {"venue", "incident"}
    incident_changes = {c.split(":", 1)[1] for c in changes if c.startswith("incident:")}
    assert incident_changes == {world.refs["velvet"], world.refs["partner_own"]}
    redacted = rows(
        psql(world, "partner", "SELECT DISTINCT partner_payload->>'person_of_concern' FROM change_log")
    )
    assert "Tall man, red cap, calls himself Dave" not in redacted


def test_a_partner_in_psql_cannot_change_another_venue_nor_more_than_the_status(world: World) -> None:
    # Row-level security: the other venue's row is simply not there to update; its own is.
    other = "UPDATE venues SET safe_space_status = 'closed' WHERE name = 'Copper Lantern'"
    assert rows(psql(world, "partner", other)) == ["UPDATE 0"]
    own = "UPDATE venues SET safe_space_status = 'open', version = version + 1 WHERE name = 'Velvet Fox'"
    assert rows(psql(world, "partner", own)) == ["UPDATE 1"]
    assert rows(
        psql(world, "partner", "SELECT safe_space_status FROM venues WHERE name = 'Copper Lantern'")
    ) == ["open"]
    assert "permission denied" in refused(
        psql(world, "partner", "UPDATE venues SET name = 'Renamed' WHERE name = 'Velvet Fox'")
    )
    assert "permission denied" in refused(
        psql(
            world,
            "partner",
            f"SELECT controlroom_create_login('{world.names['partner']}x', 'controlroom_supervisor', 'x')",
        )
    )


# -- the audit trail: append only ------------------------------------------------------


def test_app_roles_may_only_append_to_the_audit_log(world: World) -> None:
    # Rolled back: a stray entry would break the hash chain the auditor verifies below.
    appended = psql(
        world,
        "operator",
        "BEGIN; INSERT INTO audit_log (id, at, actor, action, entity, detail, kind, prev_hash, entry_hash) "
        "VALUES (999999, now(), 'x', 'probe', 'none', '{}', 'operation', '', ''); ROLLBACK;",
    )
    assert appended.returncode == 0, appended.stderr
    for role in ("operator", "supervisor", "partner", "administrator"):
        for statement in (
            "UPDATE audit_log SET actor = 'someone else'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
            "SELECT count(*) FROM audit_log",
        ):
            assert "permission denied for table audit_log" in refused(psql(world, role, statement)), (
                role,
                statement,
            )
    # The auditor reads it, but may not alter it either.
    assert int(rows(psql(world, "auditor", "SELECT count(*) FROM audit_log"))[0]) > 0
    assert "permission denied" in refused(psql(world, "auditor", "DELETE FROM audit_log"))


def test_the_auditor_verifies_the_trail_all_those_logins_wrote(world: World) -> None:
    async def check(db: Database, _actor: Actor) -> tuple[bool, int]:
        result = await verify(db)
        return result.ok, result.checked

    ok, checked = run(lambda: as_user(world, "auditor", check))
    assert ok and checked > 10


# -- logging in ----------------------------------------------------------------------


def test_the_server_refuses_a_wrong_password_and_a_disabled_user(world: World) -> None:
    assert "password authentication failed" in refused(
        psql(world, "operator", "SELECT 1", password="not it at all")  # noqa: S106
    )
    assert rows(psql(world, "spare", "SELECT current_user")) == [world.names["spare"]]

    async def disable(db: Database, admin: Actor) -> None:
        await UserCommands(db, admin).set_disabled(world.names["spare"], True)

    run(lambda: as_user(world, "administrator", disable))
    assert "not permitted to log in" in refused(psql(world, "spare", "SELECT 1"))


def test_a_user_changes_their_own_password_and_not_someone_elses(world: World) -> None:
    new = "a different long passphrase"

    async def change(db: Database, actor: Actor) -> None:
        users = UserCommands(db, actor)
        with pytest.raises(NotPermittedError):
            await users.set_password(world.names["operator"], new)
        await users.set_password(actor.name, new, current=PASSWORD)
        await users.set_password(actor.name, PASSWORD, current=new)  # and back, for the other tests

    run(lambda: as_user(world, "auditor", change))
    # Bypassing the core: the function refuses another user's password for a non-administrator.
    assert "only an administrator" in refused(
        psql(
            world,
            "auditor",
            f"SELECT controlroom_set_login_password('{world.names['operator']}', 'SCRAM-SHA-256$x')",
        )
    )
    assert rows(psql(world, "auditor", "SELECT 1")) == ["1"]


# -- the core, working through each user's own login ------------------------------------


def test_an_operator_reports_and_changes_an_incident_through_their_login(world: World) -> None:
    async def work(db: Database, actor: Actor) -> tuple[str, str]:
        commands = Commands(db, actor, clock=lambda: NOW)
        incident = await commands.report_incident(
            NewIncident(
                category="disorder", source="cctv", summary="Two men squaring up", venue="Copper Lantern"
            )
        )
        changed = await commands.update_incident(
            incident.reference, status="dispatched", note="Units on the way", expected_version=1
        )
        again = await commands.update_incident(
            incident.reference, grade=1, idempotency_key=f"k-{uuid.uuid4()}"
        )
        return changed.status, str(again.grade)

    assert run(lambda: as_user(world, "operator", work)) == ("dispatched", "1")
    # But no zone: that needs an inspector, and the database says so as well as the core.
    assert "permission denied for table dispersal_zones" in refused(
        psql(world, "operator", "UPDATE dispersal_zones SET withdrawn_reason = 'x'")
    )
    assert "permission denied for table subjects" in refused(
        psql(world, "operator", "UPDATE subjects SET name = NULL")
    )


def test_a_partner_reports_and_sets_its_own_safe_space_status_but_not_another(world: World) -> None:
    async def work(db: Database, actor: Actor) -> tuple[str, str | None]:
        commands = Commands(db, actor, clock=lambda: NOW)
        incident = await commands.report_incident(
            NewIncident(
                category="vulnerable_person",
                source="ask_for_angela",
                summary="Customer asked for Angela",
                venue="Velvet Fox",
                vulnerable_person="Woman, 20s, green coat",
            )
        )
        venue = await commands.set_safe_space_status("Velvet Fox", "full")
        # The core says why before the UPDATE that row-level security would match to no row.
        with pytest.raises(NotPermittedError, match="own venues"):
            await commands.set_safe_space_status("Copper Lantern", "closed")
        # Sent again (an outbox replay): the first report comes back, read without the
        # person columns this login may not select.
        keyed = NewIncident(
            category="harassment",
            source="licensed_premises",
            summary="Man pestering staff",
            venue="Velvet Fox",
            idempotency_key=f"partner-{incident.reference}",
        )
        first = await commands.report_incident(keyed)
        again = await commands.report_incident(keyed)
        assert again.reference == first.reference and again.vulnerable_person == ""
        shown = await incident_detail(db, incident.reference, redacted=True)
        assert shown.incident.summary == "Customer asked for Angela" and shown.timeline == ()
        return incident.reference, venue.safe_space_status

    async def core_alone(db: Database, actor: Actor) -> None:
        with pytest.raises(NotPermittedError, match="own venues"):
            await Commands(db, actor, clock=lambda: NOW).set_safe_space_status("Copper Lantern", "closed")

    reference, status = run(lambda: as_user(world, "partner", work))
    run(lambda: on_owner_connection(world, "partner", core_alone))
    assert status == "full"
    assert reference in rows(psql(world, "partner", "SELECT reference FROM incidents"))
    assert rows(
        psql(world, "operator", "SELECT safe_space_status FROM venues WHERE name = 'Copper Lantern'")
    ) == ["open"]


def test_a_supervisor_authorises_a_zone_through_their_login(world: World) -> None:
    async def work(db: Database, actor: Actor) -> str:
        zone = await Commands(db, actor, clock=lambda: NOW).authorise_zone(zone_spec())
        return zone.name

    assert run(lambda: as_user(world, "supervisor", work)) == "Bedford Place"

    async def operator_tries(db: Database, actor: Actor) -> None:
        # The core refuses with the reason before its INSERT would meet the grants.
        with pytest.raises(NotPermittedError, match="inspector"):
            await Commands(db, actor, clock=lambda: NOW).authorise_zone(zone_spec(name="Other"))

    async def core_alone(db: Database, actor: Actor) -> None:
        with pytest.raises(NotPermittedError, match="inspector"):
            await Commands(db, actor, clock=lambda: NOW).authorise_zone(zone_spec(name="Other"))

    run(lambda: as_user(world, "operator", operator_tries))
    run(lambda: on_owner_connection(world, "operator", core_alone))
    assert rows(psql(world, "operator", "SELECT count(*) FROM dispersal_zones")) == ["1"]


def test_an_administrator_manages_users_but_reads_no_operational_data(world: World) -> None:
    assert rows(psql(world, "administrator", "SELECT count(*) > 0 FROM users")) == ["t"]
    for table in ("subjects", "incidents", "audit_log"):
        assert "permission denied" in refused(psql(world, "administrator", f"SELECT count(*) FROM {table}"))  # noqa: S608
    # Other users see only their own row of users.
    assert rows(psql(world, "operator", "SELECT name FROM users")) == [world.names["operator"]]


def test_a_night_of_patrols_persons_and_directions_runs_on_the_staff_logins(world: World) -> None:
    """Every command an operator and a supervisor use, on their own logins: no grant is missing."""
    from controlroom.dispersal.directions import DirectionVariation
    from controlroom.feed.change_feed import ChangeFeed
    from tests.core.dispersal.test_dispersal import INSIDE, direction_spec

    async def supervisor_authorises(db: Database, actor: Actor) -> None:
        await Commands(db, actor, clock=lambda: NOW).authorise_zone(
            zone_spec(name="London Road", log_number="LOG-20261127-0500")
        )

    async def operator_works(db: Database, actor: Actor) -> tuple[int, int]:
        commands = Commands(db, actor, clock=lambda: NOW)
        feed = ChangeFeed(db, listen=False)
        await feed.start()
        await commands.add_unit("SEC-1", "police_foot", (50.9050, -1.4044))
        await commands.add_unit("SEC-2", "plain_clothes", (50.9050, -1.4044))
        incident = await commands.report_incident(
            NewIncident(
                category="assault", source="police_patrol", summary="Glass thrown", venue="Velvet Fox"
            )
        )
        await commands.dispatch(incident.reference, ["SEC-1"])
        await commands.update_unit("SEC-1", status="on_scene")
        await commands.record_caller_updated(incident.reference, "Told the door staff units are there")
        flag = await commands.flag_location(
            behaviour="following", reason="Man trailing a woman", venue="Velvet Fox"
        )
        await commands.dispatch_to_flag(flag.id, ["SEC-2"])
        await commands.convert_flag(flag.id, category="predatory_behaviour")
        subject = await commands.add_subject(
            NewSubject(description="Short man, green jacket", name="Sam Example")
        )
        await commands.warn_subject(subject.id, officer="PC 4567 Tom Reed", place="Outside Velvet Fox")
        await commands.consult_subject(subject.id, "Checking previous warnings before a direction")
        given = await commands.give_direction(direction_spec(zone="London Road", apparent_age=15))
        await commands.record_sighting(given.subject.id, at=INSIDE, behaviours=["loitering"])
        reference = given.direction.reference
        await commands.vary_direction(
            reference,
            DirectionVariation(officer="PC 4567 Tom Reed", reason="Shorter", hours_from_first_given=12),
        )
        await commands.withdraw_direction(reference, officer="PC 4567 Tom Reed", reason="Went home")
        diff = await feed.poll()
        return subject.id, len(diff.changes)

    async def supervisor_reviews(db: Database, actor: Actor) -> str | None:
        commands = Commands(db, actor, clock=lambda: NOW)
        await commands.review_subject(subject_id, reason="No further concern", erase_identity=True)
        await commands.withdraw_zone("London Road", "Event over")
        record = await commands.consult_subject(subject_id, "Confirming the erasure")
        return record.name

    run(lambda: as_user(world, "supervisor", supervisor_authorises))
    subject_id, changes = run(lambda: as_user(world, "operator", operator_works))
    assert changes > 10
    assert run(lambda: as_user(world, "supervisor", supervisor_reviews)) is None


def test_a_partner_console_follows_the_feed_on_its_own_login(world: World) -> None:
    """The partner's feed reads only what its grants allow: the board and the change log."""
    from controlroom.feed.change_feed import ChangeFeed
    from controlroom.storage.notify import ChangeListener

    async def operator_reports(db: Database, actor: Actor) -> str:
        incident = await Commands(db, actor, clock=lambda: NOW).report_incident(
            NewIncident(
                category="harassment",
                source="cctv",
                summary="Man shouting at door staff",
                venue="Velvet Fox",
                person_of_concern="Bald man, black coat",
            )
        )
        return incident.reference

    async def partner_follows(db: Database, actor: Actor) -> tuple[set[str], list[str], int]:
        feed = ChangeFeed(db, viewer=actor, listen=False)
        board = await feed.start()
        reference = await as_user(world, "operator", operator_reports)
        diff = await feed.poll()
        listener = ChangeListener(db, partner=True)
        await listener.connect()
        try:
            pushed = await listener.changes_after(board.cursor, 100)
        finally:
            await listener.close()
        seen = [
            c.incident.person_of_concern
            for c in diff.changes
            if c.incident and c.incident.reference == reference
        ]
        return {i.person_of_concern for i in board.incidents}, seen, len(pushed)

    on_board, seen, pushed = run(lambda: as_user(world, "partner", partner_follows))
    assert on_board == {""} and seen == [""] and pushed >= 1


def test_migration_0007_downgrades_and_upgrades_again(pg_cluster: PostgresCluster) -> None:
    from alembic import command

    from controlroom.storage import migrate

    url = pg_cluster.create_database()

    def to(revision: str, down: bool = False) -> Callable[[object], None]:
        def _run(sync_conn: object) -> None:
            config = migrate._config()
            config.attributes["connection"] = sync_conn
            (command.downgrade if down else command.upgrade)(config, revision)

        return _run

    async def policies(db: Database) -> int:
        async with db.read() as conn:
            return int((await conn.exec_driver_sql("SELECT count(*) FROM pg_policies")).scalar_one())

    async def scenario() -> list[int]:
        db = Database(url)
        try:
            await migrate.upgrade(db)
            counts = [await policies(db)]
            async with db.engine.begin() as conn:
                await conn.run_sync(to("0006", down=True))
            counts.append(await policies(db))
            await migrate.upgrade(db)
            await migrate.upgrade(db)  # provisioning again changes nothing
            counts.append(await policies(db))
            return counts
        finally:
            await db.dispose()

    assert run(scenario) == [len(POLICIES), 0, len(POLICIES)]


def test_consoles_connect_through_a_gate_login_that_reads_nothing_operational(world: World) -> None:
    """The credentials every console holds only check passwords; the work runs on the user's own login."""
    gate = f"gate_{uuid.uuid4().hex[:6]}"
    world.names["gate"] = gate

    async def make_gate() -> None:
        owner = Database(world.url)
        try:
            await create_gate_login(owner, gate, PASSWORD)
        finally:
            await owner.dispose()

    run(make_gate)
    for table in ("incidents", "subjects", "audit_log", "change_log", "venues"):
        assert "permission denied" in refused(psql(world, "gate", f"SELECT count(*) FROM {table}"))  # noqa: S608

    async def through_gate() -> tuple[str | None, str]:
        db = Database(world.login_url("gate"))
        try:
            with pytest.raises(AuthenticationError, match="more tries"):
                await authenticate(db, world.names["operator"], "not the password at all")
            actor = await authenticate(db, world.names["operator"], PASSWORD)
        finally:
            await db.dispose()
        # Unlocking a locked console checks the password again, on the user's own login.
        own = Database(world.login_url("operator"))
        try:
            again = await authenticate(own, world.names["operator"], PASSWORD)
        finally:
            await own.dispose()
        return actor.role, again.name

    assert run(through_gate) == ("operator", world.names["operator"])
    env = {**os.environ, "CONTROLROOM_USER": world.names["operator"], "CONTROLROOM_PASSWORD": PASSWORD}
    done = subprocess.run(
        controlroom_cmd("--db", world.login_url("gate"), "incident", "show", world.refs["velvet"]),
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Man following women out of Velvet Fox" in done.stdout
