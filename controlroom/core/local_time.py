"""Times people type on the UK clock: refused when the clock change makes them mean two things.

An officer writes "01:30" as the street clock showed it. Twice a year that is not
one instant: on the last Sunday of March the clocks go from 01:00 straight to 02:00,
so 01:30 never happened; on the last Sunday of October 01:00–02:00 happens twice.
Python's ``zoneinfo`` would quietly pick one reading (``fold=0``), which could put a
direction an hour either side of the 48-hour limit. Here both readings are named and
the person chooses by writing the offset.
"""

from __future__ import annotations

from datetime import UTC, datetime

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError


def _reading(moment: datetime) -> str:
    """e.g. ``01:30 BST (write 2026-10-25T01:30+01:00)``."""
    local = moment.astimezone(UTC).astimezone(LOCAL_TZ)  # via UTC: a skipped wall time is normalised
    return f"{local:%H:%M} {local.tzname()} (write {local.isoformat(timespec='minutes')})"


def on_uk_clock(wall: datetime) -> datetime:
    """A naive wall-clock time read on the Europe/London clock, or a clear refusal.

    Aware times are returned unchanged (the offset already says which instant).
    """
    if wall.tzinfo is not None and wall.utcoffset() is not None:
        return wall
    first = wall.replace(tzinfo=LOCAL_TZ, fold=0)
    second = wall.replace(tzinfo=LOCAL_TZ, fold=1)
    day = f"{wall:%H:%M} on {wall:%A} {wall.day} {wall:%B %Y}"
    if first.utcoffset() == second.utcoffset():
        return first
    # The two folds disagree: either the hour was skipped or it happened twice.
    round_trip = first.astimezone(UTC).astimezone(LOCAL_TZ).replace(tzinfo=None)
    earlier, later = sorted((first, second), key=lambda m: m.astimezone(UTC))
    if round_trip != wall:
        # Skipped (spring forward): no such time; the readings are the instants either side.
        raise ValidationError(
            f"{day} does not exist on the UK clock: the clocks went forward an hour at 01:00 GMT. "
            f"Did you mean {_reading(earlier)} or {_reading(later)}?"
        )
    raise ValidationError(
        f"{day} happened twice on the UK clock (the clocks went back an hour at 02:00 BST). "
        f"Say which: {_reading(earlier)} or {_reading(later)}"
    )


def parse_uk_time(text: str, what: str = "time") -> datetime:
    """An ISO date and time; without an offset it is UK local time (both readings named if unclear)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"the {what} {text!r} is not a date and time; write e.g. 2026-11-27T22:00 (UK time) "
            "or 2026-11-27T22:00+00:00"
        ) from None
    return on_uk_clock(value)
