"""Cost per commit of SQLite ``synchronous=FULL`` (the default) beside ``NORMAL``.

One migrated SQLite file in a folder on the disk under test (``--dir``; the default is
the system's temporary folder — check it is not a tmpfs, where an fsync costs nothing).
Each round records ``--reports`` incidents one after another through
``Commands.report_incident`` with FULL, then as many with NORMAL (the BASELINE: an
extra connect hook, registered after the program's own, sets the pragma), on the same
file; rounds alternate so machine drift hits both alike. Each sample is one whole
``report_incident``: validation, the write transaction, audit and change-log rows, and
the commit (in WAL mode FULL adds an fsync of the WAL at every commit).
Target: FULL's median at most ``--budget-ms`` (10 ms) above NORMAL's — a delay no
operator notices between Enter and the reference — and its p99 under 100 ms.

Run: ``.venv/bin/python benchmarks/bench_durability.py [--reports 50] [--rounds 4] [--dir PATH]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchlib import percentile, print_table, verdict
from sqlalchemy import event, text

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import SQLITE_SYNCHRONOUS, Database
from controlroom.storage.migrate import upgrade

P99_TARGET_MS = 100.0
HEADER = ["synchronous", "n", "median ms", "p95 ms", "p99 ms", "max ms", "target ms", "verdict"]


def _use_normal(db: Database) -> None:
    """Turn the program's pragma down to NORMAL on every new connection of ``db``."""

    @event.listens_for(db.engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


async def _round(url: str, mode: str, reports: int, first: int) -> list[float]:
    db = Database(url)
    if mode == "NORMAL":
        _use_normal(db)
    commands = Commands(db, Actor("bench"))
    samples = []
    try:
        async with db.read() as conn:
            found = (await conn.execute(text("PRAGMA synchronous"))).scalar_one()
        expected = {"NORMAL": 1, "FULL": 2}[mode]
        if found != expected:
            raise SystemExit(f"the {mode} run's connection has synchronous={found}, not {expected}")
        for n in range(first, first + reports):
            started = time.perf_counter()
            await commands.report_incident(
                NewIncident(
                    category="harassment",
                    source="cctv",
                    summary=f"durability bench {n}",
                    lat=50.905,
                    lon=-1.404,
                    place="East Street",
                )
            )
            samples.append(time.perf_counter() - started)
    finally:
        await db.dispose()
    return samples


async def _measure(folder: Path, reports: int, rounds: int) -> dict[str, list[float]]:
    url = f"sqlite+aiosqlite:///{folder / 'durability.sqlite3'}"
    db = Database(url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()
    samples: dict[str, list[float]] = {"FULL": [], "NORMAL": []}
    written = 0
    await _round(url, "FULL", 5, written)  # warm-up: caches, first pages, the venue cache
    written += 5
    for _ in range(rounds):
        for mode in samples:
            samples[mode] += await _round(url, mode, reports, written)
            written += reports
    return samples


def _row(label: str, samples: list[float], target_ms: float | None, judged: float) -> list[object]:
    figures = [percentile(samples, q) * 1000 for q in (0.95, 0.99, 1.0)]
    return [
        label,
        len(samples),
        statistics.median(samples) * 1000,
        *figures,
        target_ms or "-",
        verdict(judged, target_ms),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=50, help="reports per mode per round (default 50)")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds (default 4)")
    parser.add_argument("--dir", type=Path, default=None, help="folder on the disk to measure")
    parser.add_argument("--budget-ms", type=float, default=10.0, help="allowed median cost of FULL (10)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="controlroom-durability-", dir=args.dir) as tmp:
        samples = asyncio.run(_measure(Path(tmp), args.reports, args.rounds))
    full, normal = samples["FULL"], samples["NORMAL"]
    extra_ms = (statistics.median(full) - statistics.median(normal)) * 1000
    rows = [
        _row(
            f"FULL{' (default)' if SQLITE_SYNCHRONOUS == 'FULL' else ''}",
            full,
            P99_TARGET_MS,
            percentile(full, 0.99) * 1000,
        ),
        _row(f"BASELINE NORMAL{' (default)' if SQLITE_SYNCHRONOUS == 'NORMAL' else ''}", normal, None, 0.0),
        [
            "FULL - NORMAL (median)",
            len(full),
            extra_ms,
            "",
            "",
            "",
            args.budget_ms,
            verdict(extra_ms, args.budget_ms),
        ],
    ]
    print_table("One `report_incident` commit on SQLite (WAL), by synchronous setting", HEADER, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
