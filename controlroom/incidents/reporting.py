"""Reporting incidents: the one place an incident is made, whoever makes it.

A typed report (``report_incident``), a flag turned into an incident and a possible
breach of a dispersal direction all go through ``create_incident``, so references,
places and the "reported" timeline entry are made the same way every time. The
caller audits the write and appends it to the change log (``CommandBase._finish``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import (
    Category,
    Source,
    Status,
    VenueLink,
    format_reference,
    operational_night,
)
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.core.validation import clean_text, parse_choice, parse_grade
from controlroom.incidents.editing import (
    IncidentEdit,
    parse_venue_link,
    refuse_link_without_venue,
    validated_edit,
)
from controlroom.incidents.records import incident_snapshot, reported_by_key
from controlroom.incidents.steps import start_checklist
from controlroom.storage.models import Incident, IncidentEvent, ReferenceCounter
from controlroom.venues.records import find_venue
from controlroom.writes import CommandBase, requires

MAX_SUMMARY = 2000
MAX_PLACE = 300
# A reference taken by a row committed between our check and our insert (PostgreSQL, a
# writer working around the program) fails the insert; the next attempt skips it too.
REFERENCE_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class NewIncident:
    """A report as typed by an operator or partner; validated by ``validated_report``."""

    category: str
    source: str
    summary: str
    grade: int | None = None
    venue: str | None = None
    lat: float | None = None
    lon: float | None = None
    place: str | None = None
    reported_at: datetime | None = None
    idempotency_key: str | None = None
    thrive: dict[str, str] | None = None
    vulnerable_person: str = ""
    person_of_concern: str = ""
    reporter_contact: str = ""
    angela_outcome: str | None = None
    # How it relates to ``venue`` (a ``VenueLink``); "at_venue" when a venue is given without it.
    venue_link: str | None = None


def validated_report(new: NewIncident) -> dict[str, Any]:
    """The typed columns of a new report, or a ValidationError saying what to fix.

    Needs no database, so a console can check a report before keeping it offline.
    """
    details = validated_edit(
        IncidentEdit(
            thrive=new.thrive,
            vulnerable_person=new.vulnerable_person,
            person_of_concern=new.person_of_concern,
            reporter_contact=new.reporter_contact,
            angela_outcome=new.angela_outcome,
        )
    )
    return {
        "category": parse_choice(Category, new.category, "category").value,
        "source": parse_choice(Source, new.source, "source").value,
        "grade": parse_grade(new.grade),
        "summary": clean_text(new.summary, "summary", MAX_SUMMARY),
        "venue_link": _venue_link(new),
        **details,
    }


def _venue_link(new: NewIncident) -> str | None:
    if not new.venue:
        if new.venue_link is not None and new.venue_link.strip():
            raise refuse_link_without_venue()
        return None
    if new.venue_link is None or not new.venue_link.strip():
        return str(VenueLink.AT_VENUE.value)
    return parse_venue_link(new.venue_link)


def reported_detail(row: Incident) -> dict[str, Any]:
    """What the "reported" timeline entry and the report's audit entry record."""
    return {"reference": row.reference, "source": row.source, "category": row.category, "grade": row.grade}


async def create_incident(
    owner: CommandBase,
    session: AsyncSession,
    new: NewIncident,
    now: datetime,
    *,
    timeline_detail: dict[str, Any] | None = None,
) -> Incident:
    """Validate and insert a report with its "reported" timeline entry; the caller audits it.

    ``timeline_detail`` adds to what the "reported" entry records (a breach names
    the direction and the person).
    """
    columns = validated_report(new)
    reported_at = new.reported_at or now
    venue_id, place, lat, lon = await _resolve_location(owner, session, new)
    night = operational_night(reported_at)
    row = Incident(
        reference=await _next_free_reference(owner, session, night),
        night=night,
        reported_at=reported_at,
        status=Status.NEW.value,
        venue_id=venue_id,
        place=place,
        lat=lat,
        lon=lon,
        idempotency_key=new.idempotency_key,
        created_by=owner.actor.name,
        version=1,
        **columns,
    )
    session.add(row)
    await session.flush()
    detail = {**reported_detail(row), **(timeline_detail or {})}
    if row.venue_link is not None:
        detail["venue_link"] = row.venue_link
    session.add(
        IncidentEvent(incident_id=row.id, at=now, actor=owner.actor.name, kind="reported", detail=detail)
    )
    # The procedure for its category or source, if any, starts with the report (same transaction).
    await start_checklist(owner, session, row, now, new=True)
    return row


async def _resolve_location(
    owner: CommandBase, session: AsyncSession, new: NewIncident
) -> tuple[int | None, str, float, float]:
    if new.venue and (new.lat is not None or new.lon is not None):
        raise ValidationError("give either a venue, or a point (LAT,LON) with a place name, not both")
    if new.venue:
        venue = await find_venue(session, new.venue)
        place = clean_text(new.place, "place", MAX_PLACE) if new.place else venue.name
        return venue.id, place, venue.lat, venue.lon
    if new.lat is None or new.lon is None:
        raise ValidationError("say where: a venue name, or a point (LAT,LON) with a place name")
    lat, lon = owner.area.require(new.lat, new.lon)
    return None, clean_text(new.place, "place", MAX_PLACE), lat, lon


async def _next_free_reference(owner: CommandBase, session: AsyncSession, night: date) -> str:
    """The night's next reference that no incident holds yet, drawn in the caller's transaction.

    The counter alone would hand out a number already taken by a row written around
    the program (an integration inserting into the table directly), and every later
    report that night would then fail on the unique reference. So a taken number is
    passed over: the counter moves on until the reference is free. Allocators never
    race each other: on SQLite ``BEGIN IMMEDIATE`` serialises writers, and on
    PostgreSQL the counter row stays locked by the upsert until this transaction ends.
    """
    prefix = owner.context.reference_prefix
    while True:
        reference = format_reference(prefix, night, await _next_number(owner, session, night))
        taken = await session.execute(select(Incident.id).where(Incident.reference == reference))
        if taken.first() is None:
            return reference


async def _next_number(owner: CommandBase, session: AsyncSession, night: date) -> int:
    """The night's next incident number, counted in the database so consoles never collide."""
    # Only the backend in use is loaded (the PostgreSQL dialect costs a SQLite console ~20 ms).
    if owner.db.is_sqlite:
        from sqlalchemy.dialects import sqlite

        insert: Any = sqlite.insert
    else:
        from sqlalchemy.dialects import postgresql

        insert = postgresql.insert
    stmt = (
        insert(ReferenceCounter)
        .values(night=night, last_number=1)
        .on_conflict_do_update(
            index_elements=[ReferenceCounter.night],
            set_={"last_number": ReferenceCounter.last_number + 1},
        )
        .returning(ReferenceCounter.last_number)
    )
    return int((await session.execute(stmt)).scalar_one())


def _reference_collision(exc: IntegrityError) -> bool:
    """Whether the insert failed on the unique incident reference (not, say, a key replay)."""
    return "reference" in str(exc.orig).lower()


class IncidentReporting(CommandBase):
    """Recording new incidents, exactly once each even when a console replays its outbox."""

    @requires("incident.report")
    async def report_incident(self, new: NewIncident) -> IncidentSnapshot:
        """Record a new incident; replaying the same idempotency key returns the first."""
        validated_report(new)  # refuse bad input before opening a transaction
        now = self.clock()
        for attempt in range(1, REFERENCE_ATTEMPTS + 1):
            try:
                return await self._record(new, now)
            except IntegrityError as exc:
                # Another console replayed the same idempotency key first: theirs stands.
                if new.idempotency_key:
                    async with self.db.write() as session:
                        existing = await reported_by_key(
                            session, new.idempotency_key, redacted=self.actor.is_partner
                        )
                        if existing is not None:
                            return existing
                if attempt == REFERENCE_ATTEMPTS or not _reference_collision(exc):
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    async def _record(self, new: NewIncident, now: datetime) -> IncidentSnapshot:
        async with self.db.write() as session:
            if new.idempotency_key:
                existing = await reported_by_key(session, new.idempotency_key, redacted=self.actor.is_partner)
                if existing is not None:
                    return existing
            row = await create_incident(self, session, new, now)
            snapshot = incident_snapshot(row)
            await self._finish(
                session, "incident.report", "incident", row.id, reported_detail(row), snapshot.to_json(), now
            )
            return snapshot

    async def has_idempotency_key(self, key: str) -> bool:
        """Whether a write with this idempotency key has already been recorded."""
        async with self.db.read() as conn:
            found = await conn.execute(select(Incident.id).where(Incident.idempotency_key == key))
            return found.first() is not None
