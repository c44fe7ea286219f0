"""Real users in a test database, made the way an administrator makes them.

The first user is an administrator created from the set-up (placeholder) actor,
exactly as ``controlroom user add`` does on a new installation; the others are
added by that administrator through ``UserCommands``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from controlroom.audit.trail import AuditFilter, entries
from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import Venue
from controlroom.users.accounts import UserCommands, authenticate
from controlroom.writes import placeholder_actor
from tests.conftest import run_isolated
from tests.core.support import unique_tag

PASSWORD = "quiet harbour lanterns 42"  # noqa: S105 (a test user's)
ADMIN = "admin_one"


async def _add(url: str, users: Iterable[tuple[str, str, tuple[str, ...]]], admin_name: str) -> None:
    db = Database(url)
    try:
        await UserCommands(db, placeholder_actor()).add_user(admin_name, "administrator", PASSWORD)
        admin = await authenticate(db, admin_name, PASSWORD, where="test set-up")
        for name, role, venues in users:
            await UserCommands(db, admin).add_user(name, role, PASSWORD, venues=venues)
    finally:
        await db.dispose()


def add_users(url: str, *users: tuple[str, str, tuple[str, ...]], admin: str = ADMIN) -> None:
    """An administrator, then ``(name, role, venue names)`` each with ``PASSWORD``.

    On PostgreSQL a user is a login role of the whole (shared) test cluster: give
    names unique to the test (``unique_names``) there.
    """
    run_isolated(_add(url, users, admin))


def unique_names(*roles: str) -> dict[str, str]:
    """A user name per role, unique across the test run (PostgreSQL roles are cluster-wide)."""
    tag = unique_tag()
    return {role: f"{role[:5]}_u{tag}" for role in roles}  # "_u": apart from other tests' names


async def _safe_space(url: str) -> tuple[int, str]:
    db = Database(url)
    try:
        async with db.read() as conn:
            row = (
                await conn.execute(
                    select(Venue.id, Venue.name).where(Venue.is_safe_space.is_(True)).order_by(Venue.id)
                )
            ).first()
    finally:
        await db.dispose()
    assert row is not None
    return int(row[0]), str(row[1])


def a_safe_space(url: str) -> tuple[int, str]:
    """The first safe space of the demo data (a partner's own venue in these tests)."""
    return run_isolated(_safe_space(url))


async def _login(url: str, name: str) -> Actor:
    db = Database(url)
    try:
        return await authenticate(db, name, PASSWORD, where="test")
    finally:
        await db.dispose()


def actor_for(url: str, name: str) -> Actor:
    """The actor a real login of ``name`` gives (the login is audited like any other)."""
    return run_isolated(_login(url, name))


async def _entries(url: str, flt: AuditFilter) -> list[Any]:
    db = Database(url)
    try:
        return [row async for row in entries(db, flt)]
    finally:
        await db.dispose()


def audit_entries(url: str, **filters: Any) -> list[Any]:
    """The audit trail's entries matching ``filters`` (``AuditFilter`` fields)."""
    return run_isolated(_entries(url, AuditFilter(**filters)))


async def _report(url: str, name: str, new: NewIncident) -> IncidentSnapshot:
    db = Database(url)
    try:
        actor = await authenticate(db, name, PASSWORD, where="test")
        return await Commands(db, actor).report_incident(new)
    finally:
        await db.dispose()


def report_as(
    url: str, name: str, summary: str, *, venue: str = "Velvet Fox", **fields: Any
) -> IncidentSnapshot:
    """An incident reported by user ``name`` from another 'console' (its own connection)."""
    new = NewIncident(category="disorder", source="cctv", summary=summary, grade=3, venue=venue, **fields)
    return run_isolated(_report(url, name, new))
