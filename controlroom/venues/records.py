"""Reading venues: a snapshot from a row, and a venue found by the name someone typed."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import VenueSnapshot
from controlroom.storage.models import Venue


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
