"""Users, roles, the partner's view and the hash-chained DPA 2018 s.62 audit trail (both backends)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from controlroom.audit.chain import verify
from controlroom.audit.trail import AuditFilter, entries, log_processing
from controlroom.commands import Commands
from controlroom.core.errors import AuthenticationError, NotPermittedError, ValidationError
from controlroom.core.roles import Actor
from controlroom.dispersal.persons import NewSubject
from controlroom.feed.change_feed import ChangeFeed
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, User
from controlroom.users.accounts import UserCommands, authenticate
from controlroom.users.throttle import FREE_FAILURES
from controlroom.writes import placeholder_actor
from tests.conftest import controlroom_cmd
from tests.core.dispersal.test_dispersal import NOW, table_counts, zone_spec
from tests.core.support import FIXED_NOW, add_venue, commands_for, run_with_db, unique_tag

PASSWORD = "correct horse battery staple"  # noqa: S105 - test users only


@dataclass(frozen=True)
class Staff:
    """One name of each role; unique per test (PostgreSQL login roles are cluster-wide)."""

    admin: str
    operator: str
    supervisor: str
    partner: str
    auditor: str


def staff() -> Staff:
    tag = unique_tag()
    return Staff(*(f"{role}_{tag}" for role in ("admin", "op", "insp", "bar", "dpo")))


async def with_staff(db: Database, people: Staff) -> dict[str, Actor]:
    """Two venues, then one user of each role (the partner speaks for Velvet Fox)."""
    setup = commands_for(db, now=NOW)
    await add_venue(setup, "Velvet Fox")
    await add_venue(setup, "Copper Lantern")
    await UserCommands(db, placeholder_actor()).add_user(people.admin, "administrator", PASSWORD)
    admin = await authenticate(db, people.admin, PASSWORD)
    users = UserCommands(db, admin)
    await users.add_user(people.operator, "operator", PASSWORD)
    await users.add_user(people.supervisor, "supervisor", PASSWORD)
    await users.add_user(people.partner, "partner", PASSWORD, ["Velvet Fox"])
    await users.add_user(people.auditor, "auditor", PASSWORD)
    return {name: await authenticate(db, name, PASSWORD) for name in people.__dict__.values()}


def test_passwords_are_kept_as_argon2id_hashes_and_the_first_user_is_an_administrator(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> tuple[str, str]:
        with pytest.raises(ValidationError, match="first user must be an administrator"):
            await UserCommands(db, placeholder_actor()).add_user(people.operator, "operator", PASSWORD)
        with pytest.raises(ValidationError, match="at least 12"):
            await UserCommands(db, placeholder_actor()).add_user(people.admin, "administrator", "short")
        await UserCommands(db, placeholder_actor()).add_user(people.admin, "administrator", PASSWORD)
        async with db.read() as conn:
            stored = (await conn.execute(select(User.password_hash))).scalar_one()
        # Once a user exists, the open set-up actor may no longer add users.
        with pytest.raises(NotPermittedError):
            await UserCommands(db, Actor("someone", "operator")).add_user(
                people.operator, "operator", PASSWORD
            )
        return stored, (await authenticate(db, people.admin, PASSWORD)).role or ""

    stored, role = run_with_db(db_url, scenario)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert role == "administrator"


def test_wrong_passwords_slow_the_account_down_and_every_attempt_is_logged(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> tuple[list[str], list[str]]:
        await UserCommands(db, placeholder_actor()).add_user(people.admin, "administrator", PASSWORD)
        messages = []
        # Three free failures at once, then one more once the first wait (2 s) is over.
        for at in [NOW] * FREE_FAILURES + [NOW + timedelta(seconds=2)]:
            with pytest.raises(AuthenticationError) as failed:
                await authenticate(db, people.admin, "not the password at all", now=at, console="desk-1")
            messages.append(str(failed.value))
        # Waiting: even the right password is refused, unchecked, until the wait (4 s) ends.
        with pytest.raises(AuthenticationError, match="try again in 3 seconds"):
            await authenticate(db, people.admin, PASSWORD, now=NOW + timedelta(seconds=3), console="desk-1")
        later = NOW + timedelta(seconds=6)
        assert (await authenticate(db, people.admin, PASSWORD, now=later, console="desk-1")).name
        with pytest.raises(AuthenticationError, match="not right"):
            await authenticate(db, "nobody_here", PASSWORD, now=later, console="desk-1")
        logged = [e.action async for e in entries(db, AuditFilter(kind="access"))]
        return messages, logged

    messages, logged = run_with_db(db_url, scenario)
    assert "2 more tries before logins slow down" in messages[0]
    assert "wait 2 seconds before the next try" in messages[FREE_FAILURES - 1]
    assert "wait 4 seconds before the next try" in messages[-1]
    assert logged == [
        *["user.login_failed"] * (FREE_FAILURES + 1),
        "user.login_failed",  # refused while waiting
        "user.login",
        "user.login_failed",
    ]


def test_a_disabled_user_cannot_log_in_and_cannot_disable_themself(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> None:
        actors = await with_staff(db, people)
        users = UserCommands(db, actors[people.admin])
        with pytest.raises(ValidationError, match="your own account"):
            await users.set_disabled(people.admin, True)
        await users.set_disabled(people.operator, True)
        with pytest.raises(AuthenticationError, match="disabled"):
            await authenticate(db, people.operator, PASSWORD)
        with pytest.raises(NotPermittedError, match="may not disable users"):
            await UserCommands(db, actors[people.supervisor]).set_disabled(people.auditor, True)
        await users.set_disabled(people.operator, False)
        assert (await authenticate(db, people.operator, PASSWORD)).role == "operator"

    run_with_db(db_url, scenario)


def test_each_role_may_do_its_work_and_is_refused_the_rest_with_nothing_written(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> None:
        actors = await with_staff(db, people)

        def as_(name: str) -> Commands:
            return Commands(db, actors[name], clock=lambda: NOW)

        report = NewIncident(
            category="harassment", source="licensed_premises", summary="Man following", venue="Velvet Fox"
        )
        before = await table_counts(db)
        with pytest.raises(NotPermittedError, match="inspector"):
            await as_(people.operator).authorise_zone(zone_spec())
        with pytest.raises(NotPermittedError, match="own venues"):
            await as_(people.partner).set_safe_space_status("Copper Lantern", "closed")
        with pytest.raises(NotPermittedError):
            await as_(people.partner).add_subject(NewSubject(description="Tall man, red cap"))
        with pytest.raises(NotPermittedError):
            await as_(people.auditor).report_incident(report)
        assert await table_counts(db) == before
        await as_(people.supervisor).authorise_zone(zone_spec())
        await as_(people.partner).set_safe_space_status("Velvet Fox", "full")
        reported = await as_(people.partner).report_incident(report)
        await as_(people.operator).update_incident(reported.reference, status="acknowledged")

    run_with_db(db_url, scenario)


def test_a_partner_feed_carries_only_its_venues_incidents_without_persons_data(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> None:
        actors = await with_staff(db, people)
        operator = Commands(db, actors[people.operator])
        here = NewIncident(
            category="predatory_behaviour",
            source="cctv",
            summary="Man plying a lone woman with drinks",
            venue="Velvet Fox",
            person_of_concern="Tall man, red cap, known as Dean",
            reporter_contact="07700 900123",
        )
        await operator.report_incident(here)
        await operator.report_incident(
            NewIncident(category="disorder", source="cctv", summary="Fight", venue="Copper Lantern")
        )
        feed = ChangeFeed(db, viewer=actors[people.partner], listen=False)
        board = await feed.start()
        assert [i.summary for i in board.incidents] == ["Man plying a lone woman with drinks"]
        assert board.incidents[0].person_of_concern == "" and board.incidents[0].reporter_contact == ""
        assert board.units == () and board.zones == () and len(board.venues) == 2
        await operator.report_incident(here)
        await operator.report_incident(
            NewIncident(category="disorder", source="cctv", summary="Second fight", venue="Copper Lantern")
        )
        await operator.add_unit("Alpha 1", "police_foot", (50.9110, -1.4080))
        diff = await feed.poll()
        assert [c.entity for c in diff.changes] == ["incident"]
        assert diff.changes[0].incident is not None and diff.changes[0].incident.person_of_concern == ""
        assert (await feed.poll()).empty  # the cursor moved past what the partner may not see
        auditor = await ChangeFeed(db, viewer=actors[people.auditor], listen=False).start()
        assert auditor.incidents == () and len(auditor.venues) == 2  # no incident data to read

    run_with_db(db_url, scenario)


def test_consulting_or_disclosing_personal_data_needs_a_justification_and_a_recipient(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> list[tuple[str, str, str | None, str | None]]:
        actors = await with_staff(db, people)
        operator = Commands(db, actors[people.operator], clock=lambda: NOW)
        subject = await operator.add_subject(NewSubject(description="Tall man, red cap", name="Dean Example"))
        with pytest.raises(ValidationError):
            await operator.consult_subject(subject.id, "   ")
        await operator.consult_subject(subject.id, "Breach file SOT-1")
        with pytest.raises(ValidationError, match="who receives it"):
            await log_processing(
                db,
                actors[people.operator],
                action="paperwork.print",
                entity="direction",
                entity_id=None,
                detail={},
                justification="Notice for the man",
            )
        await log_processing(
            db,
            actors[people.operator],
            action="paperwork.print",
            entity="direction",
            entity_id=None,
            detail={"reference": "S35-1"},
            justification="Notice",
            recipient="the person directed",
        )
        return [
            (e.action, e.kind, e.justification, e.recipient)
            async for e in entries(db, AuditFilter(actor=people.operator))
            if e.kind != "access"
        ]

    logged = run_with_db(db_url, scenario)
    assert logged == [
        ("subject.add", "collection", None, None),
        ("subject.consult", "consultation", "Breach file SOT-1", None),
        ("paperwork.print", "disclosure", "Notice", "the person directed"),
    ]


def test_an_erasure_leaves_only_audit_metadata(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> tuple[str, str]:
        actors = await with_staff(db, people)
        operator = Commands(db, actors[people.operator], clock=lambda: NOW)
        subject = await operator.add_subject(
            NewSubject(description="Tall man, red cap", name="Dean Example", address="1 Sample Road")
        )
        await operator.consult_subject(subject.id, "Identify for file")
        supervisor = Commands(db, actors[people.supervisor], clock=lambda: NOW)
        await supervisor.review_subject(subject.id, reason="No further concern", erase_identity=True)
        record = await operator.consult_subject(subject.id, "Check erasure")
        assert record.name is None and record.address is None
        async with db.read() as conn:
            trail = " ".join(str(row) for row in (await conn.execute(select(AuditEntry.__table__))).all())
            log = " ".join(str(row) for row in (await conn.execute(text("SELECT * FROM change_log"))).all())
        return trail, log

    trail, log = run_with_db(db_url, scenario)
    assert "subject.erase" in trail and "'name'" in trail  # which fields, not what they held
    for erased in ("Dean Example", "1 Sample Road"):
        assert erased not in trail and erased not in log


# -- the hash chain ----------------------------------------------------------------------


def _trail(db_url: str, people: Staff) -> None:
    async def scenario(db: Database) -> None:
        actors = await with_staff(db, people)
        operator = Commands(db, actors[people.operator])
        for n in range(3):
            await operator.report_incident(
                NewIncident(category="harassment", source="cctv", summary=f"Report {n}", venue="Velvet Fox")
            )

    run_with_db(db_url, scenario)


def _tamper(db_url: str, *statements: str) -> str:
    """Someone with the database owner's or the file's access edits the trail, then we verify."""

    async def scenario(db: Database) -> str:
        async with db.write() as session:
            # The append-only trigger only stops honest mistakes; an owner can lift it.
            if db.is_sqlite:
                await session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
                await session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
            else:
                await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            for statement in statements:
                await session.execute(text(statement))
        return (await verify(db)).describe()

    return run_with_db(db_url, scenario)


def test_verify_finds_an_edited_a_deleted_a_reordered_and_a_truncated_trail(db_url: str) -> None:
    people = staff()
    _trail(db_url, people)
    intact = run_with_db(db_url, verify)
    assert intact.ok and intact.checked > 10
    # The newest hash is printed to be noted outside the system: it pins the whole trail.
    assert f"newest entry {intact.checked} has hash {intact.head_hash}" in intact.describe()
    assert len(intact.head_hash) == 64 and intact.head_hash != "0" * 64
    assert "BROKEN at entry 7: its content does not match" in _tamper(
        db_url, "UPDATE audit_log SET actor = 'someone_else' WHERE id = 7"
    )
    _tamper(db_url, "UPDATE audit_log SET actor = (SELECT actor FROM audit_log WHERE id = 6) WHERE id = 7")
    assert run_with_db(db_url, verify).ok  # put back: intact again
    assert "BROKEN at entry 9: entries 8–8 are missing" in _tamper(
        db_url, "DELETE FROM audit_log WHERE id = 8"
    )


def test_verify_finds_swapped_entries(db_url: str) -> None:
    people = staff()
    _trail(db_url, people)
    top = run_with_db(db_url, verify).checked
    # Swap the contents of entries 4 and 5 (ids stay in order, hashes travel with the rows).
    swapped = _tamper(
        db_url,
        "UPDATE audit_log SET id = -4 WHERE id = 4",
        "UPDATE audit_log SET id = 4 WHERE id = 5",
        "UPDATE audit_log SET id = 5 WHERE id = -4",
    )
    assert swapped.startswith("audit trail BROKEN at entry 4") and top > 5


def test_deleting_the_newest_entries_is_found_through_the_chain_head(db_url: str) -> None:
    people = staff()
    _trail(db_url, people)
    top = run_with_db(db_url, verify).checked
    result = _tamper(db_url, f"DELETE FROM audit_log WHERE id >= {top - 1}")  # noqa: S608 - an int
    assert f"BROKEN at entry {top}" in result and "deleted from the end" in result


# -- command line --------------------------------------------------------------------------


def run_cli(
    db_url: str, *args: str, user: str | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if user:
        env.update(CONTROLROOM_USER=user, CONTROLROOM_PASSWORD=PASSWORD)
    else:
        env.pop("CONTROLROOM_PASSWORD", None)
        env.pop("CONTROLROOM_USER", None)
    return subprocess.run(
        controlroom_cmd("--db", db_url, *args),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_cli_users_login_verify_and_export(db_url: str, tmp_path: Path) -> None:
    people = staff()
    first = run_cli(
        db_url,
        "user",
        "add",
        people.admin,
        "--role",
        "administrator",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert first.returncode == 0, first.stderr
    # The database now has a user: nothing runs without logging in.
    anonymous = run_cli(db_url, "venues")
    assert anonymous.returncode == 5 and "log in with --user NAME" in anonymous.stderr
    added = run_cli(
        db_url,
        "user",
        "add",
        people.auditor,
        "--role",
        "auditor",
        "--password-stdin",
        user=people.admin,
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    listed = run_cli(db_url, "user", "list", user=people.admin)
    assert people.auditor in listed.stdout and "auditor (data protection officer)" in listed.stdout
    refused = run_cli(
        db_url, "audit", "export", "--from", "2020-01-01", "--to", "2099-01-01", user=people.admin
    )
    assert refused.returncode == 4 and "auditor" in refused.stderr
    assert run_cli(db_url, "audit", "verify", user=people.auditor).returncode == 0
    out = tmp_path / "trail.csv"
    exported = run_cli(
        db_url,
        "audit",
        "export",
        "--from",
        "2020-01-01",
        "--to",
        "2099-01-01",
        "--out",
        str(out),
        user=people.auditor,
    )
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["action"] == "user.add" and {r["kind"] for r in rows} >= {"collection", "access"}
    assert all(len(r["entry_hash"]) == 64 for r in rows)
    bad_range = run_cli(
        db_url, "audit", "export", "--from", "yesterday", "--to", "2099-01-01", user=people.auditor
    )
    assert bad_range.returncode == 2 and "not an ISO date" in bad_range.stderr
    _tamper(db_url, "UPDATE audit_log SET detail = '{}' WHERE id = 1")
    broken = run_cli(db_url, "audit", "verify", user=people.auditor)
    assert broken.returncode == 1 and "BROKEN at entry 1" in broken.stderr
    wrong = run_cli(db_url, "--user", people.auditor, "audit", "verify")
    assert wrong.returncode == 5 and "CONTROLROOM_PASSWORD" in wrong.stderr


def test_retention_review_lists_records_whose_review_date_has_come(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> None:
        actors = await with_staff(db, people)
        operator = Commands(db, actors[people.operator], clock=lambda: NOW)
        await operator.add_subject(
            NewSubject(description="Due man", review_date=FIXED_NOW.date() + timedelta(days=2))
        )
        await operator.add_subject(
            NewSubject(description="Later man", review_date=FIXED_NOW.date() + timedelta(days=400))
        )

    run_with_db(db_url, scenario)
    on = (FIXED_NOW.date() + timedelta(days=3)).isoformat()
    refused = run_cli(db_url, "retention", "review", "--on", on, user=people.operator)
    assert refused.returncode == 4
    due = run_cli(db_url, "retention", "review", "--on", on, user=people.supervisor)
    assert due.returncode == 0, due.stderr
    assert "Due man" in due.stdout and "Later man" not in due.stdout


def test_a_partner_on_the_command_line_sees_no_persons_of_concern(db_url: str) -> None:
    people = staff()
    run_with_db(db_url, lambda db: with_staff(db, people))
    refused = run_cli(db_url, "person", "list", user=people.partner)
    assert refused.returncode == 4 and "may not see persons of concern" in refused.stderr
    assert run_cli(db_url, "person", "list", user=people.operator).returncode == 0
    # `flags` travels as the "flag" command (see cli_patrol): its listing is checked too.
    flags = run_cli(db_url, "flags", user=people.partner)
    assert flags.returncode == 4 and "may not see patrol units" in flags.stderr


def test_sql_touching_users_is_parameterised(db_url: str) -> None:
    """A name made of SQL is refused as a name, and a password made of SQL is just a password."""
    people = staff()

    async def scenario(db: Database) -> None:
        await UserCommands(db, placeholder_actor()).add_user(
            people.admin, "administrator", "x'); DROP TABLE users; --"
        )
        with pytest.raises(ValidationError, match="not a usable user name"):
            await UserCommands(
                db, await authenticate(db, people.admin, "x'); DROP TABLE users; --")
            ).add_user("bob'; DROP TABLE users; --", "operator", PASSWORD)
        async with db.write() as session:
            await session.execute(update(User).values(failed_attempts=0))

    run_with_db(db_url, scenario)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_entries_written_before_the_chain_are_sealed_into_it_on_upgrade(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from alembic import command

    from controlroom.storage import migrate

    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_cluster").create_database()

    async def scenario(db: Database) -> tuple[int, bool]:
        def to(revision: str) -> Callable[[Any], None]:
            def _run(sync_conn: Any) -> None:
                config = migrate._config()
                config.attributes["connection"] = sync_conn
                command.upgrade(config, revision)

            return _run

        async with db.engine.begin() as conn:
            await conn.run_sync(to("0005"))
        async with db.engine.begin() as conn:  # two entries as the 0005 schema wrote them: no hashes
            for n in range(2):
                await conn.execute(
                    text(
                        "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) "
                        "VALUES (:at, 'console:old', 'incident.report', 'incident', :n, '{}')"
                    ),
                    {"at": NOW.replace(tzinfo=None) if db.is_sqlite else NOW, "n": n},
                )
            await conn.run_sync(to("head"))
        await add_venue(Commands(db, Actor("console:new"), clock=lambda: NOW))
        result = await verify(db)
        return result.checked, result.ok

    checked, ok = run_with_db(url, scenario)
    assert ok and checked == 3
