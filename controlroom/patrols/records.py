"""Reading patrol units, flags and dispatches, for the dispatcher's commands.

Each finder refuses with a message that says what exists instead (close callsigns,
what became of a flag), so a typo at 2 a.m. costs one retry, not a guess.
"""

from __future__ import annotations

import difflib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import (
    LOCAL_TZ,
    UnitStatus,
)
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import (
    FlagSnapshot,
    UnitSnapshot,
)
from controlroom.core.validation import callsign
from controlroom.storage.models import Dispatch, Flag, Incident, Unit

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


def parse_callsign(text: str) -> str:
    """A callsign as typed, checked (ASCII only, see ``core.validation.callsign``) and in capitals."""
    return callsign(text)


async def find_unit(
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


async def open_dispatch(session: AsyncSession, unit_id: int) -> Dispatch | None:
    return (
        await session.execute(
            select(Dispatch)
            .where(Dispatch.unit_id == unit_id, Dispatch.ended_at.is_(None))
            .order_by(Dispatch.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


def local_hhmm(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M")


async def active_flag(session: AsyncSession, flag_id: int, now: datetime, *, lock: bool) -> Flag:
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
            f"flag {flag_id} was cleared at {local_hhmm(flag.cleared_at)}; "
            "flag the location again if the behaviour is still going on"
        )
    if flag.expires_at <= now:
        raise ValidationError(
            f"flag {flag_id} expired at {local_hhmm(flag.expires_at)}; "
            "flag the location again if the behaviour is still going on"
        )
    return flag


async def check_free_for_flag(session: AsyncSession, unit: Unit, flag: Flag) -> None:
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
