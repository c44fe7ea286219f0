"""A real SQLite database with users, one s.34 zone in force and one direction in it.

Made through the core's commands as real users (set-up mode may not process personal
data), so the dispersal forms and board are tested without the demo data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.dispersal.directions import DirectionSpec
from controlroom.dispersal.zones import ZoneSpec
from controlroom.storage.database import Database
from tests.conftest import run_isolated
from tests.ui.logins import actor_for, add_users

# Bedford Place and London Road, inside the operating area.
ZONE = [(50.9105, -1.4100), (50.9105, -1.4020), (50.9170, -1.4020), (50.9170, -1.4100)]
INSIDE = (50.9131, -1.4051)
OPERATOR, SUPERVISOR = "jsmith", "rkaur"


@dataclass(frozen=True)
class DispersalDb:
    url: str
    zone_id: int
    reference: str  # a direction running in the zone
    subject_id: int


def direction_spec(zone_id: int, **changes: object) -> DirectionSpec:
    """A lawful direction, every question answered; ``changes`` override fields."""
    fields: dict[str, object] = {
        "zone": zone_id,
        "at": INSIDE,
        "apparent_age": 30,
        "officer": "PC 5120 Alex Reed",
        "grounds": "Following lone women along London Road",
        "necessity": "Words of advice ignored twice tonight",
        "exclusion_hours": 24.0,
        "description": "Male, 30s, grey hoodie",
        "given_at": datetime.now(UTC) - timedelta(minutes=20),
        "in_uniform": True,
        "access_kept": True,
        "picket_or_procession": False,
        "offence_warning_given": True,
        "written_notice_given": True,
    }
    fields.update(changes)
    return DirectionSpec(**fields)  # type: ignore[arg-type]


async def _seed(url: str) -> DispersalDb:
    db = Database(url)
    try:
        now = datetime.now(UTC)
        supervisor = actor_for(url, SUPERVISOR)
        zone = await Commands(db, supervisor).authorise_zone(
            ZoneSpec(
                name="Bedford Place and London Road",
                polygon=ZONE,
                starts_at=now - timedelta(hours=2),
                ends_at=now + timedelta(hours=20),
                officer="Insp 3310 Ria Kaur",
                grounds="Groups harassing women queueing for taxis",
                rights_consideration="No assembly planned; Art. 10/11 not engaged",
                log_number="LOG-77",
                signed_at=now - timedelta(hours=2),
            )
        )
        operator = actor_for(url, OPERATOR)
        given = await Commands(db, operator).give_direction(direction_spec(zone.id))
        return DispersalDb(url, zone.id, given.direction.reference, given.subject.id)
    finally:
        await db.dispose()


@pytest.fixture
def dispersal_db(sqlite_url: str) -> DispersalDb:
    add_users(sqlite_url, (OPERATOR, "operator", ()), (SUPERVISOR, "supervisor", ()))
    return run_isolated(_seed(sqlite_url))


def operator(url: str) -> Actor:
    return actor_for(url, OPERATOR)
