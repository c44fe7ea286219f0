"""The change feed: a snapshot, then every change exactly once, in commit order."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter

from sqlalchemy import select, text

from controlroom.core.errors import DatabaseUnavailableError
from controlroom.core.snapshots import Snapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import ChangeLogEntry
from controlroom.storage.notify import APPLICATION_NAME, ChangeListener
from tests.conftest import _migrate, run_isolated
from tests.core.support import add_venue, commands_for, run_with_db
from tests.pg_cluster import PostgresCluster


def _new(summary: str, key: str | None = None) -> NewIncident:
    return NewIncident(
        category="harassment",
        source="cctv",
        summary=summary,
        lat=50.905,
        lon=-1.404,
        place="Above Bar Street",
        idempotency_key=key,
    )


def test_snapshot_then_diffs_in_commit_order(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, ...]:
        commands = commands_for(db)
        await add_venue(commands)
        first = await commands.report_incident(_new("before the console started"))
        feed = ChangeFeed(db)
        snapshot = await feed.start()
        idle = await feed.poll()
        second = await commands.report_incident(_new("after"))
        await commands.update_incident(first.reference, status="acknowledged")
        diff = await feed.poll()
        again = await feed.poll()
        return first, second, snapshot, idle, diff, again

    first, second, snapshot, idle, diff, again = run_with_db(db_url, scenario)
    assert [i.reference for i in snapshot.incidents] == [first.reference]
    assert [v.name for v in snapshot.venues] == ["Velvet Fox"]
    assert idle.empty and idle.cursor == snapshot.cursor
    assert [(c.incident.reference, c.incident.version) for c in diff.changes] == [
        (second.reference, 1),
        (first.reference, 2),
    ]
    assert diff.changes[1].incident.status == "acknowledged"
    assert again.empty and again.cursor == diff.cursor


def test_a_late_committing_writer_is_never_skipped(db_url: str) -> None:
    """Writer A appends to the change log, then stalls before commit while B writes.

    On PostgreSQL B would draw a larger sequence value and could commit first, and a
    console that moved its cursor past B would never see A. The feed lock makes B
    wait, so the console sees A then B.
    """

    async def scenario(db: Database) -> tuple[list[int], bool, list[str]]:
        commands = commands_for(db)
        feed = ChangeFeed(db)
        await feed.start()
        a_may_commit = asyncio.Event()
        a_appended = asyncio.Event()

        async def writer_a() -> None:
            async with db.write() as session:
                await db.take_feed_lock(session)
                session.add(
                    ChangeLogEntry(
                        entity="incident",
                        entity_id=999999,
                        op="delete",
                        payload={},
                        committed_at=commands.clock(),
                    )
                )
                await session.flush()
                a_appended.set()
                await a_may_commit.wait()

        task_a = asyncio.ensure_future(writer_a())
        await a_appended.wait()
        task_b = asyncio.ensure_future(commands.report_incident(_new("B")))
        seen_while_a_open: list[int] = []
        for _ in range(6):
            seen_while_a_open += [c.seq for c in (await feed.poll()).changes]
            await asyncio.sleep(0.05)
        b_done_early = task_b.done()
        a_may_commit.set()
        await task_a
        await task_b
        order: list[str] = []
        for _ in range(3):
            order += [c.entity if c.incident is None else "B" for c in (await feed.poll()).changes]
        return seen_while_a_open, b_done_early, order

    seen_while_a_open, b_done_early, order = run_with_db(db_url, scenario)
    assert seen_while_a_open == []
    assert not b_done_early
    assert order == ["incident", "B"]


def test_concurrent_writers_every_change_delivered_exactly_once(db_url: str) -> None:
    """8 writers (own connections) report and update while a console polls non-stop."""

    writers, per_writer = 8, 25

    async def scenario(db: Database) -> tuple[list[int], list[int], Counter[tuple[str, int]], bool]:
        feed = ChangeFeed(db, batch_size=7)  # small batches exercise the cursor hand-off
        await feed.start()
        done = asyncio.Event()
        delivered: list[int] = []
        versions: Counter[tuple[str, int]] = Counter()
        in_order = True
        last_version: dict[str, int] = {}

        async def console() -> None:
            nonlocal in_order
            while True:
                finished = done.is_set()
                diff = await feed.poll()
                for change in diff.changes:
                    delivered.append(change.seq)
                    ref, version = change.incident.reference, change.incident.version
                    versions[(ref, version)] += 1
                    in_order &= version > last_version.get(ref, 0)
                    last_version[ref] = version
                if finished and diff.empty:
                    return
                await asyncio.sleep(0.002)

        async def writer(n: int) -> None:
            own = Database(db_url)  # a separate engine: a separate connection pool
            rng = random.Random(n)
            commands = commands_for(own, f"writer-{n}")
            try:
                for i in range(per_writer):
                    made = await commands.report_incident(_new(f"w{n} #{i}"))
                    if rng.random() < 0.5:
                        await commands.update_incident(made.reference, status="acknowledged")
            finally:
                await own.dispose()

        reader = asyncio.ensure_future(console())
        await asyncio.gather(*(writer(n) for n in range(writers)))
        done.set()
        await reader
        async with db.read() as conn:
            committed = list(
                (await conn.execute(select(ChangeLogEntry.seq).order_by(ChangeLogEntry.seq))).scalars()
            )
        return delivered, committed, versions, in_order

    delivered, committed, versions, in_order = run_with_db(db_url, scenario)
    assert delivered == committed  # nothing missed, nothing twice, commit order
    assert len(committed) >= writers * per_writer
    assert set(versions.values()) == {1}
    assert in_order


def test_follow_is_woken_by_notify_on_postgresql_and_polls_on_sqlite(db_url: str) -> None:
    """A fallback poll of 30 s: on PostgreSQL only NOTIFY can deliver within a second."""

    async def scenario(db: Database) -> tuple[float, list[tuple[str, int]], list[str]]:
        commands = commands_for(db)
        feed = ChangeFeed(db, poll_interval=0.2, fallback_interval=30.0)
        await feed.start()
        received: list[tuple[str, int]] = []
        stamps: list[float] = []

        async def console() -> None:
            async for diff in feed.follow():
                stamps.append(time.monotonic())
                received.extend((c.incident.reference, c.incident.version) for c in diff.changes)

        follower = asyncio.ensure_future(console())
        await asyncio.sleep(0.5)  # listening (or polling) by now
        started = time.monotonic()
        first = await commands.report_incident(_new("pushed"))
        while not received:
            await asyncio.sleep(0.01)
        latency = stamps[0] - started
        burst = [(await commands.report_incident(_new(f"burst {n}"))).reference for n in range(10)]
        while len(received) < 11:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)  # room for a duplicate to arrive, if there were one
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
        return latency, received, [first.reference, *burst]

    latency, received, references = run_with_db(db_url, scenario)
    assert latency < 1.5
    assert received == [(reference, 1) for reference in references]


def test_a_lost_listener_raises_and_the_next_follow_catches_up(pg_cluster: PostgresCluster) -> None:
    url = pg_cluster.create_database()
    run_isolated(_migrate(url))

    async def scenario(db: Database) -> tuple[BaseException | None, float, list[str], list[str]]:
        commands = commands_for(db)
        feed = ChangeFeed(db, fallback_interval=30.0)
        await feed.start()
        failure: BaseException | None = None

        async def follow_once() -> None:
            nonlocal failure
            try:
                async for _diff in feed.follow():
                    pass
            except DatabaseUnavailableError as exc:
                failure = exc

        follower = asyncio.ensure_future(follow_once())
        await asyncio.sleep(0.5)
        cut_at = time.monotonic()
        async with db.read() as conn:  # what a network blip or a DBA would do to it
            await conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": APPLICATION_NAME},
            )
        await asyncio.wait_for(follower, 5)
        noticed = time.monotonic() - cut_at
        missed = [(await commands.report_incident(_new(f"while away {n}"))).reference for n in range(3)]
        caught_up: list[str] = []
        async for diff in feed.follow():  # a new listener reads from the cursor first
            caught_up += [c.incident.reference for c in diff.changes]
            if len(caught_up) >= 3:
                break
        return failure, noticed, missed, caught_up

    failure, noticed, missed, caught_up = run_with_db(url, scenario)
    assert isinstance(failure, DatabaseUnavailableError)
    assert str(failure).startswith("lost the database at postgresql+asyncpg://postgres@127.0.0.1:")
    assert noticed < 2
    assert caught_up == missed


def test_resume_keeps_a_valid_cursor_and_reloads_when_the_log_is_behind_it(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, object, int | None]:
        commands = commands_for(db)
        await commands.report_incident(_new("one"))
        feed = ChangeFeed(db)
        snapshot = await feed.start()
        kept = await feed.resume()
        feed.cursor = snapshot.cursor + 1000  # the database was swapped for an older copy
        reloaded = await feed.resume()
        return kept, reloaded, feed.cursor

    kept, reloaded, cursor = run_with_db(db_url, scenario)
    assert kept is None
    assert isinstance(reloaded, Snapshot) and len(reloaded.incidents) == 1
    assert cursor == reloaded.cursor


def test_a_listener_that_cannot_connect_names_the_server_without_its_password() -> None:
    async def scenario() -> str:
        db = Database("postgresql://watcher:s3cret-pw@127.0.0.1:1/controlroom")
        try:
            await ChangeListener(db, connect_timeout=2).connect()
        except DatabaseUnavailableError as exc:
            return str(exc)
        finally:
            await db.dispose()
        return "connected?"

    message = asyncio.run(scenario())
    assert "s3cret-pw" not in message
    assert "watcher:***@127.0.0.1:1/controlroom" in message
