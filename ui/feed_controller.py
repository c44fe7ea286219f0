"""``FeedController``: runs the core ``ChangeFeed`` on the Qt event loop (qasync).

It turns snapshots and diffs into Qt signals for the models and the map bridge,
and reports the connection state. A failed poll never loses the cursor: when the
database answers again the feed takes a fresh snapshot (a full resynchronisation).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import SQLAlchemyError

from controlroom.errors import ControlroomError
from controlroom.feed import ChangeFeed
from controlroom.snapshots import Snapshot

RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0)


class FeedController(QObject):
    """Owns the polling task; emits ``sig_snapshot_loaded`` then ``sig_diff_received``."""

    sig_snapshot_loaded = Signal(object)  # Snapshot
    sig_diff_received = Signal(object)  # Diff
    sig_connection_changed = Signal(bool, str)  # ok, message

    def __init__(self, feed: ChangeFeed, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.feed = feed
        self._task: asyncio.Task[None] | None = None
        self._ok = False

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
        failures = 0
        while True:
            try:
                snapshot: Snapshot = await self.feed.start()
                self._mark_good()
                self.sig_snapshot_loaded.emit(snapshot)
                failures = 0
                async for diff in self.feed.follow():
                    self._mark_good()
                    self.sig_diff_received.emit(diff)
            except (ControlroomError, OSError, SQLAlchemyError) as exc:
                self._ok = False
                self.sig_connection_changed.emit(False, str(exc).splitlines()[0])
                await asyncio.sleep(RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)])
                failures += 1

    @property
    def last_good(self) -> datetime | None:
        """When the database last answered a snapshot or poll."""
        return self.feed.last_answered_at

    def _mark_good(self) -> None:
        if not self._ok:
            self._ok = True
            self.sig_connection_changed.emit(True, "connected")
