"""``OfflineGateway``: incident writes that survive an outage, and the outbox behind them.

New incidents, status changes and edits (notes included) carry an idempotency key.
While the database is unreachable — the feed says so, or the write itself fails to
reach it or gets no answer in ``WRITE_TIMEOUT`` — they go to the local outbox
instead and are replayed, under the same key, when the database is back: a write
whose outcome was unknown is therefore never applied twice.

"Unreachable" is the core's word, not ours: the storage layer turns a lost
connection into ``DatabaseUnavailableError``; anything else the database says is
an answer and is raised to the caller as it is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypeVar

from controlroom.commands import Commands
from controlroom.config import outbox_path
from controlroom.core.domain import Status
from controlroom.core.errors import ControlroomError, DatabaseUnavailableError
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.editing import IncidentEdit, validated_edit
from controlroom.incidents.reporting import NewIncident, validated_report
from controlroom.offline.outbox import Outbox, OutboxEntry, ReplayResult, new_key

T = TypeVar("T")
WRITE_TIMEOUT = 5.0
# What a write meets when the database is gone: nothing it said, so safe to keep and replay.
UNREACHABLE = (DatabaseUnavailableError, OSError, TimeoutError)


class QueuedOfflineError(ControlroomError):
    """The write was kept in the outbox, not applied: its message says so, for the operator."""


class OfflineGateway:
    """Incident writes and the outbox; ``online`` follows the feed's connection state."""

    def __init__(self, commands: Commands, outbox: Outbox | None = None) -> None:
        self.commands = commands
        self.outbox = outbox or Outbox(outbox_path(), commands.db.display_url)
        self.online = True
        # The incident as this console shows it (for the reply to a write kept offline).
        self._lookup: Callable[[str], IncidentSnapshot | None] = lambda _reference: None
        self._outbox_listeners: list[Callable[[], None]] = []
        self._replaying = False

    @property
    def actor_name(self) -> str:
        return str(self.commands.actor.name)

    def set_connected(self, ok: bool, _message: str = "") -> None:
        """The feed's verdict (connect ``sig_connection_changed`` here, before any panel)."""
        self.online = ok

    def set_incident_lookup(self, lookup: Callable[[str], IncidentSnapshot | None]) -> None:
        """How to find the incident this console shows, by reference."""
        self._lookup = lookup

    # -- writes that survive an outage ---------------------------------------

    async def report(self, new: NewIncident) -> IncidentSnapshot:
        new = replace(new, idempotency_key=new.idempotency_key or new_key())
        if self.online:
            try:
                return await self._attempt(self.commands.report_incident(new))
            except UNREACHABLE:
                pass
        validated_report(new)
        entry = self.outbox.enqueue_report(new, self.actor_name)
        self._notify()
        return _pending_snapshot(new, entry)

    async def edit(self, reference: str, edit: IncidentEdit, expected_version: int) -> IncidentSnapshot:
        key = new_key()
        if self.online:
            try:
                return await self._attempt(
                    self.commands.update_incident(
                        reference, edit, expected_version=expected_version, idempotency_key=key
                    )
                )
            except UNREACHABLE:
                pass
        validated_edit(edit)
        self.outbox.enqueue_edit(reference, edit, expected_version, self.actor_name, key)
        return self._queued(reference)

    async def set_status(self, reference: str, status: str, expected_version: int) -> IncidentSnapshot:
        key = new_key()
        if self.online:
            try:
                return await self._attempt(
                    self.commands.update_incident(
                        reference, status=status, expected_version=expected_version, idempotency_key=key
                    )
                )
            except UNREACHABLE:
                pass
        validated_edit(IncidentEdit(status=status))
        self.outbox.enqueue_status(reference, status, expected_version, self.actor_name, key)
        self._notify()
        # Raised, not returned: the caller's "done" message would claim the move was made.
        raise QueuedOfflineError(
            f"{reference}: {Status.of(status).label} kept on this PC (database unreachable) — "
            "it will be sent when the database is back; see Pending"
        )

    async def _attempt(self, write: Awaitable[T]) -> T:
        # No answer in time is treated as an outage: the key makes a later replay safe
        # even if this write did commit.
        return await asyncio.wait_for(write, WRITE_TIMEOUT)

    def _queued(self, reference: str) -> IncidentSnapshot:
        self._notify()
        current = self._lookup(reference)
        if current is None:
            raise QueuedOfflineError(f"{reference}: kept on this PC, to be sent when the database is back")
        return current

    # -- the outbox ----------------------------------------------------------

    def add_outbox_listener(self, listener: Callable[[], None]) -> None:
        """Called whenever the outbox changes (queued, replayed, retried, discarded)."""
        self._outbox_listeners.append(listener)

    def _notify(self) -> None:
        for listener in self._outbox_listeners:
            listener()

    def outbox_entries(self) -> list[OutboxEntry]:
        return self.outbox.entries()

    async def replay_outbox(self) -> ReplayResult | None:
        """Send the pending writes (``None`` if a replay is already running or nothing waits)."""
        if self._replaying or self.outbox.counts()[0] == 0:
            return None
        self._replaying = True
        try:
            pending = self.outbox.counts()[0]
            return await asyncio.wait_for(self.outbox.replay(self.commands), 10 + 2 * pending)
        except TimeoutError:
            return ReplayResult(interrupted="the database did not answer in time")
        finally:
            self._replaying = False
            self._notify()

    def retry_outbox_entry(self, entry_id: int) -> None:
        """A conflict becomes pending again, to be applied to the incident as it is now."""
        self.outbox.retry_on_current(entry_id)
        self._notify()

    def discard_outbox_entry(self, entry_id: int) -> None:
        self.outbox.discard(entry_id)
        self._notify()


def _pending_snapshot(new: NewIncident, entry: OutboxEntry) -> IncidentSnapshot:
    """A stand-in for a report kept offline: it gets its real reference when sent."""
    return IncidentSnapshot(
        id=-entry.id,
        reference=f"PENDING-{entry.key[-6:].upper()}",
        reported_at=new.reported_at or datetime.now(UTC),
        source=new.source,
        category=new.category,
        grade=new.grade,
        status="new",
        venue_id=None,
        place=new.place or new.venue or "",
        lat=new.lat or 0.0,
        lon=new.lon or 0.0,
        summary=new.summary,
        version=0,
    )
