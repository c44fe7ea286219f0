"""The camera form from the Cameras panel: N adds a camera, E changes one, refusals beside their fields."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from controlroom.cameras.queries import list_cameras
from tests.ui.conftest import js
from tests.ui.logins import actor_for, add_users
from tests.ui.waits import wait_until
from ui.cameras.camera_form import SHARED_ROW, CameraForm

# A corner of the operating area with no demo camera.
LAT, LON = "50.8900", "-1.3830"


def press_on_panel(qtbot: Any, window: Any, key: Qt.Key) -> None:
    """``key`` on the Cameras panel's table, as a person at the window presses it."""
    window.boards.setCurrentWidget(window.cameras)
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "the window is active")
    window.cameras.table.setFocus()
    wait_until(qtbot, window.cameras.table.hasFocus, "the camera list has the keyboard")
    QTest.keyClick(window.cameras.table, key)


def open_form(qtbot: Any, window: Any, key: Qt.Key) -> CameraForm:
    press_on_panel(qtbot, window, key)
    form = window.camera_actions.form
    assert form is not None
    wait_until(qtbot, lambda: form.isVisible() and QApplication.activeWindow() is form, "the form is up")
    return form


def retype(qtbot: Any, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def type_cell(qtbot: Any, form: CameraForm, row: int, column: int, text: str) -> None:
    """Into a preset cell: F2 opens its editor, the text, Enter keeps it."""
    form.presets.setCurrentCell(row, column)
    form.presets.setFocus()
    QTest.keyClick(form.presets, Qt.Key.Key_F2)
    wait_until(qtbot, lambda: isinstance(QApplication.focusWidget(), QLineEdit), "the cell's editor is open")
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: form.presets.item(row, column).text() == text, "the cell kept what was typed")


def camera_row(window: Any, number: str) -> Any:
    return next((c for c in window.cameras.model.cameras() if c.number == number), None)


def test_n_adds_a_ptz_camera_with_two_presets_and_it_arrives_through_the_feed(
    demo_url: str, open_window: Any, arun: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    wait_until(qtbot, lambda: window.cameras.model.rowCount() > 0, "the demo cameras in the panel")
    incident = window.model.incidents()[0]
    assert window.table.select_incident(incident.id)
    form = open_form(qtbot, window, Qt.Key.Key_N)
    # A camera is often added where something was just seen: the selected incident's position.
    assert (form.lat.text(), form.lon.text()) == (f"{incident.lat:.6f}", f"{incident.lon:.6f}")

    qtbot.keyClicks(form.number, "TF1")
    qtbot.keyClicks(form.name, "Canute Road <b>east</b>")
    qtbot.keyClicks(form.owner, "Po")  # type-ahead in the list: Police
    retype(qtbot, form.lat, LAT)
    retype(qtbot, form.lon, LON)
    qtbot.keyClicks(form.kind, "PTZ")
    for row, cells in enumerate((("North", "0", "60", "150"), ("Quay", "135", "40", "200"))):
        QTest.keyClick(form, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Add preset
        wait_until(qtbot, lambda row=row: form.presets.rowCount() == row + 1, "a preset row added")
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # leave the editor it opened
        for column, text in enumerate(cells):
            type_cell(qtbot, form, row, column, text)
    qtbot.keyClicks(form.stream_url, "rtsp://vms.local/tf1")
    QTest.keyClick(form.stream_url, Qt.Key.Key_Return)  # Enter saves

    wait_until(qtbot, lambda: not form.isVisible(), "the form closed on the save")
    wait_until(qtbot, lambda: camera_row(window, "TF1") is not None, "TF1 arrived in the panel from the feed")
    camera = camera_row(window, "TF1")
    assert (camera.owner, camera.kind, camera.stream_url) == ("police", "ptz", "rtsp://vms.local/tf1")
    assert camera.name == "Canute Road <b>east</b>"
    assert [(p.name, p.heading, p.angle, p.range_m) for p in camera.presets] == [
        ("North", 0.0, 60.0, 150.0),
        ("Quay", 135.0, 40.0, 200.0),
    ]
    assert "TF1 added" in window.statusBar().currentMessage()

    # Selecting it in the panel brings it into view on the map, the keyboard staying in the list.
    assert window.cameras.select_camera(camera.id)
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, "controlroomCameras.describe()")["focused"] == camera.id,
        "TF1 brought into view on the map",
    )

    # E on it; another console saves it first: the form says so and shows the camera as it is now.
    form = open_form(qtbot, window, Qt.Key.Key_E)
    assert (form.number.text(), form.presets.rowCount(), form.number.isReadOnly()) == ("TF1", 2, True)
    arun(window.commands.update_camera("TF1", {"name": "Renamed elsewhere"}))
    retype(qtbot, form.name, "My name for it")
    QTest.keyClick(form.name, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: "another console" in form.form_error.text(), "the stale save is refused")
    assert form.name.text() == "Renamed elsewhere" and form.isVisible()
    retype(qtbot, form.name, "My name for it")
    QTest.keyClick(form.name, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: not form.isVisible(), "the second save kept")
    wait_until(qtbot, lambda: camera_row(window, "TF1").name == "My name for it", "the change came back")


def test_each_refusal_stands_beside_its_field_and_nothing_is_written(
    demo_url: str, open_window: Any, arun: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    wait_until(qtbot, lambda: window.cameras.model.rowCount() > 0, "the demo cameras in the panel")
    before = arun(list_cameras(window.commands.db))
    taken = before[0].number
    form = open_form(qtbot, window, Qt.Key.Key_N)
    qtbot.keyClicks(form.number, "TF2")
    qtbot.keyClicks(form.name, "Door")
    for edit, text in ((form.lat, LAT), (form.lon, LON), (form.heading, "90"), (form.angle, "60")):
        qtbot.keyClicks(edit, text)
    qtbot.keyClicks(form.range_m, "80")

    def refused(edit: QLineEdit, typed: str, field: str, words: str) -> None:
        kept = edit.text()
        retype(qtbot, edit, typed)
        QTest.keyClick(edit, Qt.Key.Key_Return)
        wait_until(qtbot, lambda: words in form.error_of(field), f"{field}: {words!r} beside it")
        row = SHARED_ROW.get(field, field)  # angle and range share the View row, lon the Position row
        others = [name for name, label in form.errors.items() if label.text() and name != row]
        assert others == [] and form.form_error.text() == "" and form.isVisible()
        assert edit.text() == typed  # what was typed stays
        retype(qtbot, edit, kept)

    refused(form.lat, "51.5074", "lat", "outside the operating area")
    refused(form.angle, "400", "angle", "outside 1 to 360 degrees")
    refused(form.range_m, "0", "range_m", "at most 1,000 m")
    refused(form.range_m, "1500", "range_m", "at most 1,000 m")
    refused(form.number, taken, "number", "already taken")
    refused(form.stream_url, "javascript:alert(1)", "stream_url", "javascript: cannot be opened")
    refused(form.lon, "west", "lon", "“west”; give a number")
    form.add_preset_row("North", "0", "60", "150")
    form.save()
    wait_until(qtbot, lambda: "cannot have presets" in form.error_of("presets"), "a preset on a fixed camera")

    assert arun(list_cameras(window.commands.db)) == before  # nothing written


def test_an_operator_is_not_offered_n_or_e(demo_url: str, open_window: Any, qtbot: Any) -> None:
    add_users(demo_url, ("op", "operator", ()))
    window = open_window(demo_url, actor=actor_for(demo_url, "op"))
    wait_until(qtbot, lambda: window.cameras.model.rowCount() > 0, "the demo cameras in the panel")
    window.cameras.select_camera(window.cameras.model.cameras()[0].id)
    offered = set(window.registry.offered())
    assert {"camera.new", "camera.edit"}.isdisjoint(offered) and "camera.callup" in offered
    press_on_panel(qtbot, window, Qt.Key.Key_N)
    QTest.keyClick(window.cameras.table, Qt.Key.Key_E)
    assert window.camera_actions.form is None
