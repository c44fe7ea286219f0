"""Proof on a real PostgreSQL server: 20 consoles, 8 writers, a hard crash mid-run.

Twenty ``controlroom watch`` processes follow one database while a separate writer
process runs eight concurrent writers (each its own connection pool) through the core
``Commands``. Part-way through, the server is stopped with ``pg_ctl -m immediate``
(clients cut off mid-transaction, no checkpoint) and started again on the same data
directory and port. A write that meets the outage goes to its writer's durable local
outbox under its idempotency key (as the window's do) and is replayed when the
server answers; afterwards every outbox is empty. Afterwards every console must have printed every committed
incident change exactly once: per console, the set of (reference, version) printed
equals the set in the change log, with no line twice.

The writer half of this file runs as ``python -m tests.core.feed.test_many_consoles URL``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import IO, Any

import pytest

from tests.conftest import ROOT, controlroom_cmd, run_isolated
from tests.pg_cluster import PostgresCluster, find_pg_bin

CONSOLES = 20
WRITERS = 8
REPORTS_PER_WRITER = 20  # and an update of every other one: 240 writes in all
CRASH_AFTER_INCIDENTS = 50
DOWN_FOR_S = 2.0


class Console:
    """One ``controlroom watch`` subprocess; a thread keeps every line it prints."""

    def __init__(self, url: str, home: Path, log: Path) -> None:
        env = {**os.environ, "CONTROLROOM_HOME": str(home), "CONTROLROOM_USER": "console"}
        env.pop("CONTROLROOM_DB_URL", None)
        self._stderr = log.open("w")
        self.proc = subprocess.Popen(
            controlroom_cmd("--db", url, "watch"),
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            text=True,
            cwd=ROOT,
        )
        self.log = log
        self._asked = False
        self.lines: list[dict[str, Any]] = []
        assert self.proc.stdout is not None
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.append(json.loads(line))

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [line for line in list(self.lines) if line["event"] == kind]

    def seen(self) -> Counter[tuple[str, int]]:
        return Counter((line["reference"], line["version"]) for line in self.events("incident"))

    def terminate(self) -> None:
        """Ask once: a second SIGTERM would kill it mid-shutdown, after asyncio has
        put the default handler back."""
        if self.proc.poll() is None and not self._asked:
            self._asked = True
            self.proc.terminate()

    def stop(self) -> int:
        self.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._stderr.close()
        return self.proc.returncode


def _wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


async def _committed_changes(url: str) -> list[tuple[str, int]]:
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


@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_twenty_consoles_see_every_change_once_through_a_server_crash(tmp_path: Path) -> None:
    if find_pg_bin() is None:
        pytest.fail("PostgreSQL is not installed; run `make setup` (installs the postgresql package)")
    # A cluster of its own: crashing the session's shared one would hurt other tests.
    cluster = PostgresCluster()
    cluster.start()
    consoles: list[Console] = []
    try:
        url = cluster.create_database()
        from tests.conftest import _migrate

        run_isolated(_migrate(url))
        for n in range(CONSOLES):
            consoles.append(Console(url, tmp_path / f"home{n}", tmp_path / f"console{n}.log"))
        _wait_until(lambda: all(c.events("ready") for c in consoles), 90, "every console's ready line")

        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.core.feed.test_many_consoles", url, str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        _wait_until(
            lambda: len(consoles[0].events("incident")) >= CRASH_AFTER_INCIDENTS or writer.poll() is not None,
            60,
            "the writers to get going",
        )
        assert writer.poll() is None, "writers finished before the crash; raise REPORTS_PER_WRITER"
        cluster.crash()
        time.sleep(DOWN_FOR_S)
        cluster.restart()
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        written = json.loads(out.splitlines()[-1])
        confirmed = {(r, v) for r, v in written["confirmed"]}
        # The crash sent writes to the outboxes; all were replayed and every outbox is empty.
        assert written["queued"] > 0, "the crash missed every writer"
        assert written["replayed"] >= written["queued"] and written["left"] == [[0, 0]] * WRITERS

        committed_list = run_isolated(_committed_changes(url))
        committed = set(committed_list)
        assert len(committed) == len(committed_list)  # one change-log row per version
        # Every write a writer saw succeed is in the log; replays added nothing.
        assert confirmed <= committed
        assert len({r for r, _ in committed}) == WRITERS * REPORTS_PER_WRITER
        assert len(committed) == WRITERS * REPORTS_PER_WRITER * 3 // 2

        _wait_until(
            lambda: all(set(c.seen()) >= committed for c in consoles), 60, "every console to catch up"
        )
        time.sleep(1.0)  # room for a duplicate to show up, if there were one
    finally:
        for console in consoles:
            console.terminate()  # all at once: each takes a moment to close its connections
        codes = [c.stop() for c in consoles]
        cluster.destroy()

    for n, console in enumerate(consoles):
        seen = console.seen()
        twice = [key for key, count in seen.items() if count > 1]
        assert not twice, f"console {n} printed {len(twice)} changes twice, e.g. {twice[:3]}"
        assert set(seen) == committed, f"console {n}: {len(committed - set(seen))} missing"
        # The outage was noticed and recovered from, not slept through.
        assert console.events("disconnected") and console.events("reconnected"), console.log.read_text()
        assert not any(line["reloaded"] for line in console.events("reconnected"))
    assert codes == [0] * len(consoles)


# -- the writer process ---------------------------------------------------------------


def _outage_errors() -> tuple[type[BaseException], ...]:
    """What a write meets while the server is down or restarting."""
    from sqlalchemy.exc import DBAPIError

    from controlroom.core.errors import DatabaseUnavailableError

    return (DatabaseUnavailableError, OSError, TimeoutError, DBAPIError)


class _Writer:
    """One operator's console writing through the core, with its own durable outbox.

    A write that fails for an outage (its outcome unknown: it may have committed) goes
    to the outbox under its idempotency key, as the window does; while anything is
    queued, later writes queue behind it so order holds; the outbox is replayed as
    soon as the database answers, and any replayed report gets its acknowledgement.
    """

    def __init__(self, url: str, n: int, folder: Path, tally: dict[str, Any]) -> None:
        from controlroom.commands import Commands
        from controlroom.core.roles import Actor
        from controlroom.offline.outbox import Outbox
        from controlroom.storage.database import Database

        self.n = n
        self.actor = f"writer-{n}"
        self.db = Database(url)  # its own pool: eight writers, eight sets of connections
        self.commands = Commands(self.db, Actor(self.actor))
        self.outbox = Outbox(folder / f"outbox-{n}.sqlite3", url)
        self.tally = tally
        self.ack_after_replay: set[str] = set()  # idempotency keys of reports to acknowledge

    async def report(self, i: int) -> None:
        from controlroom.incidents.reporting import NewIncident

        key = f"many-{self.n}-{i}"
        new = NewIncident(
            category="harassment",
            source="cctv",
            summary=f"writer {self.n} report {i}",
            lat=50.905,
            lon=-1.404,
            place="Above Bar Street",
            idempotency_key=key,
        )
        if i % 2 == 0:
            self.ack_after_replay.add(key)
        if not await self.drain():
            self.queue_report(new)
            return
        try:
            made = await self.commands.report_incident(new)
        except _outage_errors():
            self.queue_report(new)
            return
        self.tally["confirmed"].append((made.reference, made.version))
        if key in self.ack_after_replay:
            self.ack_after_replay.discard(key)
            await self.acknowledge(made.reference, key)

    def queue_report(self, new: Any) -> None:
        self.outbox.enqueue_report(new, self.actor)
        self.tally["queued"] += 1

    async def acknowledge(self, reference: str, key: str) -> None:
        try:
            updated = await self.commands.update_incident(
                reference, status="acknowledged", idempotency_key=f"{key}-ack"
            )
        except _outage_errors():
            self.outbox.enqueue_status(reference, "acknowledged", None, self.actor, key=f"{key}-ack")
            self.tally["queued"] += 1
            return
        self.tally["confirmed"].append((updated.reference, updated.version))

    async def drain(self) -> bool:
        """Replay what is queued; True when the outbox is empty."""
        while self.outbox.counts() != (0, 0):
            result = await self.outbox.replay(self.commands)
            assert not result.conflicts, [entry.problem for entry in result.conflicts]
            for entry, snapshot in result.applied:
                self.tally["confirmed"].append((snapshot.reference, snapshot.version))
                self.tally["replayed"] += 1
                if entry.kind == "report" and entry.key in self.ack_after_replay:
                    self.ack_after_replay.discard(entry.key)
                    await self.acknowledge(snapshot.reference, entry.key)
            if result.interrupted:
                return False
        return True

    async def run(self) -> None:
        rng = random.Random(self.n)
        try:
            for i in range(REPORTS_PER_WRITER):
                await self.report(i)
                await asyncio.sleep(rng.uniform(0.02, 0.08))
            deadline = time.monotonic() + 60
            while not await self.drain():
                assert time.monotonic() < deadline, "the outbox did not empty within 60 s"
                await asyncio.sleep(0.2)
            self.tally["left"].append(self.outbox.counts())
        finally:
            self.outbox.close()
            await self.db.dispose()


async def _write_all(url: str, folder: Path) -> dict[str, Any]:
    tally: dict[str, Any] = {"confirmed": [], "queued": 0, "replayed": 0, "left": []}
    await asyncio.gather(*(_Writer(url, n, folder, tally).run() for n in range(WRITERS)))
    return tally


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_write_all(sys.argv[1], Path(sys.argv[2])))))
