"""ChangeFeed.poll() with nothing new, on 10,000 and 1,000,000 incidents, beside a full scan.

Each size gets a freshly migrated database seeded in bulk (incidents plus one matching
``change_log`` row each; almost all closed and older than the board's window, as a
long-running control room accumulates). Then ``start()`` once, and polls that find
nothing. Baseline, through the same ``Database.read()`` path: ``SELECT max(version)
FROM incidents`` (no index on ``version``), the cost of anything O(n) per poll.
Targets: poll ≤ 2 ms (median and p95) at each size, and 1M/10k median ratio ≤ 2.

Run: ``.venv/bin/python benchmarks/bench_poll.py [--postgres URL] [--polls 500]``
With ``--postgres`` the server must let that user create databases: each size runs in
a scratch database ``controlroom_bench_<size>``, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from benchlib import print_table, summary_ms, verdict
from sqlalchemy import column, insert, table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from controlroom.core.snapshots import IncidentSnapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade

SIZES = (10_000, 1_000_000)
TARGET_MS = 2.0
RATIO_TARGET = 2.0
OPEN_TAIL = 50  # the newest incidents are still open, so start() has a board to load
NOW = datetime.now(UTC).replace(microsecond=0)
INCIDENT_COLUMNS = [
    *("id", "reference", "night", "reported_at", "source", "category", "grade", "status", "venue_id"),
    *("place", "lat", "lon", "summary", "idempotency_key", "created_by", "version"),
]
CHANGE_COLUMNS = ["seq", "entity", "entity_id", "op", "payload", "committed_at"]
SEEDED = (("incidents", INCIDENT_COLUMNS), ("change_log", CHANGE_COLUMNS))
POLL, SCAN, START = "poll(), nothing new", "BASELINE full scan max(version)", "start() (for reference)"
ROUNDS = 10
BASELINE_SQL = text("SELECT max(version) FROM incidents")
HEADER = ["backend", "incidents", "case", "n", "median ms", "p95 ms", "max ms", "target", "verdict"]


def seed_rows(size: int) -> Iterator[tuple[tuple[object, ...], tuple[object, ...]]]:
    """(incident row, change-log row) pairs; one a minute going back from now, oldest first."""
    template = IncidentSnapshot(
        id=0, reference="", reported_at=NOW, source="cctv", category="harassment", grade=None, status="new",
        venue_id=None, place="", lat=50.905, lon=-1.404, summary="", version=1,
    ).to_json()  # fmt: skip
    for n in range(1, size + 1):
        reported = NOW - timedelta(minutes=size - n)
        status = "new" if n > size - OPEN_TAIL else "closed"
        reference = f"SOT-{reported:%Y%m%d}-{n:07d}"
        place, summary = f"Place {n % 500}", f"Seeded incident {n}: reported by CCTV, patrol attended."
        incident = (n, reference, reported.date(), reported, "cctv", "harassment", n % 4 + 1, status)
        incident += (None, place, 50.905, -1.404, summary, None, "bench", 1)
        # Copying one to_json() result: dataclasses.asdict per row would triple the seeding time.
        varying = {"id": n, "reference": reference, "reported_at": reported.isoformat(), "grade": n % 4 + 1}
        payload = {**template, **varying, "status": status, "place": place, "summary": summary}
        yield incident, (n, "incident", n, "upsert", json.dumps(payload), reported)


def chunks(size: int, rows: int = 50_000) -> Iterator[list[tuple[tuple[object, ...], tuple[object, ...]]]]:
    pairs = seed_rows(size)
    while chunk := list(itertools.islice(pairs, rows)):
        yield chunk


def qmark_insert(name: str, columns: Sequence[str]) -> str:
    """``INSERT INTO name (columns) VALUES (?, ...)``; later columns keep their server defaults."""
    return str(insert(table(name, *map(column, columns))).compile(dialect=sqlite.dialect()))


def seed_sqlite(path: Path, size: int) -> None:
    """Bulk insert with the standard library, in SQLAlchemy's storage formats, one transaction."""

    def stamp(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    insert_incident, insert_change = (qmark_insert(name, columns) for name, columns in SEEDED)
    conn = sqlite3.connect(path)
    with conn:
        for chunk in chunks(size):
            conn.executemany(
                insert_incident, [(*i[:2], i[2].isoformat(), stamp(i[3]), *i[4:]) for i, _ in chunk]
            )
            conn.executemany(insert_change, [(*c[:5], stamp(c[5])) for _, c in chunk])
    # Fold the bulk load into the main file: a steady-state console has a short WAL.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()


async def seed_postgres(db: Database, size: int) -> None:
    """COPY through asyncpg, then move the id sequences past the copied ids."""
    async with db.engine.begin() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        for chunk in chunks(size):
            await raw.copy_records_to_table(
                "incidents", records=[i for i, _ in chunk], columns=INCIDENT_COLUMNS
            )
            await raw.copy_records_to_table(
                "change_log", records=[c for _, c in chunk], columns=CHANGE_COLUMNS
            )
        for name, key in (("incidents", "id"), ("change_log", "seq")):
            await raw.execute(f"SELECT setval(pg_get_serial_sequence('{name}', '{key}'), {size})")
    # Leave autovacuum nothing to do after the bulk load, so it does not run during the polls.
    async with db.engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM (ANALYZE)"))


async def timed(action: Callable[[], Awaitable[object]], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        await action()
        samples.append(time.perf_counter() - start)
    return samples


async def poll_nothing(feed: ChangeFeed) -> None:
    assert (await feed.poll()).empty, "the benchmark database changed under the poll"


async def full_scan(db: Database) -> None:
    async with db.read() as conn:
        (await conn.execute(BASELINE_SQL)).scalar_one()


async def seeded(backend: str, url: str, size: int) -> tuple[Database, ChangeFeed, list[float]]:
    """A migrated, seeded database and a started feed; also the time each of three start()s took."""
    db = Database(url)
    await upgrade(db)
    started = time.perf_counter()
    if db.is_sqlite:
        seed_sqlite(Path(db.url.database or ""), size)
    else:
        await seed_postgres(db, size)
    print(f"[{backend}] seeded {size:,} incidents in {time.perf_counter() - started:.1f} s", flush=True)
    feed = ChangeFeed(db)
    starts = await timed(feed.start, 3)
    assert feed.cursor == size
    await timed(partial(poll_nothing, feed), 20)  # warm the pool, statement cache and page cache
    return db, feed, starts


async def bench_backend(backend: str, urls: dict[int, str], polls: int) -> list[list[object]]:
    """Sizes measured in interleaved rounds, so drift in the machine hits them alike."""
    boards = {size: await seeded(backend, url, size) for size, url in urls.items()}
    samples: dict[tuple[int, str], list[float]] = {}
    try:
        for _ in range(ROUNDS):
            for size, (db, feed, _) in boards.items():
                polled = await timed(partial(poll_nothing, feed), polls // ROUNDS)
                samples.setdefault((size, POLL), []).extend(polled)
                samples.setdefault((size, SCAN), []).extend(await timed(partial(full_scan, db), 3))
        for size, (_, _, starts) in boards.items():
            samples[(size, START)] = starts
    finally:
        for db, _, _ in boards.values():
            await db.dispose()
    rows: list[list[object]] = []
    for (size, label), values in sorted(samples.items()):
        s = summary_ms(values)
        target = TARGET_MS if label == POLL else None
        figures = [len(values), s["median"], s["p95"], s["max"], target or "-"]
        rows.append([backend, f"{size:,}", label, *figures, verdict(max(s["median"], s["p95"]), target)])
    return rows


async def scratch_database(admin_url: str, name: str, *, drop_only: bool = False) -> str:
    """(Re)create ``name`` on the server behind ``admin_url`` and return its URL."""
    url = make_url(admin_url).set(drivername="postgresql+asyncpg")
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if not drop_only:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


async def run(args: argparse.Namespace) -> list[list[object]]:
    with tempfile.TemporaryDirectory(prefix="controlroom-bench-") as tmp:
        urls = {size: f"sqlite+aiosqlite:///{Path(tmp) / f'poll-{size}.sqlite3'}" for size in args.sizes}
        table = await bench_backend("sqlite", urls, args.polls)
    if args.postgres:
        names = {size: f"controlroom_bench_{size}" for size in args.sizes}
        try:
            urls = {size: await scratch_database(args.postgres, name) for size, name in names.items()}
            table += await bench_backend("postgresql", urls, args.polls)
        finally:
            for name in names.values():
                await scratch_database(args.postgres, name, drop_only=True)
    return table


def ratios(table: Sequence[Sequence[object]], sizes: Sequence[int]) -> list[list[object]]:
    """Median at the largest size over the median at the smallest, per backend and case."""
    medians = {(str(r[0]), str(r[1]), str(r[2])): float(str(r[4])) for r in table}
    small, large = f"{min(sizes):,}", f"{max(sizes):,}"
    out: list[list[object]] = []
    for backend, size, case in medians:
        if size == large:
            ratio = medians[(backend, large, case)] / medians[(backend, small, case)]
            target = RATIO_TARGET if case.startswith("poll") else None
            out.append([backend, case, ratio, target or "-", verdict(ratio, target)])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--polls", type=int, default=500, help="polls per size (default 500)")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="incident counts")
    args = parser.parse_args(argv)
    table = asyncio.run(run(args))
    print_table("ChangeFeed.poll() with nothing new", HEADER, table)
    ratio_header = ["backend", "case", f"{max(args.sizes):,}/{min(args.sizes):,}", "target", "verdict"]
    print_table("Growth of the median with the number of incidents", ratio_header, ratios(table, args.sizes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
