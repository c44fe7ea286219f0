"""``FeedController``: runs the core ``ChangeFeed`` on the Qt event loop (qasync).

It turns snapshots and diffs into Qt signals for the models and the map bridge,
and reports the connection state. A failed poll never loses the cursor: when the
database answers again the feed takes a fresh snapshot (a full resynchronisation).

A dead server does not always make a poll fail: a hung connection (a server
frozen, a cable pulled, a firewall dropping packets) can leave a query waiting for
minutes. So a watchdog runs beside the feed: when nothing has been heard from the
database for ``STALE_AFTER`` seconds it sends a ``SELECT 1`` with a short timeout,
and if that fails or does not answer the feed is declared lost — within
``STALE_AFTER + PROBE_TIMEOUT + WATCH_INTERVAL`` (3.75 s) of the database going away.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import QObject, Signal

from controlroom.core.errors import ControlroomError, DatabaseUnavailableError
from controlroom.core.snapshots import Snapshot
from controlroom.feed.change_feed import ChangeFeed

# Backoff between reconnection attempts (seconds), with ±20 % jitter so many
# consoles do not hammer a server that has just come back all at the same instant.
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
START_TIMEOUT = 20.0  # a full snapshot of a busy night can take a few seconds
STALE_AFTER = 1.0
PROBE_TIMEOUT = 2.5
WATCH_INTERVAL = 0.25
# A lost server reaches us typed: the storage layer turns a dropped connection into
# DatabaseUnavailableError (a ControlroomError); sockets and timeouts come as they are.
FEED_ERRORS = (ControlroomError, OSError, TimeoutError)


class FeedController(QObject):
    """Owns the polling task; emits ``sig_snapshot_loaded`` then ``sig_diff_received``."""

    sig_snapshot_loaded = Signal(object)  # Snapshot
    sig_diff_received = Signal(object)  # Diff
    sig_connection_changed = Signal(bool, str)  # ok, message
    # While disconnected: attempt number and seconds until the next one.
    sig_retry_scheduled = Signal(int, float)

    def __init__(self, feed: ChangeFeed, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.feed = feed
        self._task: asyncio.Task[None] | None = None
        self._ok = False
        self._heard_at = time.monotonic()
        self.lost_at: datetime | None = None
        # Tasks cancelled on an outage finish cancelling in the background: a query stuck
        # on a dead socket may take its time, and nobody should wait for it.
        self._stragglers: set[asyncio.Future[None]] = set()

    @property
    def connected(self) -> bool:
        return self._ok

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        try:
            await self._run_until_failed()
        except RuntimeError:
            # A window deleted without stopping its feed (its signals are gone with it):
            # there is no one left to tell, so the task ends quietly instead of
            # surfacing as a never-retrieved task exception.
            if shiboken6.isValid(self):
                raise

    async def _run_until_failed(self) -> None:
        failures = 0
        while True:
            try:
                snapshot: Snapshot = await asyncio.wait_for(self.feed.start(), START_TIMEOUT)
                self._heard_at = time.monotonic()
                # The snapshot first: whoever reacts to "connected" sees the fresh board.
                self.sig_snapshot_loaded.emit(snapshot)
                self._mark_good()
                failures = 0
                await self._follow_watched()
            except FEED_ERRORS as exc:
                self._mark_lost(_reason(exc))
                delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)] * random.uniform(0.8, 1.2)  # noqa: S311
                failures += 1
                self.sig_retry_scheduled.emit(failures, delay)
                await asyncio.sleep(delay)

    async def _follow_watched(self) -> None:
        """Follow the feed until it fails, or until the watchdog finds the database gone."""
        follower = asyncio.ensure_future(self._follow())
        watchdog = asyncio.ensure_future(self._watch())
        try:
            done, _pending = await asyncio.wait({follower, watchdog}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # raises the reason the feed stopped
        finally:
            for task in (follower, watchdog):
                self._abandon(task)

    async def _follow(self) -> None:
        async for diff in self.feed.follow():
            self._heard_at = time.monotonic()
            self.sig_diff_received.emit(diff)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            if time.monotonic() - self._last_heard() < STALE_AFTER:
                continue
            # Not wait_for: it waits for the cancelled probe to finish cancelling.
            probe = asyncio.ensure_future(self.feed.db.check_reachable())
            done, _pending = await asyncio.wait({probe}, timeout=PROBE_TIMEOUT)
            if not done:
                self._abandon(probe)
                raise DatabaseUnavailableError(
                    f"the database at {self.feed.db.display_url} did not answer within {PROBE_TIMEOUT:.1f} s"
                )
            probe.result()
            self._heard_at = time.monotonic()

    def _abandon(self, task: asyncio.Future[None]) -> None:
        task.cancel()
        self._stragglers.add(task)
        task.add_done_callback(self._on_straggler_done)

    def _on_straggler_done(self, task: asyncio.Future[None]) -> None:
        self._stragglers.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: the outage was already reported

    def _last_heard(self) -> float:
        answered = self.feed.last_answered_at
        if answered is None:
            return self._heard_at
        age = (datetime.now(UTC) - answered).total_seconds()
        return max(self._heard_at, time.monotonic() - age)

    @property
    def last_good(self) -> datetime | None:
        """When the database last answered a snapshot or poll."""
        return self.feed.last_answered_at

    def _mark_good(self) -> None:
        if not self._ok:
            self._ok = True
            self.lost_at = None
            self.sig_connection_changed.emit(True, "connected")

    def _mark_lost(self, message: str) -> None:
        if self._ok or self.lost_at is None:
            self.lost_at = datetime.now(UTC)
        self._ok = False
        self.sig_connection_changed.emit(False, message)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "the database did not answer in time"
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__
