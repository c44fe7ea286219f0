"""Set-up for the window's procedure tests: a suspected spiking reported at a known minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database


def a_minute_ago() -> datetime:
    """A report time on the whole second, recent enough for the board's window."""
    return (datetime.now(UTC) - timedelta(minutes=1)).replace(microsecond=0)


async def report_spiking(url: str, reported_at: datetime, *, by: str = "other-console") -> str:
    """A Grade 2 suspected spiking at the Moonlit Parlour: it starts the spiking procedure."""
    db = Database(url)
    try:
        new = NewIncident(
            category="suspected_spiking",
            source="licensed_premises",
            summary="Woman feels drugged after one drink",
            grade=2,
            lat=50.905,
            lon=-1.404,
            place="Moonlit Parlour",
            reported_at=reported_at,
        )
        return (await Commands(db, Actor(by)).report_incident(new)).reference
    finally:
        await db.dispose()
