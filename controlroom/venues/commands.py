"""Venues and safe spaces: an administrator's venue list, and safe-space status all night."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from controlroom.core.domain import BestBarNone, SafeSpaceStatus, VenueKind
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import VenueSnapshot
from controlroom.core.validation import clean_text, parse_choice
from controlroom.storage.models import Venue
from controlroom.venues.records import find_venue, venue_snapshot
from controlroom.writes import CommandBase, requires


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


class VenueCommands(CommandBase):
    """Creating and updating venues; opening, closing or filling a safe space."""

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
        self.area.require(spec.lat, spec.lon, f"venue {name!r}")
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
