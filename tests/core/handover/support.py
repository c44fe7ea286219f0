"""A known night for handover tests: one of every kind of thing a handover lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from controlroom.commands import Commands
from controlroom.footage.commands import FootageCommands
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from tests.core.dispersal.test_dispersal import INSIDE, direction_spec, zone_spec
from tests.core.support import FIXED_NOW, add_venue, commands_for

NOW = FIXED_NOW  # Friday 27 November 2026, 23:30 UTC (GMT)
GIVER = "op_out"
TAKER = "op_in"


@dataclass(frozen=True)
class KnownNight:
    """What ``known_night`` made, by the keys a handover names them with."""

    spiking_id: int
    spiking_ref: str
    g1_id: int
    g1_ref: str
    unit_id: int
    flag_id: int
    zone_id: int
    direction_id: int
    direction_ref: str
    subject_id: int
    venue_id: int
    task_id: int
    request_id: int


def outgoing(db: Database, role: str = "operator", name: str = GIVER) -> Commands:
    return commands_for(db, name, NOW, role=role)


async def known_night(db: Database, now: datetime = NOW) -> KnownNight:
    """A spiking report with its checklist (a step overdue), a unit sent to it, an unacknowledged
    Grade 1, a flag, a zone with a direction to a 14-year-old (so a take-home task), a sighting
    of him tonight, the safe space full and an open footage request."""
    boss = commands_for(db, "sup_a", now, role="supervisor")
    await add_venue(boss)
    venue = await boss.set_safe_space_status("Velvet Fox", "full")
    spiking = await boss.report_incident(
        NewIncident(
            category="suspected_spiking",
            source="licensed_premises",
            summary="Woman feels unwell after one drink",
            grade=2,
            venue="Velvet Fox",
            reported_at=now - timedelta(minutes=20),
        )
    )
    unit = await boss.add_unit("SN-21", "police_foot", at=INSIDE)
    await boss.dispatch(spiking.reference, ["SN-21"])
    g1 = await boss.report_incident(
        NewIncident(
            category="assault",
            source="cctv",
            summary="Fight outside the kebab shop",
            grade=1,
            lat=50.9060,
            lon=-1.4044,
            place="Above Bar Street",
            reported_at=now - timedelta(minutes=4),
        )
    )
    flag = await boss.flag_location(
        behaviour="following", reason="Man following lone women", venue="Velvet Fox"
    )
    zone = await boss.authorise_zone(zone_spec(**_zone_times(now)))
    given = await boss.give_direction(direction_spec(apparent_age=14, description="Boy, about 14, red cap"))
    await boss.record_sighting(
        given.subject.id, at=INSIDE, place="Bedford Place", seen_at=now - timedelta(minutes=2)
    )
    request = await FootageCommands(boss.context).record_request(
        spiking.reference, "DC 123 Avery", "identify who bought the drink"
    )
    assert given.take_home_task_id is not None
    return KnownNight(
        spiking_id=spiking.id,
        spiking_ref=spiking.reference,
        g1_id=g1.id,
        g1_ref=g1.reference,
        unit_id=unit.id,
        flag_id=flag.id,
        zone_id=zone.id,
        direction_id=given.direction.id,
        direction_ref=given.direction.reference,
        subject_id=given.subject.id,
        venue_id=venue.id,
        task_id=given.take_home_task_id,
        request_id=request.id,
    )


def _zone_times(now: datetime) -> dict[str, Any]:
    """The test zone's period around ``now`` (signed before it starts, as s.34(4) requires)."""
    return {
        "starts_at": now - timedelta(hours=5, minutes=30),
        "ends_at": now + timedelta(hours=18),
        "signed_at": now - timedelta(hours=5, minutes=45),
    }
