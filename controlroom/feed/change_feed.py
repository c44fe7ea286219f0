"""The change feed: a console's single source of truth about what changed.

``ChangeFeed.start()`` takes a consistent snapshot and the change-log cursor it
corresponds to; ``poll()`` returns every change committed after the cursor, in
commit order, and moves the cursor past them. A poll with nothing new is one
primary-key range seek on ``change_log`` — its cost does not grow with the number
of incidents or changes. Writers append to the change log under the feed lock
(``Database.take_feed_lock``), so ``seq`` values become visible in order and a
cursor never jumps over a change that commits late: nothing is missed, and since
the cursor only moves past what was handed out, nothing is delivered twice.

``follow()`` on PostgreSQL is pushed: it LISTENs for the writers' notifications and
reads from the cursor whenever one arrives (the same query, on the listening
connection), with a slow fallback poll in case a notification is lost; on SQLite
(one host, no NOTIFY) it polls at ``poll_interval``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from controlroom.core.domain import Status
from controlroom.core.roles import Actor
from controlroom.core.snapshots import (
    Change,
    Diff,
    DirectionSnapshot,
    FlagSnapshot,
    IncidentSnapshot,
    Snapshot,
    SubjectSnapshot,
    UnitSnapshot,
    VenueSnapshot,
    ZoneSnapshot,
    flag_from_json,
    unit_from_json,
)
from controlroom.dispersal.queries import dispersal_board
from controlroom.incidents.records import incident_columns, incident_from_row
from controlroom.storage.database import Database
from controlroom.storage.models import ChangeLogEntry, Flag, Incident, Unit, Venue
from controlroom.storage.notify import ChangeListener

OPEN = tuple(s.value for s in Status if s not in (Status.RESOLVED, Status.CLOSED))


class ChangeFeed:
    """Snapshot once, then diffs since a cursor; one instance per console."""

    def __init__(
        self,
        db: Database,
        *,
        poll_interval: float = 0.5,
        window_hours: float = 24.0,
        batch_size: int = 2000,
        listen: bool = True,
        fallback_interval: float = 5.0,
        viewer: Actor | None = None,
        listen_url: str | None = None,
    ) -> None:
        self.db = db
        # A partner console sees venues and its own venues' incidents without persons-of-
        # concern data, nothing else; None: everything this console's role may read.
        self.partner_venues: frozenset[int] | None = None
        if viewer is not None and viewer.is_partner:
            self.partner_venues = viewer.venue_ids
        elif viewer is not None and not viewer.may("read.incidents"):
            self.partner_venues = frozenset()  # auditors, administrators: venues only
        self.poll_interval = poll_interval
        # PostgreSQL only: wait for NOTIFY, and read anyway every ``fallback_interval``.
        self.listen = listen and not db.is_sqlite
        self.fallback_interval = fallback_interval
        # Behind PgBouncer: LISTEN straight to the server here (``[database] listen_url``).
        self.listen_url = listen_url
        self._listener: ChangeListener | None = None  # while follow() listens
        self.window = timedelta(hours=window_hours)
        self.batch_size = batch_size
        self.cursor: int | None = None
        # When the database last answered: "last good data" for an outage banner.
        self.last_answered_at: datetime | None = None

    async def start(self) -> Snapshot:
        """Load the board (open incidents plus the recent window) and set the cursor.

        Both reads happen in one snapshot transaction, so the cursor matches the
        rows exactly: later polls return precisely what committed after them.
        """
        if self.partner_venues is not None:
            return await self._start_partner()
        now = datetime.now(UTC)
        since = now - self.window
        async with self.db.read(consistent=True) as conn:
            cursor = (await conn.execute(select(func.coalesce(func.max(ChangeLogEntry.seq), 0)))).scalar_one()
            # Two index range reads instead of one OR that scans reported_at's whole index.
            recent = (
                (await conn.execute(select(Incident.__table__).where(Incident.reported_at >= since)))
                .mappings()
                .all()
            )
            still_open = (
                (
                    await conn.execute(
                        select(Incident.__table__).where(
                            Incident.status.in_(OPEN), Incident.reported_at < since
                        )
                    )
                )
                .mappings()
                .all()
            )
            incident_rows = sorted([*still_open, *recent], key=lambda r: r["reported_at"])
            venue_rows = (await conn.execute(select(Venue.__table__).order_by(Venue.name))).mappings().all()
            unit_rows = (await conn.execute(select(Unit.__table__).order_by(Unit.callsign))).mappings().all()
            flag_rows = (
                (
                    await conn.execute(
                        select(Flag.__table__).where(
                            Flag.expires_at > now, Flag.cleared_at.is_(None), Flag.incident_id.is_(None)
                        )
                    )
                )
                .mappings()
                .all()
            )
            zones, directions = await dispersal_board(conn, now)
        self.cursor = int(cursor)
        self.last_answered_at = datetime.now(UTC)
        return Snapshot(
            cursor=self.cursor,
            incidents=tuple(incident_from_row(r) for r in incident_rows),
            venues=tuple(_venue_from_row(r) for r in venue_rows),
            units=tuple(_from_row(UnitSnapshot, r) for r in unit_rows),
            flags=tuple(_from_row(FlagSnapshot, r) for r in flag_rows),
            zones=tuple(zones),
            directions=tuple(directions),
            taken_at=now,
        )

    async def _start_partner(self) -> Snapshot:
        """A partner's board: its own venues' recent and open incidents, redacted; every venue."""
        now = datetime.now(UTC)
        venues = sorted(self.partner_venues or ())
        columns = incident_columns(redacted=True)
        async with self.db.read(consistent=True) as conn:
            cursor = (await conn.execute(select(func.coalesce(func.max(ChangeLogEntry.seq), 0)))).scalar_one()
            rows = (
                (
                    await conn.execute(
                        select(*columns)
                        .where(Incident.venue_id.in_(venues))
                        .where((Incident.reported_at >= now - self.window) | Incident.status.in_(OPEN))
                        .order_by(Incident.reported_at)
                    )
                )
                .mappings()
                .all()
            )
            venue_rows = (await conn.execute(select(Venue.__table__).order_by(Venue.name))).mappings().all()
        self.cursor = int(cursor)
        self.last_answered_at = datetime.now(UTC)
        return Snapshot(
            cursor=self.cursor,
            incidents=tuple(incident_from_row(r) for r in rows),
            venues=tuple(_venue_from_row(r) for r in venue_rows),
            units=(),
            flags=(),
            zones=(),
            directions=(),
            taken_at=now,
        )

    async def poll(self) -> Diff:
        """Every change committed after the cursor (up to one batch), in commit order."""
        if self.cursor is None:
            raise RuntimeError("call start() before poll()")
        since = self.cursor
        if self._listener is not None:
            rows = await self._listener.changes_after(since, self.batch_size)
        else:
            rows = await self._changes_after(since)
        self.last_answered_at = datetime.now(UTC)
        if not rows:
            return Diff(since=since, cursor=since)
        self.cursor = int(rows[-1][0])
        if self.partner_venues is not None:
            rows = [row for row in rows if self._partner_may_read(row)]
        changes = tuple(_change_from_row(*row[:5]) for row in rows)
        return Diff(since=since, cursor=self.cursor, changes=changes)

    def _partner_may_read(self, row: Any) -> bool:
        # (seq, entity, entity_id, op, partner_payload, venue_id); PostgreSQL's row-level
        # security filters the same way before the rows even leave the server.
        return row[4] is not None and (row[1] == "venue" or row[5] in (self.partner_venues or ()))

    async def _changes_after(self, since: int) -> list[Any]:
        payload = ChangeLogEntry.payload if self.partner_venues is None else ChangeLogEntry.partner_payload
        async with self.db.read() as conn:
            return list(
                (
                    await conn.execute(
                        select(
                            ChangeLogEntry.seq,
                            ChangeLogEntry.entity,
                            ChangeLogEntry.entity_id,
                            ChangeLogEntry.op,
                            payload,
                            ChangeLogEntry.venue_id,
                        )
                        .where(ChangeLogEntry.seq > since)
                        .order_by(ChangeLogEntry.seq)
                        .limit(self.batch_size)
                    )
                ).all()
            )

    async def resume(self) -> Snapshot | None:
        """After an outage: ``None`` if the cursor still holds, else a fresh snapshot.

        The cursor holds while the change log still reaches it; ``follow()`` then
        catches up from it. A log that ends before the cursor means the database was
        replaced (restored from a backup, recreated), so the board is reloaded.
        """
        if self.cursor is None:
            return await self.start()
        async with self.db.read() as conn:
            top = (await conn.execute(select(func.coalesce(func.max(ChangeLogEntry.seq), 0)))).scalar_one()
        self.last_answered_at = datetime.now(UTC)
        if int(top) < self.cursor:
            return await self.start()
        return None

    async def follow(self) -> AsyncIterator[Diff]:
        """Yield each non-empty diff as it arrives, until the database fails (then raise).

        On PostgreSQL each call opens its own listener and reads from the cursor
        first, so a caller that reconnects after an error catches up on whatever
        committed (and was notified) while it was away.
        """
        if not self.listen:
            async for diff in self._follow_polling():
                yield diff
            return
        listener = ChangeListener(
            self.db, partner=self.partner_venues is not None, listen_url=self.listen_url
        )
        try:
            await listener.connect()
            self._listener = listener  # catch-up reads go through its connection
            while True:
                diff = await self.poll()
                if not diff.empty:
                    yield diff
                    if len(diff.changes) >= self.batch_size:
                        continue  # more waiting behind a full batch: no need to be woken
                await listener.wait(self.fallback_interval)
        finally:
            self._listener = None
            await listener.close()

    async def _follow_polling(self) -> AsyncIterator[Diff]:
        while True:
            diff = await self.poll()
            if diff.empty:
                await asyncio.sleep(self.poll_interval)
                continue
            yield diff
            if len(diff.changes) < self.batch_size:
                await asyncio.sleep(self.poll_interval)


def _change_from_row(seq: int, entity: str, entity_id: int, op: str, payload: dict[str, Any]) -> Change:
    if entity == "incident":
        incident = IncidentSnapshot.from_json(payload) if op == "upsert" else None
        return Change(
            seq=seq,
            entity="incident",
            op="upsert" if incident else "delete",
            entity_id=entity_id,
            incident=incident,
        )
    if entity == "unit":
        return Change(seq=seq, entity="unit", op="upsert", entity_id=entity_id, unit=unit_from_json(payload))
    if entity == "flag":
        return Change(seq=seq, entity="flag", op="upsert", entity_id=entity_id, flag=flag_from_json(payload))
    if entity == "subject":
        subject = SubjectSnapshot.from_json(payload)
        return Change(seq=seq, entity="subject", op="upsert", entity_id=entity_id, subject=subject)
    if entity == "zone":
        zone = ZoneSnapshot.from_json(payload)
        return Change(seq=seq, entity="zone", op="upsert", entity_id=entity_id, zone=zone)
    if entity == "direction":
        direction = DirectionSnapshot.from_json(payload)
        return Change(seq=seq, entity="direction", op="upsert", entity_id=entity_id, direction=direction)
    venue = VenueSnapshot.from_json(payload) if op == "upsert" else None
    return Change(
        seq=seq, entity="venue", op="upsert" if venue else "delete", entity_id=entity_id, venue=venue
    )


def _from_row(cls: Any, row: Any) -> Any:
    return cls(**{name: row[name] for name in cls.__dataclass_fields__})


def _venue_from_row(row: Any) -> VenueSnapshot:
    return VenueSnapshot(**{name: row[name] for name in VenueSnapshot.__dataclass_fields__})
