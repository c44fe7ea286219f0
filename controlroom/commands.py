"""The one command layer every write goes through.

Each command validates its input completely before writing, then in a single
transaction: changes the record, appends to the incident timeline, writes an
audit entry stamped with the acting user, and appends the new state to the
change log that every console follows. Either all of it commits or none does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import (
    SOUTHAMPTON_CENTRE,
    BestBarNone,
    Category,
    OperatingArea,
    SafeSpaceStatus,
    Source,
    Status,
    VenueKind,
    format_reference,
    operational_night,
)
from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.core.snapshots import IncidentSnapshot, VenueSnapshot
from controlroom.dispersal.commands import DispersalCommands
from controlroom.incidents.editing import IncidentEdit, IncidentEditing, validated_edit
from controlroom.incidents.records import (
    clean_text,
    find_venue,
    incident_snapshot,
    parse_choice,
    parse_grade,
    reported_by_key,
    venue_snapshot,
)
from controlroom.patrols.commands import PatrolCommands
from controlroom.storage.database import Database
from controlroom.storage.models import (
    Incident,
    IncidentEvent,
    ReferenceCounter,
    Venue,
)
from controlroom.writes import Clock, requires, utcnow

__all__ = ["Actor", "Commands", "NewIncident", "VenueSpec", "utcnow"]

MAX_SUMMARY = 2000
MAX_PLACE = 300


@dataclass(frozen=True, slots=True)
class NewIncident:
    """A report as typed by an operator or partner; validated by ``report_incident``."""

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


@dataclass(frozen=True, slots=True)
class VenueSpec:
    """A venue as the demo data or an administrator describes it."""

    name: str
    kind: str
    lat: float
    lon: float
    address: str = ""
    opening_hours: str = ""
    is_safe_space: bool = False
    safe_space_status: str | None = None
    wave_trained: bool = False
    best_bar_none: str = "none"


class Commands(IncidentEditing, PatrolCommands, DispersalCommands):
    """Writes, each in one transaction with its timeline, audit and change-log rows."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        reference_prefix: str = "SOT",
        area: OperatingArea = SOUTHAMPTON_CENTRE,
        clock: Clock = utcnow,
    ) -> None:
        super().__init__(db, actor, clock)
        self.reference_prefix = reference_prefix
        self.area = area

    # -- incidents -----------------------------------------------------------

    @requires("incident.report")
    async def report_incident(self, new: NewIncident) -> IncidentSnapshot:
        """Record a new incident; replaying the same idempotency key returns the first."""
        columns = self._validated(new)
        now = self.clock()
        try:
            async with self.db.write() as session:
                if new.idempotency_key:
                    existing = await reported_by_key(
                        session, new.idempotency_key, redacted=self.actor.is_partner
                    )
                    if existing is not None:
                        return existing
                row = await self._insert_incident(session, new, columns, now)
                snapshot = incident_snapshot(row)
                await self._finish(
                    session,
                    "incident.report",
                    "incident",
                    row.id,
                    reported_detail(row),
                    snapshot.to_json(),
                    now,
                )
                return snapshot
        except IntegrityError:
            # Another console replayed the same idempotency key first: theirs stands.
            if new.idempotency_key:
                async with self.db.write() as session:
                    existing = await reported_by_key(
                        session, new.idempotency_key, redacted=self.actor.is_partner
                    )
                    if existing is not None:
                        return existing
            raise

    def _validated(self, new: NewIncident) -> dict[str, Any]:
        """The typed columns of a new report, or a ValidationError saying what to fix."""
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
            **details,
        }

    async def _insert_incident(
        self, session: AsyncSession, new: NewIncident, columns: dict[str, Any], now: datetime
    ) -> Incident:
        """Insert a validated report and its "reported" timeline entry; the caller audits it.

        Shared by ``report_incident`` and flag conversion, so both make identical
        references and check the place the same way.
        """
        reported_at = new.reported_at or now
        venue_id, place, lat, lon = await self._resolve_location(session, new)
        night = operational_night(reported_at)
        number = await self._next_number(session, night)
        row = Incident(
            reference=format_reference(self.reference_prefix, night, number),
            night=night,
            reported_at=reported_at,
            status=Status.NEW.value,
            venue_id=venue_id,
            place=place,
            lat=lat,
            lon=lon,
            idempotency_key=new.idempotency_key,
            created_by=self.actor.name,
            version=1,
            **columns,
        )
        session.add(row)
        await session.flush()
        session.add(
            IncidentEvent(
                incident_id=row.id,
                at=now,
                actor=self.actor.name,
                kind="reported",
                detail=reported_detail(row),
            )
        )
        return row

    async def has_idempotency_key(self, key: str) -> bool:
        """Whether a write with this idempotency key has already been recorded."""
        async with self.db.read() as conn:
            found = await conn.execute(select(Incident.id).where(Incident.idempotency_key == key))
            return found.first() is not None

    async def _resolve_location(
        self, session: AsyncSession, new: NewIncident
    ) -> tuple[int | None, str, float, float]:
        if new.venue and (new.lat is not None or new.lon is not None):
            raise ValidationError("give either a venue or coordinates (--at) with a place, not both")
        if new.venue:
            venue = await find_venue(session, new.venue)
            place = clean_text(new.place, "place", MAX_PLACE) if new.place else venue.name
            return venue.id, place, venue.lat, venue.lon
        if new.lat is None or new.lon is None:
            raise ValidationError("say where: a venue name, or coordinates (--at LAT,LON) and --place")
        if not self.area.contains(new.lat, new.lon):
            raise ValidationError(
                f"{new.lat:.5f},{new.lon:.5f} is outside the operating area "
                f"({self.area.describe()}); check the order is LAT,LON"
            )
        place = clean_text(new.place, "place", MAX_PLACE)
        return None, place, new.lat, new.lon

    async def _next_number(self, session: AsyncSession, night: Any) -> int:
        dialect_insert = sqlite.insert if self.db.is_sqlite else postgresql.insert
        stmt = (
            dialect_insert(ReferenceCounter)
            .values(night=night, last_number=1)
            .on_conflict_do_update(
                index_elements=[ReferenceCounter.night],
                set_={"last_number": ReferenceCounter.last_number + 1},
            )
            .returning(ReferenceCounter.last_number)
        )
        return int((await session.execute(stmt)).scalar_one())

    # -- venues --------------------------------------------------------------

    @requires("venue.update")
    async def upsert_venue(self, spec: VenueSpec) -> VenueSnapshot:
        """Create a venue, or update it in place if one with that name exists."""
        kind = parse_choice(VenueKind, spec.kind, "venue kind").value
        bbn = parse_choice(BestBarNone, spec.best_bar_none, "Best Bar None level").value
        status = None
        if spec.is_safe_space:
            status = parse_choice(
                SafeSpaceStatus, spec.safe_space_status or "open", "safe-space status"
            ).value
        name = clean_text(spec.name, "venue name", 200)
        if not self.area.contains(spec.lat, spec.lon):
            raise ValidationError(f"venue {name!r} lies outside the operating area")
        now = self.clock()
        values = {
            "kind": kind,
            "address": spec.address,
            "lat": spec.lat,
            "lon": spec.lon,
            "opening_hours": spec.opening_hours,
            "is_safe_space": spec.is_safe_space,
            "safe_space_status": status,
            "wave_trained": spec.wave_trained,
            "best_bar_none": bbn,
        }
        async with self.db.write() as session:
            row = (await session.execute(select(Venue).where(Venue.name == name))).scalar_one_or_none()
            if row is None:
                row = Venue(name=name, version=1, **values)
                session.add(row)
                action = "venue.create"
            else:
                if all(getattr(row, key) == value for key, value in values.items()):
                    return venue_snapshot(row)
                for key, value in values.items():
                    setattr(row, key, value)
                row.version += 1
                action = "venue.update"
            await session.flush()
            snapshot = venue_snapshot(row)
            await self._finish(session, action, "venue", row.id, {"name": name}, snapshot.to_json(), now)
            return snapshot

    @requires("venue.safe_space")
    async def set_safe_space_status(self, venue_name: str, status: str) -> VenueSnapshot:
        """Open, close or mark full a safe space (partners and operators do this all night)."""
        wanted = parse_choice(SafeSpaceStatus, status, "safe-space status").value
        now = self.clock()
        async with self.db.write() as session:
            row = await find_venue(session, venue_name)
            self.actor.require("venue.safe_space", row.id)  # a partner: its own venues only
            if not row.is_safe_space:
                raise ValidationError(f"{row.name!r} is not a safe space; only safe spaces have a status")
            if row.safe_space_status == wanted:
                return venue_snapshot(row)
            before = row.safe_space_status
            row.safe_space_status = wanted
            row.version += 1
            await session.flush()
            snapshot = venue_snapshot(row)
            detail = {"name": row.name, "safe_space_status": [before, wanted]}
            await self._finish(session, "venue.safe_space", "venue", row.id, detail, snapshot.to_json(), now)
            return snapshot


def reported_detail(row: Incident) -> dict[str, Any]:
    """What the "reported" timeline entry and the report's audit entry record."""
    return {"reference": row.reference, "source": row.source, "category": row.category, "grade": row.grade}
