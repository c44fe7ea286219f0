"""The demo register: at least 24 cameras on the night-time streets, junction PTZs, door cameras, 2 faulty."""

from __future__ import annotations

from controlroom.cameras.coverage import coverage, shipped_street_segments
from controlroom.cameras.geometry import camera_view, cameras_seeing
from controlroom.core.snapshots import Snapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.sim.demo import load_demo
from controlroom.storage.database import Database
from tests.core.support import FIXED_NOW, commands_for, run_with_db


def test_the_demo_puts_its_cameras_on_every_console_and_covers_the_night_streets(sqlite_url: str) -> None:
    async def scenario(db: Database) -> Snapshot:
        commands = commands_for(db, "supervisor-1", now=FIXED_NOW, role="supervisor")
        await load_demo(commands, now=FIXED_NOW)
        await load_demo(commands, now=FIXED_NOW)  # again: nothing doubled
        return await ChangeFeed(db).start()

    board = run_with_db(sqlite_url, scenario)
    cameras = board.cameras
    assert len(cameras) >= 24
    assert len({c.number for c in cameras}) == len(cameras)
    ptz = [c for c in cameras if c.kind == "ptz"]
    assert ptz and all(c.owner == "council" and 2 <= len(c.presets) <= 4 for c in ptz)
    doors = [c for c in cameras if c.owner == "venue"]
    assert len(doors) >= 10 and all(c.kind == "fixed" and c.venue_id is not None for c in doors)
    assert sorted(c.number for c in cameras if c.status == "faulty") == ["CC13", "V08"]
    views = [camera_view(c) for c in cameras]
    # The Bedford Place / Cumberland Place junction is watched by its own PTZ, north preset first.
    best = cameras_seeing(50.9110, -1.4090, views)[0]
    assert (best.camera.number, best.preset) == ("CC02", "Bedford Place north")
    # A venue's door camera sees the venue's own point (its door) best of all.
    door = cameras_seeing(50.9115, -1.4089, views)[0]
    assert (door.camera.number, door.preset) == ("V01", None)
    share = coverage(shipped_street_segments(), views).share
    assert 0.3 < share < 0.95  # most of the night-time streets, with gaps to show
