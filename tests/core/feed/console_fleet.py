"""Many light consoles, writers that retry through an outage, and the server's own count.

A console here is what ``controlroom watch`` runs, minus the process: its own
``Database`` (so its own pool and its own LISTEN connection, exactly as a separate
console would hold), a ``ChangeFeed`` that loads the board and follows it, and
``watch``'s own printing loop with its disconnect/reconnect handling. Several run in
one host process (``python -m tests.core.feed.console_fleet URL COUNT FIRST``) so a
hundred of them fit on two cores; each prints ``<console number> <watch's JSON line>``.

The writers report through ``Commands`` with an idempotency key and retry a write whose
outcome an outage left unknown, so every report is committed exactly once however the
crash falls, and the time each write returned (just after its commit) is kept.

Used by ``test_consoles_at_scale.py`` and ``benchmarks/bench_consoles.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[3]
# A write that meets the outage is retried this long before the writer gives up.
RETRY_FOR_S = 90.0
RETRY_GAP_S = 0.2


def _outage_errors() -> tuple[type[BaseException], ...]:
    from controlroom.cli.watch import outage_errors

    return outage_errors()


# -- the host process ------------------------------------------------------------------


class _Tagged:
    """``watch``'s output stream for console ``n``: its lines, prefixed with its number."""

    def __init__(self, n: int) -> None:
        self.n = n

    def write(self, text: str) -> int:
        sys.stdout.write(f"{self.n} {text}")
        return len(text)

    def flush(self) -> None:
        sys.stdout.flush()


async def _console(url: str, n: int, listen_url: str | None) -> None:
    from controlroom.cli.watch import _emit, _print_changes
    from controlroom.feed.change_feed import ChangeFeed
    from controlroom.storage.database import Database

    db = Database(url)
    try:
        feed = ChangeFeed(db, listen_url=listen_url)
        snapshot = await feed.start()
        out: Any = _Tagged(n)
        _emit(out, {"event": "ready", "cursor": snapshot.cursor, "incidents": len(snapshot.incidents)})
        await _print_changes(feed, out)
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(db.dispose(), 5)


async def _host(url: str, count: int, first: int, listen_url: str | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    consoles = [asyncio.ensure_future(_console(url, first + i, listen_url)) for i in range(count)]
    await stop.wait()
    for task in consoles:
        task.cancel()
    await asyncio.gather(*consoles, return_exceptions=True)


class ConsoleHost:
    """``count`` consoles in one subprocess; a thread keeps every line each prints."""

    def __init__(self, url: str, count: int, first: int, log: Path, listen_url: str | None = None) -> None:
        command = [sys.executable, "-m", "tests.core.feed.console_fleet", url, str(count), str(first)]
        if listen_url:
            command.append(listen_url)
        self._stderr = log.open("w")
        self.log = log
        self._asked = False
        self.numbers = range(first, first + count)
        self.lines: dict[int, list[dict[str, Any]]] = {n: [] for n in self.numbers}
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=self._stderr, text=True, cwd=ROOT, env={**os.environ}
        )
        assert self.proc.stdout is not None
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for raw in stream:
            number, _, text = raw.partition(" ")
            self.lines[int(number)].append(json.loads(text))

    def events(self, n: int, kind: str) -> list[dict[str, Any]]:
        return [line for line in list(self.lines[n]) if line["event"] == kind]

    def seen(self, n: int) -> Counter[tuple[str, int]]:
        return Counter((line["reference"], line["version"]) for line in self.events(n, "incident"))

    def received(self, n: int) -> dict[tuple[str, int], float]:
        """When console ``n`` received each incident change (epoch seconds, first time)."""
        when: dict[tuple[str, int], float] = {}
        for line in self.events(n, "incident"):
            stamp = datetime.fromisoformat(line["received_at"]).timestamp()
            when.setdefault((line["reference"], line["version"]), stamp)
        return when

    def all_ready(self) -> bool:
        return all(self.events(n, "ready") for n in self.numbers)

    def cpu_seconds(self) -> float:
        try:
            stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def terminate(self) -> None:
        """Ask once: a second SIGTERM after asyncio has put the default handler back
        would kill the host mid-shutdown."""
        if self.proc.poll() is None and not self._asked:
            self._asked = True
            self.proc.terminate()

    def stop(self) -> int:
        self.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._stderr.close()
        return self.proc.returncode


def start_hosts(
    url: str, consoles: int, per_host: int, folder: Path, listen_url: str | None = None
) -> list[ConsoleHost]:
    """Enough hosts for ``consoles`` consoles, ``per_host`` in each."""
    hosts = []
    for first in range(0, consoles, per_host):
        count = min(per_host, consoles - first)
        hosts.append(ConsoleHost(url, count, first, folder / f"host{first}.log", listen_url))
    return hosts


# -- writers ---------------------------------------------------------------------------


@dataclass
class Written:
    """What the writers saw committed: each (reference, version) and when its call returned."""

    returned_at: dict[tuple[str, int], float] = field(default_factory=dict)
    # Changes whose first attempt met the outage: their return time is not their commit time.
    retried: set[tuple[str, int]] = field(default_factory=set)


async def _retrying(call: Any, retried: list[bool]) -> Any:
    deadline = time.monotonic() + RETRY_FOR_S
    while True:
        try:
            return await call()
        except _outage_errors():
            if time.monotonic() > deadline:
                raise
            retried.append(True)
            await asyncio.sleep(RETRY_GAP_S)


async def _writer(url: str, n: int, reports: int, gap_s: float, tag: str, written: Written) -> None:
    import random

    from controlroom.commands import Commands
    from controlroom.core.roles import Actor
    from controlroom.incidents.reporting import NewIncident
    from controlroom.storage.database import Database

    rng = random.Random(f"{tag}-{n}")
    db = Database(url)
    commands = Commands(db, Actor(f"writer-{n}"))
    try:
        for i in range(reports):
            key = f"{tag}-{n}-{i}"
            new = NewIncident(
                category="harassment",
                source="cctv",
                summary=f"writer {n} report {i}",
                lat=50.905,
                lon=-1.404,
                place="Above Bar Street",
                idempotency_key=key,
            )
            retried: list[bool] = []
            made = await _retrying(lambda new=new: commands.report_incident(new), retried)
            _note(written, (made.reference, made.version), retried)
            if i % 2 == 0:  # every other report is acknowledged too: a second version
                retried = []
                ack = await _retrying(
                    lambda ref=made.reference, key=key: commands.update_incident(
                        ref, status="acknowledged", idempotency_key=f"{key}-ack"
                    ),
                    retried,
                )
                _note(written, (ack.reference, ack.version), retried)
            if gap_s > 0:
                await asyncio.sleep(rng.expovariate(1 / gap_s))
    finally:
        await db.dispose()


def _note(written: Written, change: tuple[str, int], retried: list[bool]) -> None:
    written.returned_at[change] = time.time()
    if retried:
        written.retried.add(change)


async def write_all(url: str, writers: int, reports: int, gap_s: float, tag: str) -> Written:
    """``writers`` concurrent writers, each its own connection pool, ``reports`` reports each."""
    written = Written()
    await asyncio.gather(*(_writer(url, n, reports, gap_s, tag, written) for n in range(writers)))
    return written


# -- the server's view -----------------------------------------------------------------


async def committed_changes(url: str) -> list[tuple[str, int]]:
    """Every incident change in the change log, in order, as (reference, version)."""
    from sqlalchemy import select

    from controlroom.storage.database import Database
    from controlroom.storage.models import ChangeLogEntry

    db = Database(url)
    try:
        async with db.read() as conn:
            rows = await conn.execute(
                select(ChangeLogEntry.payload)
                .where(ChangeLogEntry.entity == "incident")
                .order_by(ChangeLogEntry.seq)
            )
            return [(p["reference"], p["version"]) for (p,) in rows]
    finally:
        await db.dispose()


async def client_connections(port: int, database: str) -> int:
    """Client connections the server holds to ``database`` (pg_stat_activity), this one not counted."""
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(host="127.0.0.1", port=port, user="postgres", database="postgres")
    try:
        count = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
            "AND datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
    finally:
        await conn.close()
    return int(count)


if __name__ == "__main__":
    asyncio.run(
        _host(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    )
