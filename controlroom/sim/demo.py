"""Demo data: invented venues along Southampton's real night-time streets.

Every venue name here is made up; the streets and coordinates are real (approximate).
``load_demo`` is idempotent: venues are upserted by name and the evening's
incidents carry idempotency keys for the operational night, so running it twice
adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from controlroom.commands import Commands
from controlroom.core.domain import operational_night
from controlroom.core.errors import NotPermittedError
from controlroom.dispersal.directions import DirectionSpec
from controlroom.dispersal.persons import NewSubject
from controlroom.dispersal.zones import ZoneSpec
from controlroom.incidents.reporting import NewIncident
from controlroom.procedures.checklist import next_step
from controlroom.procedures.records import checklist_board
from controlroom.sim.demo_cameras import load_demo_cameras
from controlroom.storage.models import Direction, DispersalZone, Unit
from controlroom.venues.commands import VenueSpec

# name, kind, lat, lon, street, safe space status (None = not a safe space), WAVE, BBN
_VENUES: tuple[tuple[str, str, float, float, str, str | None, bool, str], ...] = (
    ("The Lantern & Lark", "pub", 50.9108, -1.4091, "Bedford Place", None, False, "bronze"),
    ("Velvet Fox", "bar", 50.9115, -1.4089, "Bedford Place", "open", True, "gold"),
    ("Copper Kettle Tavern", "pub", 50.9122, -1.4091, "Bedford Place", None, False, "none"),
    ("Nightjar Social", "bar", 50.9130, -1.4089, "Bedford Place", None, True, "silver"),
    ("The Gilded Owl", "bar", 50.9138, -1.4091, "Bedford Place", None, False, "bronze"),
    ("Blue Harbour Kebab", "late_takeaway", 50.9144, -1.4089, "Bedford Place", None, False, "none"),
    ("Moonlit Parlour", "club", 50.9118, -1.4056, "London Road", "open", True, "gold"),
    ("The Crooked Anchor", "pub", 50.9131, -1.4051, "London Road", None, False, "bronze"),
    ("Salt & Ember", "bar", 50.9145, -1.4044, "London Road", None, True, "silver"),
    ("Pixel Lounge", "bar", 50.9157, -1.4038, "London Road", None, False, "none"),
    ("Night Owl Pizza", "late_takeaway", 50.9165, -1.4033, "London Road", None, False, "none"),
    ("Carlton Cellar", "club", 50.9123, -1.4108, "Carlton Place", None, True, "silver"),
    ("The Hidden Fern", "bar", 50.9121, -1.4100, "Carlton Place", None, False, "bronze"),
    ("Harbourlight Club", "club", 50.9062, -1.4077, "Portland Terrace", "full", True, "gold"),
    ("The Tidewater", "pub", 50.9068, -1.4073, "Portland Terrace", None, False, "none"),
    ("Parkside Rooms", "bar", 50.9101, -1.4068, "Cumberland Place", None, False, "bronze"),
    ("Echo Chamber", "club", 50.9091, -1.4113, "Commercial Road", "open", True, "silver"),
    ("The Signal Box", "pub", 50.9088, -1.4124, "Commercial Road", None, False, "none"),
    ("Neon Arches", "club", 50.9092, -1.4099, "Commercial Road", None, True, "bronze"),
    ("The Bargate Vaults", "pub", 50.9033, -1.4042, "Above Bar Street", None, False, "bronze"),
    ("Starling Rooftop", "bar", 50.9046, -1.4045, "Above Bar Street", "open", True, "gold"),
    ("Marlowe's", "bar", 50.9058, -1.4043, "Above Bar Street", "closed", True, "silver"),
    ("Above Bar Chicken", "late_takeaway", 50.9069, -1.4044, "Above Bar Street", None, False, "none"),
    ("Guildhall Tap", "pub", 50.9078, -1.4048, "Above Bar Street", None, False, "bronze"),
    ("Wool Merchant's Arms", "pub", 50.8990, -1.4048, "High Street", None, False, "bronze"),
    ("Undercroft Club", "club", 50.9005, -1.4049, "High Street", None, True, "silver"),
    ("Quayside Social", "bar", 50.8972, -1.4054, "High Street", "open", True, "gold"),
    ("Eastgate Diner", "late_takeaway", 50.9015, -1.4031, "East Street", None, False, "none"),
    ("Olive & Oak", "bar", 50.8977, -1.3998, "Oxford Street", "open", True, "silver"),
    ("The Mariner's Rest", "pub", 50.8975, -1.3979, "Oxford Street", None, False, "bronze"),
    ("Cask & Compass", "pub", 50.8971, -1.3958, "Oxford Street", None, True, "none"),
    ("Marina Nights", "bar", 50.8965, -1.3905, "Canute Road", None, False, "bronze"),
    ("Westgate Lanes", "bar", 50.9047, -1.4086, "West Quay", None, False, "none"),
    ("Polygon Arms", "pub", 50.9139, -1.4127, "The Polygon", None, False, "none"),
    ("St John Safe Zone", "safe_zone", 50.9084, -1.4052, "Guildhall Square", "open", True, "none"),
    ("Street Pastors Base", "pastors_base", 50.9104, -1.4058, "London Road", "open", True, "none"),
    ("Station Taxi Rank Safe Point", "transport", 50.9077, -1.4131, "Commercial Road", "open", False, "none"),
)

_HOURS = {
    "pub": "11:00-00:00",
    "bar": "16:00-02:00",
    "club": "22:00-04:00",
    "late_takeaway": "18:00-04:00",
    "safe_zone": "Fri-Sat 22:00-04:00",
    "pastors_base": "Fri-Sat 22:00-04:00",
    "transport": "24 hours",
}


def demo_venues() -> list[VenueSpec]:
    """The demo venues as specs, ready for ``Commands.upsert_venue``."""
    return [
        VenueSpec(
            name=name,
            kind=kind,
            lat=lat,
            lon=lon,
            address=f"{street}, Southampton",
            opening_hours=_HOURS.get(kind, ""),
            is_safe_space=status is not None,
            safe_space_status=status,
            wave_trained=wave,
            best_bar_none=bbn,
        )
        for name, kind, lat, lon, street, status, wave, bbn in _VENUES
    ]


@dataclass(frozen=True, slots=True)
class _Template:
    category: str
    source: str
    grade: int | None
    summary: str
    venue: bool = True
    link: str | None = None  # how an incident at a venue relates to it; "at_venue" when None


_EVENING: tuple[_Template, ...] = (
    _Template(
        "predatory_behaviour",
        "cctv",
        2,
        "Male in grey hoodie following lone female between venues",
        link="nearby",
    ),
    _Template(
        "vulnerable_person",
        "street_pastors",
        3,
        "Female, very intoxicated, separated from friends, phone dead",
    ),
    _Template(
        "suspected_spiking",
        "licensed_premises",
        1,
        "Customer reports drink tasted odd, now drowsy and confused",
        link="venue_reported",
    ),
    _Template(
        "harassment",
        "welfare_officer",
        3,
        "Group of men repeatedly approaching women at the bar",
        link="inside",
    ),
    _Template(
        "harassment", "ask_for_angela", 2, "Ask for Angela: woman uneasy about date, wants to leave safely"
    ),
    _Template(
        "unwanted_sexual_behaviour",
        "licensed_premises",
        2,
        "Door staff report man groping customers on dance floor",
        link="venue_reported",
    ),
    _Template(
        "disorder", "police_patrol", 2, "Scuffle outside, two males squaring up in queue", link="door_queue"
    ),
    _Template(
        "vulnerable_person", "st_john", 3, "St John treating young woman, unwell, friends gone home", False
    ),
    _Template(
        "predatory_behaviour", "cctv", 2, "Man plying lone female with drinks and steering her to exit"
    ),
    _Template(
        "assault",
        "public",
        1,
        "Caller reports woman pushed to ground by male outside takeaway",
        link="nearby",
    ),
    _Template("harassment", "street_pastors", 3, "Lone woman being shouted at by passing group", False),
    _Template("other", "police_patrol", 4, "Lost property: handbag handed to patrol"),
    _Template(
        "vulnerable_person", "cctv", 2, "Female sitting alone on kerb, upset, appears disorientated", False
    ),
    _Template(
        "sexual_offence", "public", 1, "Woman reports sexual assault in alleyway, suspect left on foot"
    ),
    _Template(
        "predatory_behaviour",
        "welfare_officer",
        3,
        "Same man seen loitering outside three venues watching women",
    ),
    _Template(
        "suspected_spiking",
        "licensed_premises",
        2,
        "Two friends feel unwell after one drink, staff concerned",
    ),
    _Template("disorder", "cctv", 3, "Bottle thrown in taxi queue, no injuries seen"),
    _Template(
        "unwanted_sexual_behaviour",
        "public",
        3,
        "Female reports man leering and making comments at bus stop",
        False,
    ),
    _Template(
        "harassment", "ask_for_angela", 3, "Ask for Angela: customer being pestered, reunited with friends"
    ),
    _Template(
        "vulnerable_person",
        "police_patrol",
        None,
        "Patrol with distressed woman, cannot get home, needs taxi",
    ),
    _Template(
        "harassment", "licensed_premises", 3, "Ejected male waiting outside for the woman who complained"
    ),
    _Template("assault", "police_patrol", 2, "Male with head injury after fight, ambulance requested"),
    _Template("predatory_behaviour", "cctv", None, "Man trying to isolate intoxicated female from her group"),
    _Template("other", "street_pastors", 4, "Flip-flops handed out, group of three escorted to taxi rank"),
    _Template(
        "vulnerable_person",
        "welfare_officer",
        2,
        "Underage-looking girl alone and very drunk at closing time",
    ),
    _Template("suspected_spiking", "public", None, "Caller thinks she was injected in the arm at a club"),
)

_OPEN_SPOTS = (
    (50.9060, -1.4044, "Above Bar Street, by the fountain"),
    (50.9110, -1.4056, "London Road bus stop"),
    (50.9015, -1.4020, "East Street / Queensway corner"),
    (50.9075, -1.4128, "Station forecourt"),
    (50.9070, -1.3990, "Hoglands Park, west path"),
    (50.8975, -1.3990, "Oxford Street taxi rank"),
)


# A Friday-night deployment: police foot pairs and vehicles, a plain-clothes pair
# watching for predatory behaviour, two Street Pastors teams, St John, a welfare officer.
_UNITS: tuple[tuple[str, str, float, float, str], ...] = (
    ("SN-11", "police_foot", 50.9110, -1.4089, "available"),
    ("SN-12", "police_foot", 50.9050, -1.4044, "available"),
    ("SN-13", "police_foot", 50.8985, -1.4050, "available"),
    ("SN-14", "police_foot", 50.9130, -1.4049, "refreshment"),
    ("SN-15", "police_foot", 50.8974, -1.3985, "available"),
    ("SN-16", "police_foot", 50.9090, -1.4100, "busy"),
    ("SN-21", "police_vehicle", 50.9075, -1.4120, "available"),
    ("SN-22", "police_vehicle", 50.9015, -1.4020, "available"),
    ("SN-23", "police_vehicle", 50.9160, -1.4035, "off_duty"),
    ("PC-31", "plain_clothes", 50.9120, -1.4095, "available"),
    ("SP-1", "street_pastors", 50.9104, -1.4058, "available"),
    ("SP-2", "street_pastors", 50.9000, -1.4048, "available"),
    ("SJ-1", "st_john", 50.9084, -1.4052, "available"),
    ("WO-1", "welfare", 50.9060, -1.4077, "available"),
)


async def load_demo_units(commands: Commands) -> int:
    """Put the demo deployment on duty (units already present are left as they are)."""
    added = 0
    async with commands.db.read() as conn:
        existing = set((await conn.execute(select(Unit.callsign))).scalars())
    for callsign, kind, lat, lon, status in _UNITS:
        if callsign in existing:
            continue
        await commands.add_unit(callsign, kind, (lat, lon))
        if status != "available":
            await commands.update_unit(callsign, status=status)
        added += 1
    return added


async def load_demo(commands: Commands, *, now: datetime) -> tuple[int, int]:
    """Upsert the venues and record this night's evening; returns (venues, new incidents)."""
    venues = [await commands.upsert_venue(spec) for spec in demo_venues()]
    await load_demo_units(commands)
    await load_demo_cameras(commands, {v.name: (v.lat, v.lon) for v in venues})
    await load_demo_dispersal(commands, now=now)
    night = operational_night(now)
    rng = random.Random(night.toordinal())
    span = timedelta(hours=4)
    count = 0
    for index, template in enumerate(_EVENING):
        reported_at = now - span + span * (index + rng.random() * 0.8) / len(_EVENING)
        key = f"demo-{night.isoformat()}-{index:02d}"
        if await commands.has_idempotency_key(key):
            continue  # already loaded this night: leave it as the night has left it
        if template.venue:
            venue = rng.choice([v for v in venues if v.kind not in ("pastors_base", "transport")])
            new = NewIncident(
                category=template.category,
                source=template.source,
                summary=template.summary,
                grade=template.grade,
                venue=venue.name,
                venue_link=template.link,
                reported_at=reported_at,
                idempotency_key=key,
            )
        else:
            lat, lon, place = rng.choice(_OPEN_SPOTS)
            new = NewIncident(
                category=template.category,
                source=template.source,
                summary=template.summary,
                grade=template.grade,
                lat=lat,
                lon=lon,
                place=place,
                reported_at=reported_at,
                idempotency_key=key,
            )
        snapshot = await commands.report_incident(new)
        count += 1
        await _work_steps(commands, snapshot.id, snapshot.reference, now - reported_at)
        await _age_status(commands, snapshot.reference, now - reported_at)
    return len(venues), count


# Bedford Place and London Road (approximate), drawn clockwise from Cumberland Place.
DEMO_ZONE = (
    (50.9100, -1.4100),
    (50.9100, -1.4050),
    (50.9110, -1.4025),
    (50.9175, -1.4020),
    (50.9175, -1.4045),
    (50.9155, -1.4100),
)


async def load_demo_dispersal(commands: Commands, *, now: datetime) -> bool:
    """This night's s.34 zone, a man given words of advice, and one s.35 direction (once a night).

    Persons of concern and directions are personal data: in set-up mode (no users yet)
    only the zone is loaded; run the demo again logged in as a supervisor for the rest.
    """
    log_number = f"DEMO-{operational_night(now):%Y%m%d}"
    async with commands.db.read() as conn:
        found = (
            await conn.execute(select(DispersalZone.id).where(DispersalZone.log_number == log_number))
        ).first()
    if found is None:
        await _demo_zone(commands, now, log_number)
    if not commands.actor.may("direction.give"):
        return found is None
    async with commands.db.read() as conn:
        people = (await conn.execute(select(func.count()).select_from(Direction))).scalar_one()
    if people:
        return False
    await _demo_people(commands, now)
    return True


async def _demo_zone(commands: Commands, now: datetime, log_number: str) -> None:
    await commands.authorise_zone(
        ZoneSpec(
            name="Bedford Place and London Road",
            polygon=DEMO_ZONE,
            starts_at=now - timedelta(hours=3),
            ends_at=now + timedelta(hours=9),
            officer="Insp 2741 Demo Officer",
            grounds="Reports this evening of men following and harassing women leaving venues on "
            "Bedford Place and London Road; likely to continue until closing time",
            rights_consideration="No protest, procession or assembly is planned in the area; the "
            "authorisation does not restrict Art. 10/11 activity",
            log_number=log_number,
            area_in_words="Bedford Place and London Road, from Cumberland Place north to The Avenue",
            signed_at=now - timedelta(hours=3, minutes=10),
        )
    )


async def _demo_people(commands: Commands, now: datetime) -> None:
    warned = await commands.add_subject(
        NewSubject(
            description="White male, 30s, slim, dark curly hair",
            clothing="Navy bomber jacket, grey joggers, white trainers",
            build="slim",
        )
    )
    await commands.warn_subject(
        warned.id,
        officer="PC 4410 Demo Constable",
        place="Outside Nightjar Social",
        note="Approaching lone women at the bar; advised to leave them alone",
        given_at=now - timedelta(hours=2),
    )
    await commands.give_direction(
        DirectionSpec(
            zone="Bedford Place and London Road",
            at=(50.9131, -1.4051),
            apparent_age=25,
            officer="PC 4410 Demo Constable",
            grounds="Followed two women from venue to venue after being asked to stop; likely to cause "
            "harassment, alarm or distress",
            behaviour="following, isolating",
            exclusion_hours=24,
            description="Male, mid 20s, stocky, shaved head, black puffer jacket",
            given_at=now - timedelta(hours=1),
            leave_by=now - timedelta(minutes=45),
            route="South along London Road to Cumberland Place",
            surrendered_items=("Bottle of vodka",),
            necessity="He ignored words of advice and kept following the women; removing him from the "
            "area is the only way to stop it tonight",
            in_uniform=True,
            access_kept=True,
            picket_or_procession=False,
            surrender_belief="He was pressing drinks from the bottle on the women he followed",
            surrender_in_writing=True,
        )
    )


# An incident older than this has had its procedure worked through: the demo night then
# shows the few young incidents whose steps are still due (or just overdue), as a night
# well run does, rather than every step of the evening overdue on the alert stack.
STEPS_WORKED_AFTER = timedelta(minutes=30)


async def _work_steps(commands: Commands, incident_id: int, reference: str, age: timedelta) -> None:
    """Mark an older demo incident's procedure steps done (questions answered "no")."""
    if age <= STEPS_WORKED_AFTER:
        return
    async with commands.context.db.read() as conn:
        checklists, _ = await checklist_board(conn, [incident_id])
    if not checklists:
        return
    checklist = checklists[0]
    while (step := next_step(checklist)) is not None:
        answer = "no" if step.question else None
        try:
            checklist = await commands.mark_step(reference, step.number, answer=answer)
        except NotPermittedError:
            return  # a supervisor's step, and the demo runs as an operator: it stays due


async def _age_status(commands: Commands, reference: str, age: timedelta) -> None:
    """Older demo incidents have moved on through the lifecycle."""
    hours = age.total_seconds() / 3600
    if hours > 3:
        path = ["acknowledged", "dispatched", "on_scene", "resolved"]
    elif hours > 2:
        path = ["acknowledged", "dispatched", "on_scene"]
    elif hours > 1:
        path = ["acknowledged", "dispatched"]
    elif hours > 0.5:
        path = ["acknowledged"]
    else:
        path = []
    for status in path:
        await commands.update_incident(reference, status=status)
