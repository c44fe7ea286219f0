"""Reading rows as snapshots, and checking what people typed, for the command layer."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import KeyedColumnElement

from controlroom.core.errors import ValidationError
from controlroom.core.roles import PERSON_FIELDS
from controlroom.core.snapshots import IncidentSnapshot, VenueSnapshot
from controlroom.storage.models import Incident, Venue


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
    )


def venue_snapshot(row: Venue) -> VenueSnapshot:
    return VenueSnapshot(
        id=row.id,
        name=row.name,
        kind=row.kind,
        address=row.address,
        lat=row.lat,
        lon=row.lon,
        opening_hours=row.opening_hours,
        is_safe_space=row.is_safe_space,
        safe_space_status=row.safe_space_status,
        wave_trained=row.wave_trained,
        best_bar_none=row.best_bar_none,
        version=row.version,
    )


def parse_choice(enum_type: Any, text: str, what: str) -> Any:
    """Parse an enum value or raise an error listing the valid ones."""
    try:
        return enum_type.parse(text)
    except ValueError:
        valid = ", ".join(enum_type.choices())
        raise ValidationError(f"unknown {what} {text!r}; choose one of: {valid}") from None


def parse_grade(grade: int | None) -> int | None:
    if grade is not None and grade not in (1, 2, 3, 4):
        raise ValidationError(f"grade {grade!r} is not valid; use 1, 2, 3 or 4")
    return grade


async def find_venue(session: AsyncSession, name: str) -> Venue:
    """The venue with this name (any case), or an error listing close matches."""
    wanted = name.strip()
    row = (
        await session.execute(select(Venue).where(func.lower(Venue.name) == wanted.lower()))
    ).scalar_one_or_none()
    if row is not None:
        return row
    names: Sequence[str] = (await session.execute(select(Venue.name))).scalars().all()
    lowered = {n.lower(): n for n in names}
    close = [lowered[m] for m in difflib.get_close_matches(wanted.lower(), lowered, n=5, cutoff=0.5)]
    close += [n for n in names if wanted.lower() in n.lower() and n not in close][: 5 - len(close)]
    hint = f"; did you mean: {', '.join(close)}?" if close else "; `controlroom venues` lists them"
    raise ValidationError(f"unknown venue {wanted!r}{hint}")


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


def incident_columns(*, redacted: bool) -> list[KeyedColumnElement[Any]]:
    """The incident columns a reader selects; ``redacted`` (a partner) leaves out the
    persons-of-concern columns, which a partner's PostgreSQL login may not select."""
    return [c for c in Incident.__table__.columns if not (redacted and c.name in PERSON_FIELDS)]


def incident_from_row(row: Any) -> IncidentSnapshot:
    """A snapshot from a selected incident row (a mapping); person columns a redacted
    read left out are blank."""
    values: dict[str, Any] = dict.fromkeys(PERSON_FIELDS, "")
    values.update((name, row[name]) for name in IncidentSnapshot.__dataclass_fields__ if name in row)
    return IncidentSnapshot(**values)


def clean_text(value: str | None, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"the {what} is empty; say briefly what happened or where")
    if len(text) > limit:
        raise ValidationError(f"the {what} is {len(text)} characters long; the limit is {limit}")
    return text
