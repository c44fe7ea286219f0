"""Dispatch: sending units to an incident or a flagged location.

Dispatch sets each unit en route and the incident Dispatched; the times are kept in
``dispatches`` so response against the grade targets can be reported. A unit busy
on a lower-graded task can be diverted to a Grade 1, and both incidents' timelines
say so. Available units can also be sent to watch a flagged location.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import (
    Status,
    UnitStatus,
)
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import (
    UnitSnapshot,
    flag_to_json,
    unit_to_json,
)
from controlroom.incidents.lifecycle import check_transition
from controlroom.incidents.records import find_incident, incident_snapshot, touch
from controlroom.patrols.records import (
    active_flag,
    check_free_for_flag,
    find_unit,
    flag_snapshot,
    open_dispatch,
    unit_snapshot,
)
from controlroom.storage.models import Dispatch, Incident, IncidentEvent, Unit
from controlroom.writes import CommandBase, requires


class DispatchCommands(CommandBase):
    """Sending units: to incidents (diverting for a Grade 1) and to flagged locations."""

    @requires("incident.dispatch")
    async def dispatch(self, reference: str, callsigns: Sequence[str]) -> list[UnitSnapshot]:
        """Send units to an incident; a busy unit may only be diverted to a Grade 1."""
        if not callsigns:
            raise ValidationError("name at least one unit: --unit CALLSIGN")
        now = self.clock()
        async with self.db.write() as session:
            incident = await find_incident(session, reference)
            if incident.status in (Status.RESOLVED.value, Status.CLOSED.value):
                raise ValidationError(
                    f"{incident.reference} is {incident.status}; reopen it before dispatching"
                )
            units = [await find_unit(session, sign, lock=not self.db.is_sqlite) for sign in callsigns]
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
            touch(incident, self.actor.name, now)
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
        running = await open_dispatch(session, unit.id)
        if running is not None:
            running.ended_at = now
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
            touch(previous, self.actor.name, now)
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
            flag = await active_flag(session, flag_id, now, lock=not self.db.is_sqlite)
            signs = dict.fromkeys(sign.strip().upper() for sign in callsigns)
            units = [await find_unit(session, sign, lock=not self.db.is_sqlite) for sign in signs]
            for unit in units:
                await check_free_for_flag(session, unit, flag)
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
