"""Flagged locations: worrying behaviour seen, no offence reported (yet).

A flag stays on every console's map until it expires, is cleared or becomes an
incident; converting it makes the incident exactly as a typed report would
(``create_incident``) and moves the units watching it onto the incident.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import (
    Behaviour,
    Status,
)
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import (
    FlagSnapshot,
    IncidentSnapshot,
    flag_to_json,
    unit_to_json,
)
from controlroom.core.validation import clean_text, parse_choice
from controlroom.incidents.lifecycle import check_transition
from controlroom.incidents.records import incident_snapshot
from controlroom.incidents.reporting import NewIncident, create_incident
from controlroom.patrols.records import (
    MAX_FLAG_MINUTES,
    active_flag,
    flag_snapshot,
    open_dispatch,
    unit_snapshot,
)
from controlroom.storage.models import Flag, Incident, IncidentEvent, Unit, Venue
from controlroom.venues.records import find_venue
from controlroom.writes import CommandBase, requires


class FlagCommands(CommandBase):
    """Flagging a venue or point, clearing a flag, turning one into an incident."""

    @requires("flag.add")
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
        """Flag a point or venue where worrying behaviour was seen (no offence reported)."""
        code = parse_choice(Behaviour, behaviour, "behaviour code").value
        text = clean_text(reason, "reason", 1000)
        if not 1 <= expires_in_minutes <= MAX_FLAG_MINUTES:
            raise ValidationError(
                f"--expires-in {expires_in_minutes} must be 1 to {MAX_FLAG_MINUTES} minutes"
            )
        if (venue is None) == (at is None):
            raise ValidationError("flag either a venue (--venue NAME) or a point (--at LAT,LON)")
        now = self.clock()
        async with self.db.write() as session:
            venue_id = None
            if venue is not None:
                row_venue = await find_venue(session, venue)
                lat, lon, where, venue_id = row_venue.lat, row_venue.lon, row_venue.name, row_venue.id
            else:
                assert at is not None  # noqa: S101 - checked above
                lat, lon = self.area.require(*at)
                where = clean_text(place, "place", 300) if place else f"{lat:.5f},{lon:.5f}"
            row = Flag(
                lat=lat,
                lon=lon,
                venue_id=venue_id,
                place=where,
                behaviour=code,
                reason=text,
                flagged_at=now,
                expires_at=now + timedelta(minutes=expires_in_minutes),
                created_by=self.actor.name,
                version=1,
            )
            session.add(row)
            await session.flush()
            snapshot = flag_snapshot(row)
            await self._finish(
                session, "flag.add", "flag", row.id, {"behaviour": code}, flag_to_json(snapshot), now
            )
            return snapshot

    @requires("flag.clear")
    async def clear_flag(self, flag_id: int) -> FlagSnapshot:
        """Take a flag off the map; clearing one already cleared changes nothing."""
        now = self.clock()
        async with self.db.write() as session:
            row = await session.get(Flag, flag_id)
            if row is None:
                raise ValidationError(f"no flag number {flag_id}; `controlroom flags` lists the active ones")
            if row.cleared_at is not None:
                return flag_snapshot(row)
            row.cleared_at = now
            row.version += 1
            await session.flush()
            snapshot = flag_snapshot(row)
            await self._finish(session, "flag.clear", "flag", row.id, {}, flag_to_json(snapshot), now)
            return snapshot

    @requires("flag.convert")
    async def convert_flag(
        self,
        flag_id: int,
        *,
        category: str,
        source: str = "cctv",
        grade: int | None = None,
        summary: str | None = None,
    ) -> IncidentSnapshot:
        """Turn an active flag into an incident at its venue or point, in one transaction.

        The incident is made exactly as ``report_incident`` makes one; its timeline
        records the flag it came from; units tasked to the flag move onto it (their
        dispatches too), so it starts Dispatched, or On scene if one had arrived.
        The flag is cleared and points at the incident.
        """
        now = self.clock()
        async with self.db.write() as session:
            flag = await active_flag(session, flag_id, now, lock=not self.db.is_sqlite)
            new = await _new_incident_from_flag(session, flag, category, source, grade, summary)
            incident = await create_incident(self, session, new, now)
            session.add(
                IncidentEvent(
                    incident_id=incident.id,
                    at=now,
                    actor=self.actor.name,
                    kind="from_flag",
                    detail={
                        "flag_id": flag.id,
                        "place": flag.place,
                        "behaviour": flag.behaviour,
                        "reason": flag.reason,
                        "flagged_by": flag.created_by,
                        "flagged_at": flag.flagged_at.isoformat(),
                    },
                )
            )
            units = await self._move_flag_units(session, flag, incident, now)
            flag.incident_id, flag.cleared_at = incident.id, now
            flag.version += 1
            await session.flush()
            snapshot = incident_snapshot(incident)
            detail = {
                "flag_id": flag.id,
                "reference": incident.reference,
                "units": [u.callsign for u in units],
            }
            await self._finish(
                session, "flag.convert", "incident", incident.id, detail, snapshot.to_json(), now
            )
            await self._append_change(session, "flag", flag.id, flag_to_json(flag_snapshot(flag)), now)
            for unit in units:
                await self._append_change(session, "unit", unit.id, unit_to_json(unit_snapshot(unit)), now)
            return snapshot

    async def _move_flag_units(
        self, session: AsyncSession, flag: Flag, incident: Incident, now: datetime
    ) -> list[Unit]:
        """Put the flag's units and their open dispatches on the incident; advance its status."""
        units = (
            (await session.execute(select(Unit).where(Unit.flag_id == flag.id).order_by(Unit.callsign)))
            .scalars()
            .all()
        )
        first_arrived: str | None = None
        for unit in units:
            dispatch = await open_dispatch(session, unit.id)
            detail: dict[str, Any] = {"unit": unit.callsign, "from_flag": flag.id}
            if dispatch is not None and dispatch.flag_id == flag.id:
                dispatch.incident_id = incident.id
                detail["dispatched_at"] = dispatch.dispatched_at.isoformat()
                if dispatch.arrived_at is not None and first_arrived is None:
                    first_arrived = unit.callsign
            session.add(
                IncidentEvent(
                    incident_id=incident.id, at=now, actor=self.actor.name, kind="dispatched", detail=detail
                )
            )
            unit.incident_id, unit.flag_id = incident.id, None
            unit.version += 1
        if units:
            self._advance(session, incident, Status.DISPATCHED, None, now)
        if first_arrived is not None:
            self._advance(session, incident, Status.ON_SCENE, first_arrived, now)
            incident.attended_at = now
        return list(units)

    def _advance(
        self, session: AsyncSession, incident: Incident, wanted: Status, unit: str | None, now: datetime
    ) -> None:
        check_transition(Status.of(incident.status), wanted)
        detail: dict[str, Any] = {"from": incident.status, "to": wanted.value}
        if unit is not None:
            detail["unit"] = unit
        session.add(
            IncidentEvent(
                incident_id=incident.id, at=now, actor=self.actor.name, kind="status", detail=detail
            )
        )
        incident.status = wanted.value


async def _new_incident_from_flag(
    session: AsyncSession, flag: Flag, category: str, source: str, grade: int | None, summary: str | None
) -> NewIncident:
    venue = await session.get(Venue, flag.venue_id) if flag.venue_id is not None else None
    if summary is None:
        summary = f"Flagged: {Behaviour.of(flag.behaviour).label} — {flag.reason}"
    return NewIncident(
        category=category,
        source=source,
        summary=summary,
        grade=grade,
        venue=venue.name if venue is not None else None,
        lat=None if venue is not None else flag.lat,
        lon=None if venue is not None else flag.lon,
        place=flag.place,
    )
