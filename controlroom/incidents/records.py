"""Reading incident rows as snapshots, for the commands and for replayed reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Label, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.decoding import decode_incident
from controlroom.core.errors import ValidationError
from controlroom.core.roles import PERSON_FIELDS
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.storage.models import Incident
from controlroom.storage.raw import as_stored


def incident_snapshot(row: Incident) -> IncidentSnapshot:
    return IncidentSnapshot(
        id=row.id,
        reference=row.reference,
        reported_at=row.reported_at,
        source=row.source,
        category=row.category,
        grade=row.grade,
        status=row.status,
        venue_id=row.venue_id,
        place=row.place,
        lat=row.lat,
        lon=row.lon,
        summary=row.summary,
        version=row.version,
        thrive=row.thrive,
        vulnerable_person=row.vulnerable_person,
        person_of_concern=row.person_of_concern,
        reporter_contact=row.reporter_contact,
        angela_outcome=row.angela_outcome,
        duplicate_of=row.duplicate_of,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
        attended_at=row.attended_at,
        caller_updated_at=row.caller_updated_at,
        venue_link=row.venue_link,
    )


async def incident_by_key(session: AsyncSession, key: str) -> Incident | None:
    return (
        await session.execute(select(Incident).where(Incident.idempotency_key == key))
    ).scalar_one_or_none()


async def reported_by_key(session: AsyncSession, key: str, *, redacted: bool) -> IncidentSnapshot | None:
    """The incident a report with this idempotency key made, if any.

    ``redacted`` (a partner): read without the persons-of-concern columns, which a
    partner's PostgreSQL login may not select, and hand them back blank.
    """
    if not redacted:
        row = await incident_by_key(session, key)
        return incident_snapshot(row) if row is not None else None
    found = (
        (
            await session.execute(
                select(*incident_columns(redacted=True)).where(Incident.idempotency_key == key)
            )
        )
        .mappings()
        .first()
    )
    return incident_from_row(found) if found is not None else None


def incident_columns(*, redacted: bool) -> list[Label[Any]]:
    """The incident columns a reader selects, as stored (``incident_from_row`` reads them);
    ``redacted`` (a partner) leaves out the persons-of-concern columns, which a partner's
    PostgreSQL login may not select."""
    return as_stored(c for c in Incident.__table__.columns if not (redacted and c.name in PERSON_FIELDS))


def incident_from_row(row: Any) -> IncidentSnapshot:
    """A snapshot from a row selected with ``incident_columns`` (a mapping); person columns
    a redacted read left out are blank. A value the program cannot read raises
    ``core.decoding.UndecodableRowError`` naming it."""
    return decode_incident(row)


def touch(incident: Incident, actor: str, now: datetime) -> None:
    """A new version of the incident, stamped with who changed it and when."""
    incident.version += 1
    incident.updated_by = actor
    incident.updated_at = now


async def find_incident(session: AsyncSession, reference: str) -> Incident:
    """The incident with this reference (any case), or an error showing what references look like."""
    row = (
        await session.execute(select(Incident).where(Incident.reference == reference.strip().upper()))
    ).scalar_one_or_none()
    if row is None:
        raise ValidationError(
            f"no incident with reference {reference!r}; references look like SOT-20261127-0042"
        )
    return row
