"""Failed logins slow the next tries down per account and per console, without locking anyone out
for long; a burst alerts; a huge typed name is stored as a short prefix (both backends)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from controlroom.audit.trail import AuditFilter, entries
from controlroom.core.errors import AuthenticationError
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, ConsoleThrottle, User
from controlroom.users.accounts import UserCommands, authenticate
from controlroom.users.throttle import ACCOUNT_CAP, CONSOLE_CAP, FREE_FAILURES, NAME_KEPT
from controlroom.writes import placeholder_actor
from tests.core.support import FIXED_NOW, run_with_db
from tests.core.users.test_users_audit import PASSWORD, staff

WRONG = "not the password at all"


async def _account_wait(db: Database, name: str) -> datetime | None:
    async with db.read() as conn:
        return (await conn.execute(select(User.locked_until).where(User.name == name))).scalar_one()


def test_a_stranger_makes_a_named_operator_wait_a_minute_at_most_and_guesses_stay_rare(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> dict[str, Any]:
        await UserCommands(db, placeholder_actor()).add_user(people.admin, "administrator", PASSWORD)
        admin = await authenticate(db, people.admin, PASSWORD, now=FIXED_NOW, console="admin-desk")
        await UserCommands(db, admin).add_user(people.operator, "operator", PASSWORD)
        # The stranger guesses as fast as allowed for half an hour, from a new console each time.
        at, guesses, end = FIXED_NOW, 0, FIXED_NOW + timedelta(minutes=30)
        while at < end:
            with pytest.raises(AuthenticationError, match="not right"):
                await authenticate(db, people.operator, WRONG, now=at, console=f"stranger-{guesses}")
            guesses += 1
            at = max(at, await _account_wait(db, people.operator) or at)
        last_failure = at - ACCOUNT_CAP
        # The operator at their own desk: refused (unchecked) during the wait, in once it ends.
        with pytest.raises(AuthenticationError) as waiting:
            await authenticate(db, people.operator, PASSWORD, now=last_failure, console="desk-1")
        operator = await authenticate(db, people.operator, PASSWORD, now=at, console="desk-1")
        bursts = [e async for e in entries(db, AuditFilter(kind="access")) if e.action == "user.login_burst"]
        return {"guesses": guesses, "waiting": str(waiting.value), "role": operator.role, "bursts": bursts}

    seen = run_with_db(db_url, scenario)
    # Free tries, then 2, 4 … 32 s, then one a minute: under 1,500 a day against argon2id hashes.
    assert FREE_FAILURES + 5 <= seen["guesses"] <= FREE_FAILURES + 5 + 29
    assert "try again in 60 seconds" in seen["waiting"] and "nothing was checked" in seen["waiting"]
    assert seen["role"] == "operator"
    # A supervisor's alert every ten failures in a row on the account, as access entries.
    assert [(b.detail["of"], b.detail["failures"]) for b in seen["bursts"]] == [
        ("account", n) for n in range(10, seen["guesses"] + 1, 10)
    ]
    assert all(b.actor == people.operator and b.kind == "access" for b in seen["bursts"])


def test_a_console_guessing_names_slows_to_a_quarter_hour_and_no_other_console_does(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> tuple[timedelta, str, str | None]:
        await UserCommands(db, placeholder_actor()).add_user(people.admin, "administrator", PASSWORD)
        at = FIXED_NOW
        for n in range(12):  # unknown names: only the console keeps count
            with pytest.raises(AuthenticationError, match="not right"):
                await authenticate(db, f"guess_{n}", WRONG, now=at, console="corner-pc")
            async with db.read() as conn:
                wait = (
                    await conn.execute(
                        select(ConsoleThrottle.wait_until).where(ConsoleThrottle.console == "corner-pc")
                    )
                ).scalar_one()
            last, at = at, max(at, wait or at)
        later = last + CONSOLE_CAP - timedelta(minutes=1)
        with pytest.raises(AuthenticationError) as waiting:  # even a real user, from that console
            await authenticate(db, people.admin, PASSWORD, now=later, console="corner-pc")
        elsewhere = await authenticate(db, people.admin, PASSWORD, now=later, console="desk-2")
        return at - last, str(waiting.value), elsewhere.role

    wait, refusal, role = run_with_db(db_url, scenario)
    assert wait == CONSOLE_CAP
    assert "try again in 60 seconds" in refusal
    assert role == "administrator"


def test_a_100_kb_failed_login_name_is_stored_as_a_short_prefix_and_its_length(db_url: str) -> None:
    people = staff()
    huge = "a" * 100_000

    async def scenario(db: Database) -> tuple[list[Any], int]:
        await UserCommands(db, placeholder_actor()).add_user(people.admin, "administrator", PASSWORD)
        with pytest.raises(AuthenticationError, match="not right"):
            await authenticate(db, huge, WRONG, now=FIXED_NOW, console="desk-1")
        async with db.read() as conn:
            failed_only = AuditEntry.action == "user.login_failed"
            columns = select(AuditEntry.actor, AuditEntry.detail)
            failed = (await conn.execute(columns.where(failed_only))).all()
            longest = (
                await conn.execute(select(func.max(func.length(ConsoleThrottle.console))))
            ).scalar_one()
        return [tuple(row) for row in failed], longest

    failed, longest_console = run_with_db(db_url, scenario)
    [(actor, detail)] = failed
    assert actor == "a" * NAME_KEPT
    assert detail["name_length"] == 100_000 and len(json.dumps(detail)) < 300
    assert longest_console < 300


def test_logins_from_one_console_at_once_each_count_and_none_fails_on_the_database(db_url: str) -> None:
    async def attempt(n: int) -> BaseException | None:
        db = Database(db_url)  # a console process of its own
        try:
            await authenticate(db, f"guess_{n}", WRONG, now=FIXED_NOW, console="shared-pc")
        except BaseException as exc:
            return exc
        finally:
            await db.dispose()
        return None

    async def scenario(db: Database) -> tuple[list[BaseException | None], int, list[Any]]:
        await UserCommands(db, placeholder_actor()).add_user(staff().admin, "administrator", PASSWORD)
        raised = list(await asyncio.gather(*(attempt(n) for n in range(6))))
        async with db.read() as conn:
            failures = (await conn.execute(select(ConsoleThrottle.failures))).scalar_one()
            logged = [
                detail
                for (detail,) in await conn.execute(
                    select(AuditEntry.detail).where(AuditEntry.action == "user.login_failed")
                )
            ]
        return raised, failures, logged

    raised, failures, logged = run_with_db(db_url, scenario)
    assert all(isinstance(exc, AuthenticationError) for exc in raised), raised
    # Three counted, then the wait they started refuses the rest unchecked; every one logged.
    assert failures == FREE_FAILURES
    assert len(logged) == 6 and sum("throttled" in detail for detail in logged) == 6 - FREE_FAILURES
