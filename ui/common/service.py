"""``IncidentService``: how widgets reach the core — commands out, questions answered.

Widgets never touch the database: they call this object, whose methods are thin
coroutines over ``controlroom.commands`` and ``controlroom.incidents.queries``. What a
command changes comes back to every console (this one included) through the feed.

New incidents, status changes and edits (notes included) carry an idempotency key.
While the database is unreachable — the feed says so, or the write itself fails to
reach it or gets no answer in ``WRITE_TIMEOUT`` — they go to the local outbox
instead and are replayed, under the same key, when the database is back: a write
whose outcome was unknown is therefore never applied twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from controlroom.audit.trail import log_processing
from controlroom.commands import Commands, NewIncident
from controlroom.config import outbox_path
from controlroom.core.domain import Status
from controlroom.core.errors import ControlroomError, DatabaseUnavailableError
from controlroom.core.roles import Actor
from controlroom.core.snapshots import (
    FlagSnapshot,
    IncidentSnapshot,
    SubjectSnapshot,
    UnitSnapshot,
    VenueSnapshot,
    ZoneSnapshot,
)
from controlroom.dispersal.commands import DirectionResult, DirectionSpec, ZoneSpec
from controlroom.dispersal.persons import NewSubject, SightingResult, SubjectRecord
from controlroom.dispersal.queries import (
    NightTally,
    authorisation_paper,
    direction_paper,
    list_subjects,
    list_zones,
    night_tally,
)
from controlroom.incidents.editing import IncidentEdit, validated_edit
from controlroom.incidents.queries import IncidentDetail, incident_detail
from controlroom.offline.outbox import Outbox, OutboxEntry, ReplayResult, new_key
from controlroom.paperwork.render import RenderedDocument, render_authorisation, render_direction_set

T = TypeVar("T")
WRITE_TIMEOUT = 5.0


class QueuedOfflineError(ControlroomError):
    """The write was kept in the outbox, not applied: its message says so, for the operator."""


class IncidentService:
    """The front end's single door to incident and safe-space commands."""

    def __init__(self, commands: Commands, outbox: Outbox | None = None) -> None:
        self.commands = commands
        self.outbox = outbox or Outbox(outbox_path(), commands.db.display_url)
        # Set by the window from the feed's connection state.
        self.online = True
        # The incident as this console shows it (for the reply to a write kept offline).
        self.incident_lookup: Callable[[str], IncidentSnapshot | None] = lambda _reference: None
        self._outbox_listeners: list[Callable[[], None]] = []
        self._replaying = False

    @property
    def actor_name(self) -> str:
        return str(self.commands.actor.name)

    @property
    def actor(self) -> Actor:
        """Who this console acts as (its role decides what the window offers)."""
        return self.commands.actor

    # -- writes that survive an outage ---------------------------------------

    async def report(self, new: NewIncident) -> IncidentSnapshot:
        new = replace(new, idempotency_key=new.idempotency_key or new_key())
        if self.online:
            try:
                return await self._attempt(self.commands.report_incident(new))
            except _OFFLINE as exc:
                if not _unreachable(exc):
                    raise
        self.commands._validated(new)
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
            except _OFFLINE as exc:
                if not _unreachable(exc):
                    raise
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
            except _OFFLINE as exc:
                if not _unreachable(exc):
                    raise
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
        current = self.incident_lookup(reference)
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

    async def link_duplicate(
        self, reference: str, of_reference: str, expected_version: int
    ) -> IncidentSnapshot:
        return await self.commands.link_duplicate(reference, of_reference, expected_version)

    async def caller_updated(self, reference: str, note: str) -> IncidentSnapshot:
        return await self.commands.record_caller_updated(reference, note)

    async def detail(self, reference: str) -> IncidentDetail:
        return await incident_detail(self.commands.db, reference, redacted=self.commands.actor.is_partner)

    async def update_unit(
        self, callsign: str, *, status: str | None = None, at: tuple[float, float] | None = None
    ) -> UnitSnapshot:
        return await self.commands.update_unit(callsign, status=status, at=at)

    async def dispatch(self, reference: str, callsigns: list[str]) -> list[UnitSnapshot]:
        return await self.commands.dispatch(reference, callsigns)

    async def dispatch_to_flag(self, flag_id: int, callsigns: list[str]) -> list[UnitSnapshot]:
        return await self.commands.dispatch_to_flag(flag_id, callsigns)

    async def flag_location(
        self,
        *,
        behaviour: str,
        reason: str,
        venue: str | None = None,
        at: tuple[float, float] | None = None,
        place: str | None = None,
        expires_in_minutes: int = 120,
    ) -> FlagSnapshot:
        return await self.commands.flag_location(
            behaviour=behaviour,
            reason=reason,
            venue=venue,
            at=at,
            place=place,
            expires_in_minutes=expires_in_minutes,
        )

    async def clear_flag(self, flag_id: int) -> FlagSnapshot:
        return await self.commands.clear_flag(flag_id)

    async def convert_flag(
        self, flag_id: int, *, category: str, source: str, grade: int | None, summary: str
    ) -> IncidentSnapshot:
        return await self.commands.convert_flag(
            flag_id, category=category, source=source, grade=grade, summary=summary
        )

    async def set_safe_space_status(self, venue_name: str, status: str) -> VenueSnapshot:
        return await self.commands.set_safe_space_status(venue_name, status)

    # -- dispersal powers (s.34 zones, s.35 directions) and their paperwork --------

    async def authorise_zone(self, spec: ZoneSpec) -> ZoneSnapshot:
        return await self.commands.authorise_zone(spec)

    async def give_direction(self, spec: DirectionSpec) -> DirectionResult:
        return await self.commands.give_direction(spec)

    async def saved_zones(self) -> list[ZoneSnapshot]:
        return await list_zones(self.commands.db)

    async def night_tally(self) -> NightTally:
        return await night_tally(self.commands.db)

    async def direction_documents(self, reference: str) -> list[RenderedDocument]:
        """Notice to the person, record copy and (if items were surrendered) the receipt."""
        return render_direction_set(await direction_paper(self.commands.db, reference))

    async def zone_documents(self, zone_id: int) -> list[RenderedDocument]:
        return [render_authorisation(await authorisation_paper(self.commands.db, zone_id))]

    # -- persons of concern (descriptions only; identity needs a logged consultation) --

    async def subjects(self) -> list[SubjectSnapshot]:
        return await list_subjects(self.commands.db)

    async def consult_subject(self, subject_id: int, justification: str) -> SubjectRecord:
        """Name, date of birth and address: logged as a consultation with its justification."""
        return await self.commands.consult_subject(subject_id, justification)

    async def log_disclosure(
        self, action: str, *, entity: str, entity_id: int | None, detail: dict[str, object], why: str, to: str
    ) -> None:
        """Log a print or export of personal data (DPA 2018 s.62(3)) before it happens."""
        await log_processing(
            self.commands.db,
            self.commands.actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=dict(detail),
            justification=why,
            recipient=to,
        )

    async def add_subject(self, new: NewSubject) -> SubjectSnapshot:
        return await self.commands.add_subject(new)

    async def warn_subject(self, subject_id: int, *, officer: str, place: str, note: str) -> SubjectSnapshot:
        return await self.commands.warn_subject(subject_id, officer=officer, place=place, note=note)

    async def record_sighting(
        self,
        subject_id: int,
        *,
        incident: str | None = None,
        flag: int | None = None,
        at: tuple[float, float] | None = None,
        behaviours: list[str] | None = None,
        source: str = "cctv",
    ) -> SightingResult:
        return await self.commands.record_sighting(
            subject_id, incident=incident, flag=flag, at=at, behaviours=behaviours or (), source=source
        )


_OFFLINE = (DatabaseUnavailableError, OSError, TimeoutError, SQLAlchemyError)


def _unreachable(exc: BaseException) -> bool:
    """Whether a failed write failed for want of a database (not for what it said)."""
    if isinstance(exc, DatabaseUnavailableError | OSError | TimeoutError):
        return True
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or _looks_like_connection(exc)
    return False


def _looks_like_connection(exc: DBAPIError) -> bool:
    text = f"{type(exc.orig).__name__} {exc.orig}".lower()
    return any(
        word in text for word in ("connection", "cannotconnect", "shutdown", "terminat", "closed", "admin")
    )


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
