"""The incident form's link to the venue: greyed out without a venue, "at venue" until
said, reached by Alt+L and by Tab after the summary; an edit's change shown in the detail."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.incidents.test_form_keyboard import fill_the_rest, key, made, open_form, type_keys
from tests.ui.waits import wait_until


def test_the_link_is_chosen_from_the_keyboard_and_changed_in_an_edit(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    form = open_form(window, qtbot)
    assert not form.venue_link.isEnabled()  # nothing typed: no venue to link to
    type_keys("50.9050,-1.4040")
    assert not form.venue_link.isEnabled()
    form.place.clear()
    type_keys("Velvet Fox")
    assert form.venue_link.isEnabled() and form.venue_link.currentText() == "at venue"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    wait_until(qtbot, lambda: QApplication.focusWidget() is form.venue_link, "Alt+L reaches the link")
    form.place.setFocus()
    fill_the_rest("Dis", "Fight at the bar")
    key(Qt.Key.Key_Tab)  # the summary → the link
    assert QApplication.focusWidget() is form.venue_link
    type_keys("near")  # a combo chooses by its first letters
    assert form.venue_link.currentData() == "nearby"
    form.summary.setFocus()
    key(Qt.Key.Key_Return)
    wait_until(qtbot, lambda: made(window, "Fight at the bar") is not None, "the report is listed")
    incident = made(window, "Fight at the bar")
    assert incident.venue_link == "nearby"

    edit = window.incident_actions.edit(incident)
    assert edit.venue_link.isEnabled() and edit.venue_link.currentText() == "nearby"
    edit.venue_link.setCurrentIndex(edit.venue_link.findData("door_queue"))
    edit.save()
    wait_until(qtbot, lambda: made(window, "Fight at the bar").version == 2, "the edit is saved")
    assert made(window, "Fight at the bar").venue_link == "door_queue"
    window.table.select_incident(incident.id)
    detail = window.detail
    said = "Link to venue: at the door/queue (was nearby)"
    # Anywhere after the report: a category with a procedure puts "Procedure: … started" first.
    wait_until(
        qtbot,
        lambda: any(said in detail.timeline.item(i).text() for i in range(1, detail.timeline.count())),
        "the timeline is loaded with the edit",
    )
    assert detail.fields["Link to venue"].text() == "at the door/queue"
