"""Facts about the database itself, kept in the ``database_facts`` table.

A fact is only ever added, never changed or removed by the program, so each one can
only make the database stricter: ``HAD_USERS`` (it never returns to set-up mode) is
written in the same transaction as the first user, and ``TRAINING`` (simulated nights
may be written into it) by ``controlroom demo`` on a database holding no live incidents.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from controlroom.storage.models import DatabaseFact

HAD_USERS = "had_users"
TRAINING = "training"


async def read_fact(conn: AsyncConnection | AsyncSession, name: str) -> str | None:
    """The value of fact ``name``, or None if the database does not hold it."""
    found = await conn.execute(select(DatabaseFact.value).where(DatabaseFact.name == name))
    value = found.scalar_one_or_none()
    return None if value is None else str(value)


async def add_fact(session: AsyncSession, name: str, value: str, *, at: datetime, by: str) -> bool:
    """Record fact ``name`` in the caller's transaction unless it is already held; True if added."""
    if await read_fact(session, name) is not None:
        return False
    session.add(DatabaseFact(name=name, value=value, set_at=at, set_by=by[:100]))
    await session.flush()
    return True
