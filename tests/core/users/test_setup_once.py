"""Set-up mode only once: a database that had users never reopens it when the user rows vanish."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from controlroom.storage.database import Database
from controlroom.storage.facts import HAD_USERS, read_fact
from controlroom.storage.migrate import upgrade
from controlroom.users.accounts import UserCommands, UsersRemovedError, has_users
from controlroom.writes import placeholder_actor
from tests.conftest import run_isolated
from tests.core.support import migrate_to, run_with_db
from tests.core.users.test_users_audit import PASSWORD, run_cli, staff

COUNTED = ("users", "incidents", "audit_log", "change_log", "database_facts")


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED}  # noqa: S608


def test_deleting_every_user_row_refuses_every_command_with_nothing_written(tmp_path: Path) -> None:
    path = tmp_path / "night.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    name = staff().admin
    add = ("user", "add", "--role", "administrator", "--password-stdin")
    first = run_cli(url, *add, name, stdin=PASSWORD + "\n")
    assert first.returncode == 0, first.stderr
    with sqlite3.connect(path) as conn:  # outside the program
        conn.execute("DELETE FROM user_venues")
        conn.execute("DELETE FROM users")
    before = _counts(path)
    report = run_cli(
        url,
        *("report", "--at", "50.9015,-1.4020", "--place", "East Street bus stop"),
        *("--category", "vulnerable_person", "--source", "street_pastors", "--summary", "Woman alone"),
    )
    again = run_cli(url, *add, "someone", stdin=PASSWORD + "\n")
    assert report.returncode == 2 and again.returncode == 2
    for refused in (report, again):
        assert "the users table was changed outside the program" in refused.stderr
        assert "Restore the database from a backup" in refused.stderr and "Traceback" not in refused.stderr
    assert _counts(path) == before


def test_the_first_user_records_that_the_database_had_users(db_url: str) -> None:
    people = staff()

    async def scenario(db: Database) -> tuple[bool, str | None, str]:
        was_open = not await has_users(db)
        await UserCommands(db, placeholder_actor()).add_user(people.admin, "administrator", PASSWORD)
        async with db.read() as conn:
            fact = await read_fact(conn, HAD_USERS)
        async with db.write() as session:  # as an integration writing the tables directly might
            await session.execute(text("DELETE FROM user_venues"))
            await session.execute(text("DELETE FROM users"))
        with pytest.raises(UsersRemovedError) as refused:
            await has_users(db)
        with pytest.raises(UsersRemovedError):
            await UserCommands(db, placeholder_actor()).add_user(people.operator, "administrator", PASSWORD)
        return was_open, fact, str(refused.value)

    was_open, fact, refusal = run_with_db(db_url, scenario)
    assert was_open and fact == "yes"
    assert refusal.startswith("the users table was changed outside the program")


def test_the_migration_records_users_that_existed_before_it(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'older.sqlite3'}"
    run_isolated(migrate_to(url, "0008"))
    with sqlite3.connect(tmp_path / "older.sqlite3") as conn:
        conn.execute(
            "INSERT INTO users (name, role, password_hash, disabled, failed_attempts, created_at, "
            "created_by, password_changed_at) VALUES ('jsmith', 'administrator', 'x', 0, 0, "
            "'2026-11-27 20:00:00', 'console:root', '2026-11-27 20:00:00')"
        )

    async def scenario(db: Database) -> Any:
        await upgrade(db)
        async with db.read() as conn:
            return await read_fact(conn, HAD_USERS)

    assert run_with_db(url, scenario) == "yes"
