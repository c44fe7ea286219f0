"""SQLite commits are durable: every connection, reading or writing, runs synchronous=FULL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from controlroom.storage.database import Database
from tests.core.support import run_with_db

FULL = 2  # what PRAGMA synchronous answers for FULL (NORMAL is 1)


def test_every_sqlite_connection_syncs_each_commit(tmp_path: Path) -> None:
    async def scenario(db: Database) -> tuple[int, int, str]:
        async with db.read() as conn:
            reading = (await conn.execute(text("PRAGMA synchronous"))).scalar_one()
            journal = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
        async with db.write() as session:
            writing = (await session.execute(text("PRAGMA synchronous"))).scalar_one()
        return reading, writing, journal

    reading, writing, journal = run_with_db(f"sqlite+aiosqlite:///{tmp_path / 'durable.sqlite3'}", scenario)
    assert (reading, writing, journal) == (FULL, FULL, "wal")
