"""Patrol units, flagged locations and dispatch: the commands a dispatcher gives.

Dispatch sets each unit en route and the incident Dispatched; a unit reporting
on scene sets the incident On scene; the times are kept in ``dispatches`` so
response against the grade targets can be reported. A unit busy on a lower-graded
task can be diverted to a Grade 1, and both incidents' timelines say so.

Available units can also be sent to a flagged location (``dispatch_to_flag``);
turning the flag into an incident (``convert_flag``) moves them, with their
dispatches, onto the new incident.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import (
    LOCAL_TZ,
    SOUTHAMPTON_CENTRE,
    Behaviour,
    OperatingArea,
    Status,
    UnitKind,
    UnitStatus,
)
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import (
    FlagSnapshot,
    IncidentSnapshot,
    UnitSnapshot,
    flag_to_json,
    unit_to_json,
)
from controlroom.incidents.lifecycle import check_transition
from controlroom.incidents.records import clean_text, find_venue, incident_snapshot, parse_choice
from controlroom.storage.models import Dispatch, Flag, Incident, IncidentEvent, Unit, Venue
from controlroom.writes import CommandBase, requires

if TYPE_CHECKING:
    from controlroom.commands import NewIncident

AGENCY = {
    "police_foot": "Police",
    "police_vehicle": "Police",
    "plain_clothes": "Police",
    "street_pastors": "Street Pastors",
    "st_john": "St John Ambulance",
    "welfare": "Welfare",
}
MAX_FLAG_MINUTES = 12 * 60
BUSY = (UnitStatus.EN_ROUTE.value, UnitStatus.ON_SCENE.value, UnitStatus.BUSY.value)


def unit_snapshot(row: Unit) -> UnitSnapshot:
    return UnitSnapshot(
        id=row.id,
        callsign=row.callsign,
        kind=row.kind,
        agency=row.agency,
        status=row.status,
        lat=row.lat,
        lon=row.lon,
        position_at=row.position_at,
        status_since=row.status_since,
        incident_id=row.incident_id,
        flag_id=row.flag_id,
        version=row.version,
    )


def flag_snapshot(row: Flag) -> FlagSnapshot:
    return FlagSnapshot(
        id=row.id,
        lat=row.lat,
        lon=row.lon,
        venue_id=row.venue_id,
        place=row.place,
        behaviour=row.behaviour,
        reason=row.reason,
        flagged_at=row.flagged_at,
        expires_at=row.expires_at,
        cleared_at=row.cleared_at,
        incident_id=row.incident_id,
        created_by=row.created_by,
        version=row.version,
    )


def parse_lat_lon(lat: float, lon: float, area: OperatingArea) -> tuple[float, float]:
    if not area.contains(lat, lon):
        raise ValidationError(
            f"{lat:.5f},{lon:.5f} is outside the operating area ({area.describe()}); "
            "check the order is LAT,LON"
        )
    return lat, lon


class PatrolCommands(CommandBase):
    """Mixed into ``Commands``: units, flags and dispatch."""

    area: OperatingArea = SOUTHAMPTON_CENTRE

    @requires("unit.add")
    async def add_unit(
        self, callsign: str, kind: str, at: tuple[float, float] | None = None, agency: str | None = None
    ) -> UnitSnapshot:
        sign = _callsign(callsign)
        unit_kind = parse_choice(UnitKind, kind, "unit kind").value
        position = parse_lat_lon(*at, self.area) if at else None
        now = self.clock()
        async with self.db.write() as session:
            if await _unit(session, sign, missing_ok=True) is not None:
                raise ValidationError(f"a unit with callsign {sign} already exists; use `unit update`")
            row = Unit(
                callsign=sign,
                kind=unit_kind,
                agency=agency or AGENCY[unit_kind],
                status=UnitStatus.AVAILABLE.value,
                lat=position[0] if position else None,
                lon=position[1] if position else None,
                position_at=now if position else None,
                status_since=now,
                version=1,
            )
            session.add(row)
            await session.flush()
            snapshot = unit_snapshot(row)
            await self._finish(
                session, "unit.add", "unit", row.id, {"callsign": sign}, unit_to_json(snapshot), now
            )
            return snapshot

    @requires("unit.update")
    async def update_unit(
        self, callsign: str, *, status: str | None = None, at: tuple[float, float] | None = None
    ) -> UnitSnapshot:
        """Status and/or position (a stand-in for radio and AVL feeds)."""
        wanted = parse_choice(UnitStatus, status, "unit status").value if status else None
        position = parse_lat_lon(*at, self.area) if at else None
        if wanted is None and position is None:
            raise ValidationError("nothing to change: give --status and/or --at LAT,LON")
        now = self.clock()
        async with self.db.write() as session:
            row = await _unit(session, callsign)
            changed_incidents: list[Incident] = []
            if position is not None:
                row.lat, row.lon, row.position_at = position[0], position[1], now
            if wanted is not None and wanted != row.status:
                changed_incidents = await self._status_effects(session, row, wanted, now)
                row.status, row.status_since = wanted, now
            row.version += 1
            await session.flush()
            snapshot = unit_snapshot(row)
            await self._finish(
                session,
                "unit.update",
                "unit",
                row.id,
                {"callsign": row.callsign, "status": wanted, "moved": position is not None},
                unit_to_json(snapshot),
                now,
            )
            for incident in changed_incidents:
                await self._append_change(
                    session, "incident", incident.id, incident_snapshot(incident).to_json(), now
                )
            return snapshot

    async def _status_effects(
        self, session: AsyncSession, unit: Unit, wanted: str, now: datetime
    ) -> list[Incident]:
        """Arrival sets the incident On scene; becoming free ends the tasking."""
        dispatch = await _open_dispatch(session, unit.id)
        incident = await session.get(Incident, unit.incident_id) if unit.incident_id else None
        changed: list[Incident] = []
        if wanted == UnitStatus.ON_SCENE.value and dispatch is not None:
            dispatch.arrived_at = dispatch.arrived_at or now
            if incident is not None and incident.status == Status.DISPATCHED.value:
                incident.status = Status.ON_SCENE.value
                incident.attended_at = incident.attended_at or now
                _touch(incident, self.actor.name, now)
                session.add(
                    IncidentEvent(
                        incident_id=incident.id,
                        at=now,
                        actor=self.actor.name,
                        kind="status",
                        detail={"from": "dispatched", "to": "on_scene", "unit": unit.callsign},
                    )
                )
                changed.append(incident)
        elif wanted in (UnitStatus.AVAILABLE.value, UnitStatus.OFF_DUTY.value, UnitStatus.REFRESHMENT.value):
            if dispatch is not None:
                dispatch.ended_at = now
            unit.incident_id = unit.flag_id = None
        return changed

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
                lat, lon = parse_lat_lon(*at, self.area)
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

    @requires("incident.dispatch")
    async def dispatch(self, reference: str, callsigns: Sequence[str]) -> list[UnitSnapshot]:
        """Send units to an incident; a busy unit may only be diverted to a Grade 1."""
        if not callsigns:
            raise ValidationError("name at least one unit: --unit CALLSIGN")
        now = self.clock()
        async with self.db.write() as session:
            incident = await _incident(session, reference)
            if incident.status in (Status.RESOLVED.value, Status.CLOSED.value):
                raise ValidationError(
                    f"{incident.reference} is {incident.status}; reopen it before dispatching"
                )
            units = [await _unit(session, sign, lock=not self.db.is_sqlite) for sign in callsigns]
            diverted = [await self._check_available(session, unit, incident) for unit in units]
            touched = {incident.id: incident}
            for unit, previous in zip(units, diverted, strict=True):
                await self._send(session, unit, incident, previous, now)
                if previous is not None:
                    touched[previous.id] = previous
            if incident.status in (Status.NEW.value, Status.ACKNOWLEDGED.value):
                check_transition(Status.of(incident.status), Status.DISPATCHED)
                session.add(
                    IncidentEvent(
                        incident_id=incident.id,
                        at=now,
                        actor=self.actor.name,
                        kind="status",
                        detail={"from": incident.status, "to": "dispatched"},
                    )
                )
                incident.status = Status.DISPATCHED.value
            _touch(incident, self.actor.name, now)
            await session.flush()
            await self._finish(
                session,
                "incident.dispatch",
                "incident",
                incident.id,
                {"reference": incident.reference, "units": [u.callsign for u in units]},
                incident_snapshot(incident).to_json(),
                now,
            )
            for other in touched.values():
                if other.id != incident.id:
                    await self._append_change(
                        session, "incident", other.id, incident_snapshot(other).to_json(), now
                    )
            snapshots = [unit_snapshot(u) for u in units]
            for snapshot in snapshots:
                await self._append_change(session, "unit", snapshot.id, unit_to_json(snapshot), now)
            return snapshots

    async def _check_available(
        self, session: AsyncSession, unit: Unit, incident: Incident
    ) -> Incident | None:
        """None if the unit is free; the incident it is diverted from if that is allowed."""
        if unit.status == UnitStatus.AVAILABLE.value:
            return None
        if unit.status == UnitStatus.OFF_DUTY.value:
            raise ValidationError(f"{unit.callsign} is off duty; choose an available unit")
        current = await session.get(Incident, unit.incident_id) if unit.incident_id else None
        if current is not None and current.id == incident.id:
            raise ValidationError(f"{unit.callsign} is already assigned to {incident.reference}")
        current_grade = (current.grade or 9) if current is not None else 9
        if incident.grade == 1 and current_grade > 1:
            return current
        if current is not None:
            task = f"{current.reference} (G{current.grade or '-'})"
        else:
            task = f"flag {unit.flag_id}" if unit.flag_id else "another task"
        raise ValidationError(
            f"{unit.callsign} is {unit.status.replace('_', ' ')} on {task}; "
            "a busy unit can only be diverted to a Grade 1 incident"
        )

    async def _send(
        self, session: AsyncSession, unit: Unit, incident: Incident, previous: Incident | None, now: datetime
    ) -> None:
        open_dispatch = await _open_dispatch(session, unit.id)
        if open_dispatch is not None:
            open_dispatch.ended_at = now
        if previous is not None:
            session.add(
                IncidentEvent(
                    incident_id=previous.id,
                    at=now,
                    actor=self.actor.name,
                    kind="diverted",
                    detail={"unit": unit.callsign, "to": incident.reference},
                )
            )
            _touch(previous, self.actor.name, now)
        session.add(
            Dispatch(
                unit_id=unit.id,
                incident_id=incident.id,
                dispatched_at=now,
                diverted_from=previous.id if previous else None,
                actor=self.actor.name,
            )
        )
        detail: dict[str, Any] = {"unit": unit.callsign}
        if previous is not None:
            detail["diverted_from"] = previous.reference
        elif unit.flag_id is not None:
            detail["diverted_from_flag"] = unit.flag_id
        session.add(
            IncidentEvent(
                incident_id=incident.id, at=now, actor=self.actor.name, kind="dispatched", detail=detail
            )
        )
        unit.status, unit.status_since = UnitStatus.EN_ROUTE.value, now
        unit.incident_id, unit.flag_id = incident.id, None
        unit.version += 1

    # -- flagged locations: dispatch and conversion --------------------------

    @requires("flag.dispatch")
    async def dispatch_to_flag(self, flag_id: int, callsigns: Sequence[str]) -> list[UnitSnapshot]:
        """Send available units to watch a flagged location; each goes en route with a dispatch.

        Only available units go: taking a busy unit off its task is kept for Grade 1
        incidents. Arrival (``update_unit(status="on_scene")``) stamps the dispatch.
        """
        if not callsigns:
            raise ValidationError("name at least one unit: --unit CALLSIGN")
        now = self.clock()
        async with self.db.write() as session:
            flag = await _active_flag(session, flag_id, now, lock=not self.db.is_sqlite)
            signs = dict.fromkeys(sign.strip().upper() for sign in callsigns)
            units = [await _unit(session, sign, lock=not self.db.is_sqlite) for sign in signs]
            for unit in units:
                await _check_free_for_flag(session, unit, flag)
            for unit in units:
                session.add(
                    Dispatch(unit_id=unit.id, flag_id=flag.id, dispatched_at=now, actor=self.actor.name)
                )
                unit.status, unit.status_since = UnitStatus.EN_ROUTE.value, now
                unit.incident_id, unit.flag_id = None, flag.id
                unit.version += 1
            # The flag's own columns do not change, but its version moves so a console's
            # flag list redraws the units now tasked to it.
            flag.version += 1
            await session.flush()
            await self._finish(
                session,
                "flag.dispatch",
                "flag",
                flag.id,
                {"units": [u.callsign for u in units]},
                flag_to_json(flag_snapshot(flag)),
                now,
            )
            snapshots = [unit_snapshot(u) for u in units]
            for snapshot in snapshots:
                await self._append_change(session, "unit", snapshot.id, unit_to_json(snapshot), now)
            return snapshots

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
            flag = await _active_flag(session, flag_id, now, lock=not self.db.is_sqlite)
            new = await _new_incident_from_flag(session, flag, category, source, grade, summary)
            columns = self._validated(new)
            incident = await self._insert_incident(session, new, columns, now)
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
            dispatch = await _open_dispatch(session, unit.id)
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

    # Supplied by ``Commands`` (the report_incident path), so a converted flag makes
    # an incident exactly as a typed report would.
    def _validated(self, new: NewIncident) -> dict[str, Any]:
        raise NotImplementedError

    async def _insert_incident(
        self, session: AsyncSession, new: NewIncident, columns: dict[str, Any], now: datetime
    ) -> Incident:
        raise NotImplementedError


def _touch(incident: Incident, actor: str, now: datetime) -> None:
    incident.version += 1
    incident.updated_by = actor
    incident.updated_at = now


def _callsign(text: str) -> str:
    sign = text.strip().upper()
    if not sign or len(sign) > 40 or not all(ch.isalnum() or ch in "-/ " for ch in sign):
        raise ValidationError(f"{text!r} is not a callsign; use letters, digits and - or /, e.g. SN-21")
    return sign


async def _unit(
    session: AsyncSession, callsign: str, *, missing_ok: bool = False, lock: bool = False
) -> Unit:
    sign = callsign.strip().upper()
    query = select(Unit).where(Unit.callsign == sign)
    if lock:  # two consoles sending the same unit: the second waits, then sees it busy
        query = query.with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None and not missing_ok:
        known = (await session.execute(select(Unit.callsign))).scalars().all()
        close = difflib.get_close_matches(sign, known, n=4, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `controlroom unit list` shows them"
        raise ValidationError(f"unknown unit {sign!r}{hint}")
    return row  # type: ignore[return-value]


async def _incident(session: AsyncSession, reference: str) -> Incident:
    row = (
        await session.execute(select(Incident).where(Incident.reference == reference.strip().upper()))
    ).scalar_one_or_none()
    if row is None:
        raise ValidationError(
            f"no incident with reference {reference!r}; references look like SOT-20261127-0042"
        )
    return row


async def _open_dispatch(session: AsyncSession, unit_id: int) -> Dispatch | None:
    return (
        await session.execute(
            select(Dispatch)
            .where(Dispatch.unit_id == unit_id, Dispatch.ended_at.is_(None))
            .order_by(Dispatch.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M")


async def _active_flag(session: AsyncSession, flag_id: int, now: datetime, *, lock: bool) -> Flag:
    """The flag if it is still active, else an error saying what became of it.

    ``lock`` (PostgreSQL) makes a second console converting the same flag wait and
    then find it converted, instead of making a second incident.
    """
    flag = await session.get(Flag, flag_id, with_for_update=lock)
    if flag is None:
        raise ValidationError(f"no flag number {flag_id}; `controlroom flags` lists the active ones")
    if flag.incident_id is not None:
        incident = await session.get(Incident, flag.incident_id)
        ref = incident.reference if incident is not None else str(flag.incident_id)
        raise ValidationError(f"flag {flag_id} is already incident {ref}; work that incident instead")
    if flag.cleared_at is not None:
        raise ValidationError(
            f"flag {flag_id} was cleared at {_local(flag.cleared_at)}; "
            "flag the location again if the behaviour is still going on"
        )
    if flag.expires_at <= now:
        raise ValidationError(
            f"flag {flag_id} expired at {_local(flag.expires_at)}; "
            "flag the location again if the behaviour is still going on"
        )
    return flag


async def _check_free_for_flag(session: AsyncSession, unit: Unit, flag: Flag) -> None:
    if unit.status == UnitStatus.AVAILABLE.value:
        return
    if unit.status == UnitStatus.OFF_DUTY.value:
        raise ValidationError(f"{unit.callsign} is off duty; choose an available unit")
    if unit.flag_id == flag.id:
        raise ValidationError(f"{unit.callsign} is already tasked to flag {flag.id}")
    current = await session.get(Incident, unit.incident_id) if unit.incident_id else None
    if current is not None:
        task = f" on {current.reference} (G{current.grade or '-'})"
    else:
        task = f" on flag {unit.flag_id}" if unit.flag_id else ""
    raise ValidationError(
        f"{unit.callsign} is {unit.status.replace('_', ' ')}{task}; only an available unit can be "
        "sent to a flag (a busy unit can only be diverted to a Grade 1 incident)"
    )


async def _new_incident_from_flag(
    session: AsyncSession, flag: Flag, category: str, source: str, grade: int | None, summary: str | None
) -> NewIncident:
    from controlroom.commands import NewIncident  # commands imports this module

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
