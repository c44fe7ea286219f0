"""A known operational night (27 November 2026, GMT) made through the core commands.

Incidents (UK time = UTC in November): D 19:15 Grade 3; A 22:00 Grade 1 at the Velvet
Fox, reached in 10 minutes; B 22:30 Grade 1 at the Kings Arms, reached in 20 (a breach,
the caller told); C 23:00 Grade 2, Ask for Angela at the Velvet Fox (taxi), never
reached (a breach, caller not told); K 23:20 a duplicate of A; Y the night before.
The Velvet Fox safe space is full 23:00–23:45, closed 23:45–00:30. An s.34 zone is in
force; at 23:30 a direction is given to a 15-year-old (one item surrendered, a
take-home task) and one person gets words of advice.
"""

from __future__ import annotations

from datetime import UTC, datetime

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from tests.core.dispersal.test_dispersal import direction_spec, zone_spec
from tests.core.support import add_venue

NIGHT_OF = datetime(2026, 11, 27, tzinfo=UTC)
PERSONAL = ("SUMMARY-SECRET", "CONCERN-DESCRIPTION", "VULNERABLE-NAME", "07700 900123")


class Clock:
    """A clock the scenario moves by hand."""

    def __init__(self) -> None:
        self.now = NIGHT_OF

    def __call__(self) -> datetime:
        return self.now

    def at(self, hh_mm: str, day: int = 27) -> None:
        hours, minutes = (int(part) for part in hh_mm.split(":"))
        self.now = NIGHT_OF.replace(day=day, hour=hours, minute=minutes)


async def known_night(db: Database) -> dict[str, str]:
    """Make the night above; returns letter → reference."""
    clock = Clock()
    commands = Commands(db, Actor("sup-1", "supervisor"), clock=clock)
    refs: dict[str, str] = {}

    async def report(letter: str, hh_mm: str, grade: int, day: int = 27, **more: str) -> None:
        clock.at(hh_mm, day)
        values = {
            "category": "assault",
            "source": "cctv",
            "lat": 50.9060,
            "lon": -1.4044,
            "place": "Above Bar",
        }
        values |= more
        if "venue" in more:
            values.pop("lat"), values.pop("lon"), values.pop("place")
        made = await commands.report_incident(
            NewIncident(
                summary=f"{PERSONAL[0]} {letter}",
                grade=grade,
                person_of_concern=PERSONAL[1],
                vulnerable_person=PERSONAL[2],
                reporter_contact=PERSONAL[3],
                **values,  # type: ignore[arg-type]
            )
        )
        refs[letter] = made.reference

    async def arrive(hh_mm: str, sign: str) -> None:
        clock.at(hh_mm)
        await commands.update_unit(sign, status="on_scene")

    clock.at("12:00", 26)
    await add_venue(commands)
    await add_venue(commands, "Kings Arms", safe=False)
    for sign in ("SN-1", "SN-2"):
        await commands.add_unit(sign, "police_foot", (50.9050, -1.4044))
    await report("Y", "23:00", 1, day=26)
    await report("D", "19:15", 3, category="other", source="public")
    await report("A", "22:00", 1, venue="Velvet Fox")
    clock.at("22:02")
    await commands.dispatch(refs["A"], ["SN-1"])
    await arrive("22:10", "SN-1")
    await report("B", "22:30", 1, category="disorder", source="police_patrol", venue="Kings Arms")
    clock.at("22:35")
    await commands.dispatch(refs["B"], ["SN-2"])
    clock.at("22:45")
    await commands.record_caller_updated(refs["B"], "Told her a patrol is coming")
    await arrive("22:50", "SN-2")
    await report(
        "C", "23:00", 2, category="vulnerable_person", source="ask_for_angela", venue="Velvet Fox",
        angela_outcome="taxi",
    )  # fmt: skip
    await commands.set_safe_space_status("Velvet Fox", "full")
    await report("K", "23:20", 1, venue="Velvet Fox")
    await commands.link_duplicate(refs["K"], refs["A"])
    clock.at("23:30")
    await commands.authorise_zone(zone_spec())
    given = await commands.give_direction(direction_spec(apparent_age=15, surrendered_items=["Vodka"]))
    await commands.warn_subject(given.subject.id, officer="PC 1 Al Bee", place="London Road")
    clock.at("23:45")
    await commands.set_safe_space_status("Velvet Fox", "closed")
    clock.at("00:30", 28)
    await commands.set_safe_space_status("Velvet Fox", "open")
    return refs
