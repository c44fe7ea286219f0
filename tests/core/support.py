"""Small helpers for core tests: run a scenario against a database URL."""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import func, select

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from controlroom.storage.migrate import MIGRATIONS
from controlroom.storage.models import AuditEntry, ChangeLogEntry, Incident, IncidentEvent
from controlroom.venues.commands import VenueSpec

T = TypeVar("T")

FIXED_NOW = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)


def run_with_db(url: str, scenario: Callable[[Database], Awaitable[T]]) -> T:
    """Run ``scenario`` on a fresh ``Database`` and dispose of it.

    Inside a window test the session's qasync loop is running on this thread, where
    asyncio.run() refuses to start: the scenario then runs on a private loop in a worker thread.
    """

    async def _main() -> T:
        db = Database(url)
        try:
            return await scenario(db)
        finally:
            await db.dispose()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_main())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _main()).result()


def commands_for(
    db: Database, name: str = "test-operator", now: datetime | None = None, role: str | None = None
) -> Commands:
    """Commands as ``name``: set-up mode (no role) unless a role is given.

    Set-up mode may not process personal data (persons of concern, directions), so
    dispersal tests act as a supervisor.
    """
    if now is None:
        return Commands(db, Actor(name, role))
    return Commands(db, Actor(name, role), clock=lambda: now)


async def add_venue(commands: Commands, name: str = "Velvet Fox", *, safe: bool = True) -> None:
    await commands.upsert_venue(
        VenueSpec(
            name=name,
            kind="bar",
            lat=50.9115,
            lon=-1.4089,
            is_safe_space=safe,
            safe_space_status="open" if safe else None,
        )
    )


async def row_counts(db: Database) -> dict[str, int]:
    counts = {}
    async with db.read() as conn:
        for name, model in (
            ("incidents", Incident),
            ("events", IncidentEvent),
            ("audit", AuditEntry),
            ("changes", ChangeLogEntry),
        ):
            counts[name] = (await conn.execute(select(func.count()).select_from(model))).scalar_one()
    return counts


_tags = itertools.count(1)


def unique_tag() -> str:
    """A tag for user names unique across the whole test run.

    On PostgreSQL a user is a login role of the (shared) test cluster, so two tests
    that each counted from 1 in their own module would both make "admin_<pid>_6".
    Every test that names users draws from this one counter.
    """
    return f"{os.getpid()}_{next(_tags)}"


async def migrate_to(url: str, revision: str) -> None:
    """What an older version of the program left: the schema up to ``revision``."""
    from alembic import command
    from alembic.config import Config

    def _upgrade(sync_conn: Any) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = sync_conn
        command.upgrade(config, revision)

    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(_upgrade)
    finally:
        await db.dispose()
