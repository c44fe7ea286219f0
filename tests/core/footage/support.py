"""An incident at the Velvet Fox with three cameras around it, and counts of what footage work wrote."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from controlroom.cameras.records import CameraSpec, PresetSpec
from controlroom.commands import Commands
from controlroom.footage.commands import FootageCommands
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import (
    AuditEntry,
    ChangeLogEntry,
    FootageClip,
    FootageEvent,
    FootageRelease,
    FootageRequest,
    IncidentEvent,
)
from tests.core.support import FIXED_NOW, add_venue, commands_for

NOW = FIXED_NOW  # 23:30 UTC on Friday 27 November 2026
DOOR = CameraSpec(  # 20 m west of the Velvet Fox, looking east at its door
    "V3", "Velvet Fox door", "council", 50.9115, -1.409184, "fixed", heading=90, angle=70, range_m=40
)
JUNCTION = CameraSpec(  # 55 m north, a PTZ whose South preset covers the door
    "C12",
    "Above Bar junction",
    "council",
    50.9120,
    -1.4089,
    "ptz",
    presets=(PresetSpec("North", 0, 60, 100), PresetSpec("South", 180, 60, 100)),
    retention_days=14,
)
FAR = CameraSpec(  # the Bargate, far from the door
    "F1", "Bargate", "council", 50.9040, -1.4040, "fixed", heading=0, angle=60, range_m=80
)


async def incident_with_cameras(
    db: Database, role: str = "supervisor"
) -> tuple[str, Commands, FootageCommands]:
    """The incident's reference, and the commands of a ``role`` acting at ``NOW``."""
    commands = commands_for(db, f"{role}-1", NOW, role=role)
    await add_venue(commands)
    for spec in (DOOR, JUNCTION, FAR):
        await commands.cameras.add_camera(spec)
    incident = await commands.report_incident(
        NewIncident(
            category="assault",
            source="cctv",
            summary="Fight at the door",
            grade=1,
            venue="Velvet Fox",
            reported_at=NOW - timedelta(minutes=30),
        )
    )
    return incident.reference, commands, FootageCommands(commands.context)


def as_role(commands: Commands, role: str, name: str | None = None) -> FootageCommands:
    """The footage commands of another user on the same database and clock."""
    return FootageCommands(commands_for(commands.context.db, name or f"{role}-2", NOW, role=role).context)


async def footage_counts(db: Database) -> dict[str, int]:
    """Rows of every table a footage command writes to (the audit trail without logins)."""
    counts = {}
    async with db.read() as conn:
        audit = select(func.count()).select_from(AuditEntry).where(AuditEntry.action.not_like("user.login%"))
        counts["audit"] = (await conn.execute(audit)).scalar_one()
        for name, model in (
            ("clips", FootageClip),
            ("events", FootageEvent),
            ("requests", FootageRequest),
            ("releases", FootageRelease),
            ("timeline", IncidentEvent),
            ("changes", ChangeLogEntry),
        ):
            counts[name] = (await conn.execute(select(func.count()).select_from(model))).scalar_one()
    return counts
