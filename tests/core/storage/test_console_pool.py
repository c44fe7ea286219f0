"""A console's pool on PostgreSQL: it closes its connections once idle and opens them again on demand."""

from __future__ import annotations

import asyncio
import time

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text

from controlroom.storage.database import Database
from controlroom.storage.pooling import CONSOLE_MAX_OVERFLOW, CONSOLE_POOL_SIZE
from tests.conftest import run_isolated
from tests.core.feed.console_fleet import client_connections
from tests.pg_cluster import PostgresCluster

LINGER_S = 0.3  # the pool's 10 s, shortened for the test
CONCURRENT = CONSOLE_POOL_SIZE + CONSOLE_MAX_OVERFLOW
HOLD_S = 2.0


async def _most_sleeping_at_once(port: int, database: str, within: float) -> int:
    """The most of the pool's reads seen running on the server at the same moment."""
    conn = await asyncpg.connect(host="127.0.0.1", port=port, user="postgres", database="postgres")
    most = 0
    try:
        deadline = time.monotonic() + within
        while most < CONCURRENT and time.monotonic() < deadline:
            running = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND state = 'active' "
                "AND query LIKE 'SELECT pg_sleep%'",
                database,
            )
            most = max(most, int(running))
            await asyncio.sleep(0.02)
    finally:
        await conn.close()
    return most


async def _cycles(url: str, port: int, database: str) -> list[tuple[int, int]]:
    """Per cycle: the most reads running at once, and the server connections once idle."""
    db = Database(url)
    db.engine.pool.linger = LINGER_S  # type: ignore[attr-defined]
    results = []
    try:
        for _ in range(3):

            async def hold() -> None:
                async with db.read() as conn:
                    await conn.execute(text("SELECT pg_sleep(:s)"), {"s": HOLD_S})

            reads = asyncio.gather(*(hold() for _ in range(CONCURRENT)))
            most = await _most_sleeping_at_once(port, database, HOLD_S)
            await reads
            deadline = time.monotonic() + 10
            idle = await client_connections(port, database)
            while idle and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                idle = await client_connections(port, database)
            results.append((most, idle))
    finally:
        await db.dispose()
    return results


@pytest.mark.postgres
def test_the_pool_empties_when_idle_and_serves_full_concurrency_again(pg_cluster: PostgresCluster) -> None:
    url = pg_cluster.create_database()
    database = url.rsplit("/", 1)[1]
    # Three rounds: closing idle connections must not eat into what the pool may open later.
    assert run_isolated(_cycles(url, pg_cluster.port, database)) == [(CONCURRENT, 0)] * 3
