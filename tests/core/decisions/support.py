"""A night with an incident, a zone and a direction to link decisions to; counts of what decisions write."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select

from controlroom.commands import Commands
from controlroom.decisions.records import NewDecision
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, ChangeLogEntry, Decision, DecisionTarget, IncidentEvent
from tests.core.dispersal.test_dispersal import direction_spec, zone_spec
from tests.core.support import FIXED_NOW, add_venue, commands_for

NOW = FIXED_NOW  # 23:30 UTC on Friday 27 November 2026: the operational night of 27 November

DOOR_STAFF = NewDecision(
    subject="Close the Velvet Fox's door to new entry until 01:00",
    information="Three fights at the door since 22:40 (CCTV V3, door staff); a group of 12 still queuing",
    assessment="High risk of further assault at the door; the queue spills onto the road",
    powers_policy="Licensing Act 2003 conditions agreed with the DPS; force licensing policy",
    options="Disperse the queue under s.35: rejected, no zone covers Bedford Place at the door",
    decision="Ask the DPS to stop entry; a patrol at the door until 01:00",
    rationale="Least intrusive option that removes the queue, with the venue's agreement",
)


@dataclass(frozen=True)
class Night:
    """The incident's reference, the zone's and direction's ids, and a supervisor's commands."""

    reference: str
    zone_id: int
    direction_id: int
    direction_reference: str
    supervisor: Commands


async def a_night(db: Database, now: datetime = NOW) -> Night:
    supervisor = commands_for(db, "sup_one", now, role="supervisor")
    await add_venue(supervisor)
    incident = await supervisor.report_incident(
        NewIncident(
            category="assault",
            source="cctv",
            summary="Fight at the door",
            grade=1,
            venue="Velvet Fox",
            reported_at=now - timedelta(minutes=30),
        )
    )
    zone = await supervisor.authorise_zone(
        zone_spec(
            starts_at=now - timedelta(hours=5, minutes=30),
            ends_at=now + timedelta(hours=18),
            signed_at=now - timedelta(hours=5, minutes=45),
        )
    )
    given = await supervisor.give_direction(direction_spec())
    return Night(incident.reference, zone.id, given.direction.id, given.direction.reference, supervisor)


def as_user(night: Night, name: str, role: str, now: datetime = NOW) -> Commands:
    """Another user's commands on the same database and clock."""
    return commands_for(night.supervisor.context.db, name, now, role=role)


def ndm(**changes: object) -> NewDecision:
    return replace(DOOR_STAFF, **changes)  # type: ignore[arg-type]


async def decision_counts(db: Database) -> dict[str, int]:
    """Rows of every table recording a decision writes to (the audit trail without logins)."""
    counts = {}
    async with db.read() as conn:
        audit = select(func.count()).select_from(AuditEntry).where(AuditEntry.action.not_like("user.login%"))
        counts["audit"] = (await conn.execute(audit)).scalar_one()
        for name, model in (
            ("decisions", Decision),
            ("links", DecisionTarget),
            ("timeline", IncidentEvent),
            ("changes", ChangeLogEntry),
        ):
            counts[name] = (await conn.execute(select(func.count()).select_from(model))).scalar_one()
    return counts
