"""Patrol units: joining the night, their status and position (a stand-in for radio and AVL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import (
    Status,
    UnitKind,
    UnitStatus,
)
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import (
    UnitSnapshot,
    unit_to_json,
)
from controlroom.core.validation import parse_choice
from controlroom.incidents.records import incident_snapshot, touch
from controlroom.patrols.records import AGENCY, find_unit, open_dispatch, parse_callsign, unit_snapshot
from controlroom.storage.models import Incident, IncidentEvent, Unit
from controlroom.writes import CommandBase, requires


class UnitCommands(CommandBase):
    """Units: added by callsign, then moved and given a status; arrival puts the incident On scene."""

    @requires("unit.add")
    async def add_unit(
        self, callsign: str, kind: str, at: tuple[float, float] | None = None, agency: str | None = None
    ) -> UnitSnapshot:
        sign = parse_callsign(callsign)
        unit_kind = parse_choice(UnitKind, kind, "unit kind").value
        position = self.area.require(*at) if at else None
        now = self.clock()
        async with self.db.write() as session:
            if await find_unit(session, sign, missing_ok=True) is not None:
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
        position = self.area.require(*at) if at else None
        if wanted is None and position is None:
            raise ValidationError("nothing to change: give --status and/or --at LAT,LON")
        now = self.clock()
        async with self.db.write() as session:
            row = await find_unit(session, callsign)
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
        dispatch = await open_dispatch(session, unit.id)
        incident = await session.get(Incident, unit.incident_id) if unit.incident_id else None
        changed: list[Incident] = []
        if wanted == UnitStatus.ON_SCENE.value and dispatch is not None:
            dispatch.arrived_at = dispatch.arrived_at or now
            if incident is not None and incident.status == Status.DISPATCHED.value:
                incident.status = Status.ON_SCENE.value
                incident.attended_at = incident.attended_at or now
                touch(incident, self.actor.name, now)
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
