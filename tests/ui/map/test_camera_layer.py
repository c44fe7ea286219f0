"""The map's camera layer in the real page, fed by a real change feed from cameras the core commands add.

Views are drawn (a fixed camera's cone, a PTZ camera's presets faint), a faulty camera is
greyed, a fault reported later arrives as a diff that draws that one camera again, the
coverage-gap layer draws the street no working camera sees, the legend turns both layers
on and off, and a camera's typed name stays text in its popup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from controlroom.cameras.records import CameraSpec, PresetSpec
from controlroom.commands import Commands
from controlroom.config import Settings
from controlroom.core.roles import Actor
from controlroom.feed.change_feed import ChangeFeed
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from tests.ui.conftest import js
from tests.ui.waits import wait_until
from ui.feed.controller import FeedController
from ui.map.feed_link import MapFeedLink
from ui.map.view import MapView

TYPED_NAME = "<b>Bargate</b> \u202eevil"
CAMERAS = (
    CameraSpec("C1", "Above Bar", "council", 50.9040, -1.4040, "fixed", heading=90, angle=60, range_m=80),
    CameraSpec(
        "C2",
        "Bargate junction",
        "council",
        50.9060,
        -1.4045,
        "ptz",
        presets=(PresetSpec("North", 0, 50, 120), PresetSpec("High St", 180, 40, 150)),
    ),
    CameraSpec("C3", TYPED_NAME, "council", 50.9020, -1.4030, "fixed", heading=270, angle=90, range_m=60),
)


@dataclass
class CameraMap:
    view: MapView
    commands: Commands
    messages: list[dict[str, Any]]

    def page(self, qtbot: Any) -> Any:
        return js(self.view, qtbot, "controlroomCameras.describe()")

    def by_number(self, qtbot: Any) -> dict[str, Any]:
        return {c["number"]: c for c in self.page(qtbot)["cameras"].values()}


@pytest.fixture
def camera_map(qtbot: Any, arun: Any, db_url: str) -> Iterator[CameraMap]:
    """Three cameras added through the core commands (C3 faulty), the map following the feed."""
    db = Database(db_url)
    commands = Commands(db, Actor("supervisor1", "supervisor"))

    async def register() -> None:
        for spec in CAMERAS:
            await commands.cameras.add_camera(spec)
        await commands.cameras.report_fault("C3", "Lens cracked")

    arun(register())
    view = MapView(Settings())
    qtbot.addWidget(view)
    view.resize(900, 650)
    view.show()
    messages: list[dict[str, Any]] = []
    view.bridge.sig_message_pushed.connect(lambda text: messages.append(json.loads(text)))
    feed = FeedController(ChangeFeed(db, poll_interval=0.05))
    link = MapFeedLink(view.bridge, feed, lambda units: {})
    feed.start()
    wait_until(qtbot, lambda: view.bridge.page_ready, "the map page booted and joined the channel", 15000)
    yield CameraMap(view, commands, messages)
    arun(feed.stop())
    wait_until(qtbot, lambda: not link.coverage.busy, "the last coverage computation finished")
    arun(db.dispose())


def test_cameras_from_the_feed_draw_views_grey_a_fault_and_a_diff_redraws_one_camera(
    camera_map: CameraMap, qtbot: Any, arun: Any
) -> None:
    wait_until(qtbot, lambda: len(camera_map.page(qtbot)["cameras"]) == 3, "three cameras on the page", 10000)
    cameras = camera_map.by_number(qtbot)
    (cone,) = cameras["C1"]["sectors"]
    assert "cr-cam-view" in cone["cls"] and cone["points"] > 6  # apex and an arc, not a triangle
    assert [(s["preset"], "cr-cam-preset" in s["cls"]) for s in cameras["C2"]["sectors"]] == [
        ("North", True),
        ("High St", True),
    ]
    assert cameras["C3"]["greyed"] and "cr-cam-grey" in cameras["C3"]["sectors"][0]["cls"]
    assert not cameras["C1"]["greyed"] and not cameras["C2"]["greyed"]
    stamps = {n: c["stamp"] for n, c in cameras.items()}

    camera_map.messages.clear()
    arun(camera_map.commands.cameras.report_fault("C1", "No picture"))
    wait_until(qtbot, lambda: camera_map.by_number(qtbot)["C1"]["greyed"], "C1 greyed after its fault", 10000)

    diffs = [m for m in camera_map.messages if m["type"] == "diff" and m["cameras"]]
    assert [[c["number"] for c in d["cameras"]] for d in diffs] == [["C1"]]
    after = camera_map.by_number(qtbot)
    assert "cr-cam-grey" in after["C1"]["sectors"][0]["cls"]
    assert after["C2"]["stamp"] == stamps["C2"] and after["C3"]["stamp"] == stamps["C3"]  # not redrawn
    assert after["C1"]["stamp"] != stamps["C1"]

    # Tasked to an incident: the preset it was sent to drawn strong, the reference on its tag.
    async def task() -> str:
        new = NewIncident(
            "disorder", "cctv", "Fight outside", grade=2, lat=50.9068, lon=-1.4046, place="Bargate"
        )
        incident = await camera_map.commands.report_incident(new)
        await camera_map.commands.task_camera("C2", incident.reference, "North")
        return incident.reference

    reference = arun(task())
    wait_until(qtbot, lambda: camera_map.by_number(qtbot)["C2"]["tasked"] == reference, "C2 tasked", 10000)
    c2 = camera_map.by_number(qtbot)["C2"]
    assert c2["tied"]  # the dashed line to the incident
    assert [("cr-cam-active" in s["cls"]) for s in c2["sectors"]] == [True, False]  # North strong


def test_coverage_gaps_legend_toggles_keyboard_popup_and_a_chosen_point(
    camera_map: CameraMap, qtbot: Any, arun: Any
) -> None:
    view = camera_map.view
    wait_until(qtbot, lambda: camera_map.page(qtbot)["gaps"]["lines"] > 0, "the coverage gaps arrived", 10000)
    state = camera_map.page(qtbot)
    assert 0 < state["gaps"]["share"] < 1 and not state["gaps"]["shown"]  # off until asked for
    assert "% of street seen" in js(view, qtbot, "controlroom.legendNote('cameraGaps')")

    assert js(view, qtbot, "controlroom.toggleLayer('cameraGaps')") is True
    assert camera_map.page(qtbot)["gaps"]["drawn"]
    assert js(view, qtbot, "controlroom.toggleLayer('cameras')") is False
    assert not camera_map.page(qtbot)["shown"]

    # From the Cameras panel: the camera is brought into view with the keyboard; Enter opens it.
    c3 = next(int(i) for i, c in camera_map.page(qtbot)["cameras"].items() if c["number"] == "C3")
    view.bridge.select_camera(c3)
    wait_until(qtbot, lambda: camera_map.page(qtbot)["focused"] == c3, "C3's tag has the keyboard")
    assert camera_map.page(qtbot)["shown"]  # selecting a camera shows the layer again
    QTest.keyClick(view.focusProxy(), Qt.Key.Key_Return)
    wait_until(qtbot, lambda: camera_map.page(qtbot)["open"] == c3, "Enter opened C3's popup")
    popup = js(view, qtbot, f"controlroomCameras.popupText({c3})")
    assert "<b>Bargate</b>" in popup["text"] and "<b>" not in popup["html"]  # markup stays text
    assert "\u202e" not in popup["text"] and "\\u202e" in popup["text"]  # the override spelled out
    assert "Lens cracked" in popup["text"]

    # A right-click on the map asks which cameras see that point.
    js(view, qtbot, "controlroom.closePopups()")
    with qtbot.waitSignal(view.bridge.sig_point_chosen, timeout=5000) as chosen:
        QTest.mouseClick(
            view.focusProxy(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, QPoint(60, 300)
        )
    lat, lon = chosen.args
    assert 50.85 < lat < 50.95 and -1.45 < lon < -1.35
