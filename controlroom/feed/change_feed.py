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
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from controlroom.cameras.snapshots import camera_board, decode_camera_change
from controlroom.core.decoding import (
    UndecodableRowError,
    decode_each,
    decode_flag,
    decode_incident,
    decode_unit,
    decode_venue,
    shown_value,
)
from controlroom.core.domain import Status
from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.core.snapshots import (
    Change,
    DecisionSnapshot,
    Diff,
    DirectionSnapshot,
    RowWarning,
    Snapshot,
    SubjectSnapshot,
    ZoneSnapshot,
)
from controlroom.decisions.queries import tonight_decisions
from controlroom.dispersal.queries import dispersal_board
from controlroom.handover.snapshots import decode_handover, handover_board
from controlroom.incidents.records import incident_columns
from controlroom.procedures.records import checklist_board, decode_checklist_change
from controlroom.storage.database import Database
from controlroom.storage.models import ChangeLogEntry, Flag, Incident, Unit, Venue
from controlroom.storage.notify import ChangeListener
from controlroom.storage.pooling import behind_transaction_pooler
from controlroom.storage.raw import as_stored, stored

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
        # Through PgBouncer with no direct ``listen_url`` a LISTEN would hear nothing: poll.
        pooled = listen_url is None and behind_transaction_pooler(db.url)
        self.listen = listen and not db.is_sqlite and not pooled
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
        incident_columns_ = incident_columns(redacted=False)
        async with self.db.read(consistent=True) as conn:
            cursor = (await conn.execute(select(func.coalesce(func.max(ChangeLogEntry.seq), 0)))).scalar_one()
            # Two index range reads instead of one OR that scans reported_at's whole index.
            recent = await _stored_rows(conn, select(*incident_columns_).where(Incident.reported_at >= since))
            still_open = await _stored_rows(
                conn,
                select(*incident_columns_).where(Incident.status.in_(OPEN), Incident.reported_at < since),
            )
            venue_rows = await _stored_rows(
                conn, select(*as_stored(Venue.__table__.columns)).order_by(Venue.name)
            )
            unit_rows = await _stored_rows(
                conn, select(*as_stored(Unit.__table__.columns)).order_by(Unit.callsign)
            )
            flag_rows = await _stored_rows(
                conn,
                select(*as_stored(Flag.__table__.columns)).where(
                    Flag.expires_at > now, Flag.cleared_at.is_(None), Flag.incident_id.is_(None)
                ),
            )
            zones, directions = await dispersal_board(conn, now)
            cameras, bad_cameras = await camera_board(conn)
            board_ids = [row["id"] for row in (*still_open, *recent)]
            checklists, bad_checklists = await checklist_board(conn, board_ids)
            handovers, bad_handovers = await handover_board(conn, now)
            decisions, bad_decisions = await tonight_decisions(conn, now)
        self.cursor = int(cursor)
        self.last_answered_at = datetime.now(UTC)
        incidents, bad_incidents = decode_each([*still_open, *recent], decode_incident)
        venues, bad_venues = decode_each(venue_rows, decode_venue)
        units, bad_units = decode_each(unit_rows, decode_unit)
        flags, bad_flags = decode_each(flag_rows, decode_flag)
        return Snapshot(
            cursor=self.cursor,
            incidents=tuple(sorted(incidents, key=lambda i: (i.reported_at, i.id))),
            venues=tuple(venues),
            units=tuple(units),
            flags=tuple(flags),
            zones=tuple(zones),
            directions=tuple(directions),
            cameras=tuple(cameras),
            checklists=tuple(checklists),
            handovers=tuple(handovers),
            decisions=tuple(decisions),
            taken_at=now,
            warnings=(
                *bad_incidents,
                *bad_venues,
                *bad_units,
                *bad_flags,
                *bad_cameras,
                *bad_checklists,
                *bad_decisions,
                *bad_handovers,
            ),
        )

    async def _start_partner(self) -> Snapshot:
        """A partner's board: its own venues' recent and open incidents, redacted; every venue."""
        now = datetime.now(UTC)
        venues = sorted(self.partner_venues or ())
        columns = incident_columns(redacted=True)
        async with self.db.read(consistent=True) as conn:
            cursor = (await conn.execute(select(func.coalesce(func.max(ChangeLogEntry.seq), 0)))).scalar_one()
            rows = await _stored_rows(
                conn,
                select(*columns)
                .where(Incident.venue_id.in_(venues))
                .where((Incident.reported_at >= now - self.window) | Incident.status.in_(OPEN))
                .order_by(Incident.reported_at),
            )
            venue_rows = await _stored_rows(
                conn, select(*as_stored(Venue.__table__.columns)).order_by(Venue.name)
            )
        self.cursor = int(cursor)
        self.last_answered_at = datetime.now(UTC)
        incidents, bad_incidents = decode_each(rows, decode_incident)
        venue_snapshots, bad_venues = decode_each(venue_rows, decode_venue)
        return Snapshot(
            cursor=self.cursor,
            incidents=tuple(incidents),
            venues=tuple(venue_snapshots),
            units=(),
            flags=(),
            zones=(),
            directions=(),
            taken_at=now,
            warnings=(*bad_incidents, *bad_venues),
        )

    def rewind(self, since: int) -> None:
        """Deliver from ``since`` instead of now: every change after it, then live.

        Called after ``start()``, whose cursor is the newest change: a ``since`` beyond
        it names a change this database never made (another database, or one restored
        from an older copy), so it is refused rather than silently skipping ahead.
        A partner's resumed changes are filtered by ``poll()`` like any others.
        """
        if self.cursor is None:
            raise RuntimeError("call start() before rewind()")
        if since > self.cursor:
            raise ValidationError(
                f"cursor {since} is beyond the newest change in this database ({self.cursor}); "
                "resume from a seq this database's watch printed, from 0 for every change, "
                "or without a cursor to start from now"
            )
        self.cursor = since

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
        changes: list[Change] = []
        warnings: list[RowWarning] = []
        for row in rows:
            try:
                changes.append(_change_from_row(*row[:5]))
            except UndecodableRowError as bad:
                warnings.extend(bad.warnings)  # the change is skipped; the cursor moves past it
        return Diff(since=since, cursor=self.cursor, changes=tuple(changes), warnings=tuple(warnings))

    def _partner_may_read(self, row: Any) -> bool:
        # (seq, entity, entity_id, op, partner_payload, venue_id); PostgreSQL's row-level
        # security filters the same way before the rows even leave the server.
        return row[4] is not None and (row[1] == "venue" or row[5] in (self.partner_venues or ()))

    async def _changes_after(self, since: int) -> list[Any]:
        log = ChangeLogEntry.__table__.c
        payload = log.payload if self.partner_venues is None else log.partner_payload
        async with self.db.read() as conn:
            return list(
                (
                    await conn.execute(
                        select(
                            ChangeLogEntry.seq,
                            ChangeLogEntry.entity,
                            ChangeLogEntry.entity_id,
                            ChangeLogEntry.op,
                            stored(payload),  # read by _change_from_row, one change at a time
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


async def _stored_rows(conn: Any, query: Any) -> list[dict[str, Any]]:
    # Plain dicts: decoding looks up every column of every row, and a dict is several
    # times faster at that than SQLAlchemy's RowMapping.
    return [row._asdict() for row in (await conn.execute(query)).all()]


def _change_from_row(seq: int, entity: str, entity_id: int, op: str, payload: Any) -> Change:
    """One change-log row as a ``Change``; ``UndecodableRowError`` if its payload cannot be read."""
    if op != "upsert" and entity == "incident":
        return Change(seq=seq, entity="incident", op="delete", entity_id=entity_id)
    if op != "upsert" and entity == "venue":
        return Change(seq=seq, entity="venue", op="delete", entity_id=entity_id)
    if op != "upsert" and entity == "camera":
        return Change(seq=seq, entity="camera", op="delete", entity_id=entity_id)
    table = _TABLES.get(entity, entity)
    try:
        values = _payload(payload)
    except ValueError as why:
        raise UndecodableRowError(
            (RowWarning(table, entity_id, "payload", shown_value(payload), str(why), seq),), {}
        ) from None
    if entity == "incident":
        incident = decode_incident(_with_id(values, entity_id), seq=seq)
        return Change(seq=seq, entity="incident", op="upsert", entity_id=entity_id, incident=incident)
    if entity == "unit":
        unit = decode_unit(_with_id(values, entity_id), seq=seq)
        return Change(seq=seq, entity="unit", op="upsert", entity_id=entity_id, unit=unit)
    if entity == "flag":
        flag = decode_flag(_with_id(values, entity_id), seq=seq)
        return Change(seq=seq, entity="flag", op="upsert", entity_id=entity_id, flag=flag)
    if entity == "venue":
        venue = decode_venue(_with_id(values, entity_id), seq=seq)
        return Change(seq=seq, entity="venue", op="upsert", entity_id=entity_id, venue=venue)
    if entity == "camera":
        camera = decode_camera_change(_with_id(values, entity_id), seq=seq)
        return Change(seq=seq, entity="camera", op="upsert", entity_id=entity_id, camera=camera)
    if entity == "handover":
        handover = decode_handover(_with_id(values, entity_id), seq=seq)
        return Change(seq=seq, entity="handover", op="upsert", entity_id=entity_id, handover=handover)
    if entity == "checklist":  # entity_id is the incident's
        checklist = decode_checklist_change(values, seq=seq)
        return Change(seq=seq, entity="checklist", op="upsert", entity_id=entity_id, checklist=checklist)
    if entity == "roads":  # an imported road network replaced the streets: consoles reload them
        return Change(seq=seq, entity="roads", op="upsert", entity_id=entity_id)
    if entity == "decision":
        decision = _decision(values, entity_id, seq)
        return Change(seq=seq, entity="decision", op="upsert", entity_id=entity_id, decision=decision)
    try:
        return _dispersal_change(seq, entity, entity_id, values)
    except (KeyError, TypeError, ValueError) as why:
        warning = RowWarning(
            table, entity_id, "payload", shown_value(values), f"cannot be read ({why!r})", seq
        )
        raise UndecodableRowError((warning,), values) from None


def _dispersal_change(seq: int, entity: str, entity_id: int, values: dict[str, Any]) -> Change:
    if entity == "subject":
        subject = SubjectSnapshot.from_json(values)
        return Change(seq=seq, entity="subject", op="upsert", entity_id=entity_id, subject=subject)
    if entity == "zone":
        zone = ZoneSnapshot.from_json(values)
        return Change(seq=seq, entity="zone", op="upsert", entity_id=entity_id, zone=zone)
    if entity == "direction":
        direction = DirectionSnapshot.from_json(values)
        return Change(seq=seq, entity="direction", op="upsert", entity_id=entity_id, direction=direction)
    raise ValueError(f"unknown entity {entity!r}")


def _decision(values: dict[str, Any], entity_id: int, seq: int) -> DecisionSnapshot:
    """A decision's payload, or ``UndecodableRowError`` naming it (one bad row never stops the feed)."""
    try:
        return DecisionSnapshot.from_json(_with_id(values, entity_id))
    except (KeyError, TypeError, ValueError) as why:
        warning = RowWarning(
            "decisions", entity_id, "payload", shown_value(values), f"cannot be read ({why!r})", seq
        )
        raise UndecodableRowError((warning,), values) from None


_TABLES = {"incident": "incidents", "venue": "venues", "unit": "units", "flag": "flags", "camera": "cameras"}


def _payload(payload: Any) -> dict[str, Any]:
    if isinstance(payload, str):  # SQLite hands JSON back as text
        try:
            payload = json.loads(payload)
        except ValueError:
            raise ValueError("is not JSON") from None
    if not isinstance(payload, dict):
        raise ValueError("is not a JSON object")
    return payload


def _with_id(values: dict[str, Any], entity_id: int) -> dict[str, Any]:
    # The log row's entity_id names the record even when its payload lost its "id".
    return values if "id" in values else {**values, "id": entity_id}
