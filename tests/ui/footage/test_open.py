"""V on the incident list opens the selected incident's Footage dialog, with the cameras to mark from."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.cameras.records import CameraSpec
from controlroom.incidents.reporting import NewIncident
from tests.ui.waits import wait_until


def test_v_on_the_incident_list_opens_its_footage(
    demo_url: str, open_window: Any, arun: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    arun(
        window.commands.add_camera(CameraSpec("FT1", "Door", "council", 50.9110, -1.4090, "fixed", 0, 60, 50))
    )
    incident = arun(
        window.commands.report_incident(
            NewIncident(category="assault", source="cctv", summary="fight", venue="Velvet Fox")
        )
    )
    wait_until(qtbot, lambda: window.table.select_incident(incident.id), "the incident on the list")
    wait_until(
        qtbot,
        lambda: "FT1" in [c.number for c in window.cameras.model.cameras()],
        "the camera in the Cameras panel",
    )
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "the window is active")
    window.table.setFocus()

    QTest.keyClick(window.table, Qt.Key.Key_V)

    wait_until(qtbot, lambda: window.footage_actions.dialog is not None, "the Footage dialog opened")
    dialog = window.footage_actions.dialog
    assert dialog.heading.text() == f"Footage kept as evidence: {incident.reference}, Velvet Fox"
    assert "FT1" in dialog.cameras
    wait_until(qtbot, lambda: dialog.footage is not None, "the incident's footage read")
    assert dialog.footage.reference == incident.reference and dialog.table.rowCount() == 0
