"""Other consoles writing into a database as fast as they can, until killed.

Run as ``python -m tests.ui.shell.night_writer URL`` on a database the demo filled:
three writers at once report incidents, move patrol units and change a safe
space's status, through the same commands as the window, so every poll of a
window watching it brings incidents, units and venues to apply.
"""

from __future__ import annotations

import asyncio
import itertools
import sys

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database

UNITS = ("NW-1", "NW-2", "NW-3", "NW-4")
SPOTS = ((50.9030, -1.4043), (50.9015, -1.4020), (50.9060, -1.4044), (50.9100, -1.4060))


async def reports(commands: Commands) -> None:
    for number in itertools.count():
        await commands.report_incident(
            NewIncident(
                category="harassment",
                source="cctv",
                summary=f"busy-night report {number}",
                grade=2 if number % 3 else 1,
                lat=50.9015,
                lon=-1.4020,
                place="East Street",
            )
        )


async def unit_moves(commands: Commands) -> None:
    for callsign, at in zip(UNITS, SPOTS, strict=True):
        await commands.add_unit(callsign, "police_foot", at)
    for number in itertools.count():
        await commands.update_unit(UNITS[number % len(UNITS)], at=SPOTS[(number + 1) % len(SPOTS)])


async def safe_space(commands: Commands) -> None:
    for status in itertools.cycle(("full", "open")):
        await commands.set_safe_space_status("Velvet Fox", status)


async def main(url: str) -> None:
    db = Database(url)
    commands = Commands(db, Actor("night-writer", None))
    try:
        await asyncio.gather(reports(commands), unit_moves(commands), safe_space(commands))
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
