"""The demo's camera register: invented cameras on the city centre's night-time streets.

Council PTZ cameras stand at the junctions of the shipped street layer, each with two to
four presets down the streets that meet there; licensed premises have fixed cameras over
their doors, looking at the street; the station taxi rank has a transport camera. Two
cameras are faulty, as on any real night, so the map and the coverage figure show what a
fault costs. Everything here is invented; positions follow the shipped street layer.
"""

from __future__ import annotations

from pyproj import Geod
from sqlalchemy import select

from controlroom.cameras.records import CameraSpec, PresetSpec
from controlroom.commands import Commands
from controlroom.storage.models import Camera

# number, name, lat, lon, presets (name, heading, view angle, range m)
_JUNCTIONS: tuple[tuple[str, str, float, float, tuple[tuple[str, float, float, float], ...]], ...] = (
    ("CC01", "Above Bar / London Road", 50.9100, -1.4052, (
        ("Above Bar south", 180, 40, 150), ("London Road north", 20, 40, 160),
        ("Commercial Road west", 270, 35, 180), ("Cumberland Place", 300, 40, 120))),
    ("CC02", "Bedford Place / Cumberland Place", 50.9104, -1.4090, (
        ("Bedford Place north", 0, 35, 160), ("Cumberland Place east", 90, 40, 150),
        ("Cumberland Place west", 270, 40, 80))),
    ("CC03", "Bedford Place / Carlton Place", 50.9122, -1.4090, (
        ("Bedford Place south", 180, 35, 150), ("Bedford Place north", 0, 35, 150),
        ("Carlton Place west", 270, 40, 160))),
    ("CC04", "Carlton Place / The Polygon", 50.9122, -1.4120, (
        ("Carlton Place east", 90, 40, 150), ("The Polygon", 330, 50, 120))),
    ("CC05", "Commercial Road / Portland Terrace", 50.9090, -1.4080, (
        ("Commercial Road west", 260, 35, 200), ("Portland Terrace south", 180, 40, 180),
        ("Commercial Road east", 80, 40, 150))),
    ("CC06", "Commercial Road by the station", 50.9082, -1.4140, (
        ("Taxi rank", 45, 50, 100), ("Commercial Road east", 80, 35, 200))),
    ("CC07", "Above Bar / New Road", 50.9062, -1.40447, (
        ("Above Bar north", 0, 35, 180), ("Above Bar south", 180, 35, 180), ("New Road east", 90, 40, 150))),
    ("CC08", "Guildhall Square", 50.9083, -1.4047, (
        ("Guildhall Square", 250, 60, 120), ("Above Bar north", 10, 35, 170),
        ("Above Bar south", 180, 35, 170))),
    ("CC09", "Bargate", 50.9027, -1.4043, (
        ("Bargate north", 0, 40, 160), ("High Street south", 180, 35, 200))),
    ("CC10", "High Street / East Street", 50.9018, -1.4045, (
        ("East Street", 100, 40, 200), ("High Street", 180, 35, 180), ("Castle Way", 340, 40, 100))),
    ("CC11", "Queensway / Oxford Street", 50.8978, -1.4012, (
        ("Oxford Street east", 95, 35, 250), ("Queensway north", 10, 40, 200),
        ("Bernard Street west", 270, 40, 200))),
    ("CC12", "Oxford Street / Canute Road", 50.8970, -1.3950, (
        ("Oxford Street west", 275, 35, 250), ("Canute Road", 120, 40, 200))),
    ("CC13", "High Street / Bernard Street", 50.8985, -1.4051, (
        ("Quayside", 180, 40, 150), ("High Street north", 0, 35, 200))),
    ("CC14", "Portland Terrace / Western Esplanade", 50.9045, -1.4078, (
        ("West Quay", 180, 50, 150), ("Portland Terrace north", 0, 35, 200))),
)  # fmt: skip

# number, venue, heading of the door camera (towards the street)
_DOORS: tuple[tuple[str, str, float], ...] = (
    ("V01", "Velvet Fox", 270),
    ("V02", "The Lantern & Lark", 90),
    ("V03", "Nightjar Social", 270),
    ("V04", "Moonlit Parlour", 105),
    ("V05", "Salt & Ember", 105),
    ("V06", "Harbourlight Club", 270),
    ("V07", "Echo Chamber", 190),
    ("V08", "Neon Arches", 190),
    ("V09", "Starling Rooftop", 90),
    ("V10", "Marlowe's", 270),
    ("V11", "Undercroft Club", 90),
    ("V12", "Quayside Social", 90),
    ("V13", "Olive & Oak", 180),
    ("V14", "Carlton Cellar", 180),
    ("V15", "Moonlit Parlour", 20),
)
DOOR_VIEW_ANGLE = 70.0
DOOR_RANGE_M = 30.0
# A door camera hangs inside the entrance, a few metres behind the venue's point (its door),
# looking out through it: the door and the pavement in front are in its view.
DOOR_SETBACK_M = 6.0
_GEOD = Geod(ellps="WGS84")

FAULTS = {
    "CC13": "No picture since 21:40; engineer called",
    "V08": "Lens fogged over; door staff told",
}


def demo_cameras(venue_positions: dict[str, tuple[float, float]]) -> list[CameraSpec]:
    """The demo register: junction PTZ cameras, door cameras of the venues given, one transport camera."""
    cameras = [
        CameraSpec(
            number,
            name,
            "council",
            lat,
            lon,
            "ptz",
            presets=tuple(PresetSpec(p, float(h), float(a), float(r)) for p, h, a, r in presets),
        )
        for number, name, lat, lon, presets in _JUNCTIONS
    ]
    for number, venue, heading in _DOORS:
        if venue not in venue_positions:
            continue
        door_lat, door_lon = venue_positions[venue]
        lon, lat, _back = _GEOD.fwd(door_lon, door_lat, (heading + 180) % 360, DOOR_SETBACK_M)
        side = "side door" if number == "V15" else "door"
        cameras.append(
            CameraSpec(
                number,
                f"{venue} {side}",
                "venue",
                lat,
                lon,
                "fixed",
                float(heading),
                DOOR_VIEW_ANGLE,
                DOOR_RANGE_M,
                venue=venue,
            )
        )
    cameras.append(
        CameraSpec("T01", "Station taxi rank", "transport", 50.9077, -1.4131, "fixed", 30.0, 80.0, 60.0)
    )
    return cameras


async def load_demo_cameras(commands: Commands, venue_positions: dict[str, tuple[float, float]]) -> int:
    """Add the demo cameras not yet in the register, and the demo's two faults; returns how many added.

    One transaction for every camera (the demo runs before many tests), then one per fault.
    """
    async with commands.db.read() as conn:
        existing = set((await conn.execute(select(Camera.number))).scalars())
    new = [spec for spec in demo_cameras(venue_positions) if spec.number not in existing]
    if not new:
        return 0
    await commands.cameras.add_cameras(list(enumerate(new, start=1)), "the demo's camera register")
    for spec in new:
        if spec.number in FAULTS:
            await commands.report_camera_fault(spec.number, FAULTS[spec.number])
    return len(new)
