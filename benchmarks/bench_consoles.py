"""100 consoles and 8 writers on PostgreSQL through a hard restart: connections, idle CPU, latency.

A throwaway PostgreSQL cluster (``tests/pg_cluster.py``: initdb + pg_ctl, fsync off,
``max_connections`` 400 so a start-up peak is measured rather than refused) serves
light consoles (``tests/core/feed/console_fleet.py``): each its own ``Database``, so
its own pool and its own LISTEN connection, as a separate ``controlroom watch`` would
hold, running ``watch``'s own loop; 25 to a host process so a hundred fit on two
cores. The BASELINE is one console, measured in the same run on a fresh database.

For each console count:
1. idle connections: client connections on the server (``pg_stat_activity``) per
   console once the consoles' pools have closed (``LingeringPool``: 10 s after their
   last use), before and after the restart (the larger is shown); and the most client
   connections (consoles and writers together) seen at any half-second sample;
2. idle server CPU per console: the CPU time of the postmaster and its children over
   ``--idle-seconds`` (``/proc/<pid>/stat``, as ``bench_push_latency.py``), minus the
   same window on the same database just before the consoles started, divided by the
   consoles; the consoles' own CPU beside (the baseline's figure is mostly noise: one
   clock tick over the default 30 s is 0.33 ms/s);
3. commit → console: 8 writers (each its own pool) report and acknowledge every
   other report at random gaps; latency is each console's ``received_at`` for a
   change minus the time the writer's call returned (just after its commit), pooled
   over every console;
4. hard restart: the writers write again, the server is stopped with ``pg_ctl -m
   immediate`` part-way and started again; writes that met the outage are retried
   under their idempotency keys. Every console must have printed every committed
   incident change of the whole run exactly once (reference/version sets against the
   change log); the time from restart until the last console reconnected is shown.

Targets: ≤ 1.5 connections per idle console; idle server CPU ≤ 0.1 ms/s per console;
commit → console p99 ≤ 50 ms (a goal: the writers, the server and all the consoles
share this machine's cores); exactly once through the restart.
Run: ``.venv/bin/python benchmarks/bench_consoles.py [--consoles 100] [--idle-seconds 30]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from bench_push_latency import server_cpu_over
from benchlib import percentile, print_table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.core.feed.console_fleet import (  # noqa: E402
    ConsoleHost,
    Written,
    client_connections,
    committed_changes,
    start_hosts,
    write_all,
)
from tests.pg_cluster import PostgresCluster, find_pg_bin  # noqa: E402

CONNECTIONS_TARGET = 1.5
IDLE_CPU_TARGET_MS = 0.1
LATENCY_GOAL_MS = 50.0
PER_HOST = 25
WRITERS = 8
MAX_CONNECTIONS = 400
CRASH_DOWN_S = 2.0
SETTLE_WITHIN_S = 60.0
HEADER = [
    "consoles",
    "idle conn/console",
    "peak conn (consoles + writers)",
    "idle db CPU ms/s/console",
    "console CPU ms/s each",
    "changes",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "max ms",
    "restart → all reconnected s",
    "exactly once",
    "verdict",
]


class Sampler:
    """Counts the server's client connections to one database every half second."""

    def __init__(self, port: int, database: str) -> None:
        self.port, self.database = port, database
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            try:
                self.peak = max(self.peak, self.count())
            except Exception:  # noqa: S112  (no sample while the server restarts)
                continue

    def count(self) -> int:
        return asyncio.run(client_connections(self.port, self.database))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def _settled_connections(sampler: Sampler, consoles: int) -> float:
    """Connections per console once the pools have closed (or the last count after a minute)."""
    counts = [sampler.count()]
    deadline = time.monotonic() + SETTLE_WITHIN_S
    while counts[-1] > consoles and time.monotonic() < deadline:
        time.sleep(0.5)
        counts.append(sampler.count())
    return counts[-1] / consoles


def _latencies(hosts: list[ConsoleHost], written: Written) -> list[float]:
    samples = []
    for host in hosts:
        for n in host.numbers:
            received = host.received(n)
            samples += [received[c] - at for c, at in written.returned_at.items() if c not in written.retried]
    return samples


def _caught_up(hosts: list[ConsoleHost], committed: set[tuple[str, int]]) -> bool:
    return all(set(h.seen(n)) >= committed for h in hosts for n in h.numbers)


def _exactly_once(hosts: list[ConsoleHost], committed: set[tuple[str, int]]) -> str:
    wrong = 0
    for host in hosts:
        for n in host.numbers:
            seen = host.seen(n)
            if set(seen) != committed or any(count != 1 for count in seen.values()):
                wrong += 1
    return "yes" if wrong == 0 else f"NO ({wrong} consoles)"


def _crash_during_writes(
    cluster: PostgresCluster, hosts: list[ConsoleHost], url: str, reports: int, gap: float
) -> tuple[Written, float]:
    """Writers write while the server is stopped hard and started again.

    Returns what they wrote and the seconds from the restart until the last console had
    printed its ``reconnected`` line (its cursor checked, its LISTEN open again).
    """
    outcome: dict[str, Any] = {}

    def write() -> None:
        try:
            outcome["written"] = asyncio.run(write_all(url, WRITERS, reports, gap, "restart"))
        except BaseException as exc:  # re-raised below, in the benchmark's thread
            outcome["error"] = exc

    first = hosts[0]
    before = len(first.events(first.numbers[0], "incident"))
    writing = threading.Thread(target=write)
    writing.start()
    _wait_until(
        lambda: (
            len(first.events(first.numbers[0], "incident")) >= before + WRITERS * 2 or not writing.is_alive()
        ),
        60,
        "the writers to get going",
    )
    cluster.crash()
    time.sleep(CRASH_DOWN_S)  # the outage itself
    cluster.restart()
    restarted = time.time()
    writing.join(timeout=180)
    if "error" in outcome:
        raise outcome["error"]
    committed = set(asyncio.run(committed_changes(url)))
    _wait_until(lambda: _caught_up(hosts, committed), 120, "every console to catch up after the restart")
    reconnected = [
        datetime.fromisoformat(h.events(n, "reconnected")[-1]["at"]).timestamp()
        for h in hosts
        for n in h.numbers
    ]
    return outcome["written"], max(reconnected) - restarted


def measure(cluster: PostgresCluster, consoles: int, args: argparse.Namespace, tmp: Path) -> list[object]:
    url = cluster.create_database()
    database = url.rsplit("/", 1)[1]
    asyncio.run(_migrate(url))
    # The server's own idle work (autovacuum visits every database in turn) grows with the
    # databases the run has made, so the no-console window is measured afresh each time.
    none_cpu = server_cpu_over(cluster.postmaster_pid(), args.idle_seconds)
    sampler = Sampler(cluster.port, database)
    folder = tmp / f"consoles-{consoles}"
    folder.mkdir()
    hosts = start_hosts(url, consoles, PER_HOST, folder)
    try:
        _wait_until(lambda: all(h.all_ready() for h in hosts), 180, "every console's ready line")
        idle_connections = _settled_connections(sampler, consoles)
        consoles_cpu = sum(h.cpu_seconds() for h in hosts)
        used = server_cpu_over(cluster.postmaster_pid(), args.idle_seconds)
        consoles_cpu = sum(h.cpu_seconds() for h in hosts) - consoles_cpu
        per_second = 1000 / args.idle_seconds
        idle_cpu = (used - none_cpu) / consoles * per_second
        print(f"... {consoles} console(s): idle measured", file=sys.stderr, flush=True)

        written = asyncio.run(write_all(url, WRITERS, args.reports, args.mean_gap, "latency"))
        _wait_until(
            lambda: _caught_up(hosts, set(written.returned_at)), 120, "every console to see the writes"
        )
        figures = [percentile(_latencies(hosts, written), q) * 1000 for q in (0.50, 0.95, 0.99, 1.0)]
        print(f"... {consoles} console(s): latency measured", file=sys.stderr, flush=True)

        _, recovery = _crash_during_writes(cluster, hosts, url, args.reports, args.mean_gap)
        last = asyncio.run(write_all(url, 1, 1, 0.0, "last"))  # after it, no duplicate is on its way
        committed = set(asyncio.run(committed_changes(url)))
        _wait_until(lambda: _caught_up(hosts, committed), 60, "every console to see the last change")
        assert set(last.returned_at) <= committed
        once = _exactly_once(hosts, committed)
        after_restart = _settled_connections(sampler, consoles)
        print(f"... {consoles} console(s): restart survived", file=sys.stderr, flush=True)
    finally:
        for host in hosts:
            host.terminate()
        for host in hosts:
            host.stop()
        sampler.stop()
    idle = max(idle_connections, after_restart)
    ok = (
        idle <= CONNECTIONS_TARGET
        and idle_cpu <= IDLE_CPU_TARGET_MS
        and figures[2] <= LATENCY_GOAL_MS
        and once == "yes"
    )
    return [
        consoles if consoles > 1 else "1 (BASELINE)",
        idle,
        sampler.peak,
        idle_cpu,
        consoles_cpu / consoles * per_second,
        len(committed),
        *figures,
        recovery,
        once,
        ("ok" if ok else "MISS") if consoles > 1 else "-",
    ]


async def _migrate(url: str) -> None:
    from controlroom.storage.database import Database
    from controlroom.storage.migrate import upgrade

    db = Database(url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consoles", type=int, default=100, help="consoles (default 100)")
    parser.add_argument("--reports", type=int, default=25, help="reports per writer and phase (default 25)")
    parser.add_argument("--mean-gap", type=float, default=0.15, help="mean seconds between a writer's writes")
    parser.add_argument("--idle-seconds", type=float, default=30.0, help="idle CPU window (default 30)")
    args = parser.parse_args(argv)
    if find_pg_bin() is None:
        parser.error("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    if args.consoles < 2:
        parser.error("--consoles must be at least 2 (1 is the baseline)")
    cluster = PostgresCluster(max_connections=MAX_CONNECTIONS)
    cluster.start()
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="controlroom-consoles-bench-") as tmp:
            for consoles in (1, args.consoles):
                rows.append(measure(cluster, consoles, args, Path(tmp)))
    finally:
        cluster.destroy()
    print_table(
        f"{args.consoles} consoles and {WRITERS} writers on PostgreSQL through a hard restart",
        HEADER,
        rows,
    )
    print(
        f"targets: idle conn/console ≤ {CONNECTIONS_TARGET}, idle db CPU ≤ {IDLE_CPU_TARGET_MS} ms/s "
        f"per console, p99 ≤ {LATENCY_GOAL_MS:.0f} ms (goal), exactly once through the restart"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
