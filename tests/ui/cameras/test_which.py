"""Shift+C on the incident list: the cameras that can see it, best first; Enter tasks the chosen one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.cameras.records import CameraSpec, PresetSpec
from controlroom.incidents.queries import incident_detail
from controlroom.incidents.reporting import NewIncident
from tests.ui.waits import wait_until
from ui.cameras.panel import NUMBER, TASKED

# A corner of the operating area no demo camera watches.
LAT, LON = 50.8900, -1.3830
CAMERAS = (
    CameraSpec("TW1", "South of it", "council", LAT - 0.0005, LON, "fixed", 0.0, 60.0, 100.0),
    CameraSpec("TW3", "Looking away", "council", LAT - 0.0005, LON, "fixed", 180.0, 60.0, 100.0),
    CameraSpec(
        "TW2",
        "North of it",
        "police",
        LAT + 0.0008,
        LON,
        "ptz",
        presets=(PresetSpec("East", 90.0, 40.0, 120.0), PresetSpec("South", 180.0, 40.0, 120.0)),
    ),
)


def tasked_to(window: Any, number: str) -> str | None:
    model = window.cameras.model
    for row in range(model.rowCount()):
        if model.index(row, NUMBER).data() == number:
            return str(model.index(row, TASKED).data())
    return None


def test_shift_c_lists_the_cameras_best_first_and_enter_tasks_the_chosen_one(
    demo_url: str, open_window: Any, arun: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    for spec in CAMERAS:
        arun(window.commands.add_camera(spec))
    incident = arun(
        window.commands.report_incident(
            NewIncident(
                category="assault", source="cctv", summary="fight", lat=LAT, lon=LON, place="Canute Road"
            )
        )
    )
    wait_until(qtbot, lambda: tasked_to(window, "TW2") is not None, "the cameras in the panel")
    wait_until(qtbot, lambda: window.table.select_incident(incident.id), "the incident on the list")
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "the window is active")
    window.table.setFocus()

    QTest.keyClick(window.table, Qt.Key.Key_C, Qt.KeyboardModifier.ShiftModifier)
    wait_until(qtbot, lambda: window.camera_actions.dialog is not None, "the dialog opened")
    dialog = window.camera_actions.dialog
    lines = [dialog.list.item(row).text() for row in range(dialog.list.count())]

    assert dialog.heading.text() == f"Cameras that can see {incident.reference}, Canute Road"
    assert [line.split()[0] for line in lines] == ["TW1", "TW2"]  # nearer first; TW3 looks away
    assert lines[0] == "TW1   fixed view   56 m   0° off axis   working"
    assert lines[1] == "TW2   preset South   89 m   0° off axis   working"
    assert f"task the camera to {incident.reference}" in dialog.hint.text()
    readable = QFontInfo(dialog.list.font()).pointSizeF() / QFontInfo(window.table.font()).pointSizeF()
    assert readable >= 1.3  # larger than the board's text: read from 2 m

    wait_until(qtbot, lambda: QApplication.focusWidget() is dialog.list, "the keyboard in the dialog's list")
    QTest.keyClick(dialog.list, Qt.Key.Key_Down)
    QTest.keyClick(dialog.list, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: tasked_to(window, "TW2") == f"{incident.reference} · South",
        "the task came back through the feed",
    )
    timeline = arun(incident_detail(window.commands.db, incident.reference)).timeline
    assert timeline[-1].describe() == "CCTV: camera TW2, preset South on it"
    assert not dialog.isVisible()

    point = window.camera_actions.show_cameras_for(LAT, LON)  # a point on the map: no incident to task
    assert point.list.count() == 2 and "Enter: call the camera up" in point.hint.text()
    nothing = window.camera_actions.show_cameras_for(50.8885, -1.4245, label="the far corner")
    assert (
        nothing.heading.text() == "No camera can see the far corner: none has it within its range and view."
    )
    assert nothing.list.isHidden() and not point.isVisible()  # one dialog at a time
