"""The new-incident form from the keyboard alone, in the real window on a real database:
a point typed as LAT,LON, a street by name, a map click that hands the keyboard back,
no pre-chosen category, and Escape that asks before a filled form is thrown away."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.venues.places import load_streets
from tests.ui.conftest import js
from tests.ui.waits import wait_until
from ui.incidents.form import CHOOSE_CATEGORY, IncidentForm
from ui.shell.main_window import MainWindow


def open_form(window: MainWindow, qtbot: Any) -> IncidentForm:
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "the main window is active")
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wait_until(
        qtbot,
        lambda: window.incident_actions.form is not None and window.incident_actions.form.isVisible(),
        "the new-incident form is open",
    )
    form = window.incident_actions.form
    assert form is not None
    wait_until(qtbot, lambda: QApplication.activeWindow() is form, "the form is the active window")
    return form


def type_keys(text: str) -> None:
    """Keys go wherever keyboard focus is, as they would for an operator typing."""
    QTest.keyClicks(QApplication.focusWidget(), text)


def key(which: Qt.Key) -> None:
    QTest.keyClick(QApplication.focusWidget(), which)


def fill_the_rest(category: str, summary: str) -> None:
    """From Where: Tab to the category, choose it by its first letters, Tab to the summary."""
    key(Qt.Key.Key_Tab)
    type_keys(category)
    for _ in range(3):  # category → source → grade → summary
        key(Qt.Key.Key_Tab)
    type_keys(summary)


def made(window: MainWindow, summary: str) -> Any:
    return next((i for i in window.model.incidents() if i.summary == summary), None)


def test_a_report_at_a_point_typed_as_lat_lon(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    form = open_form(window, qtbot)
    assert QApplication.focusWidget() is form.place
    type_keys("50.9050,-1.4040")
    fill_the_rest("Har", "Man shouting at a woman by the bus stop")
    key(Qt.Key.Key_Return)
    wait_until(
        qtbot, lambda: made(window, "Man shouting at a woman by the bus stop") is not None, "it is listed"
    )
    incident = made(window, "Man shouting at a woman by the bus stop")
    assert (incident.lat, incident.lon, incident.venue_id) == (50.905, -1.404, None)
    assert (incident.place, incident.category) == ("50.90500,-1.40400", "harassment")
    assert window.incident_actions.form is None


def test_a_report_on_a_street_by_name_completes_and_lies_on_that_street(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    form = open_form(window, qtbot)
    type_keys("queensw")
    completer = form.place.completer()
    assert completer.currentCompletion() == "Queensway"  # contains-match, any case
    form.place.setText(completer.currentCompletion())  # what Enter on the popup's line does
    fill_the_rest("Vul", "Young woman alone and very drunk")
    key(Qt.Key.Key_Return)
    wait_until(qtbot, lambda: made(window, "Young woman alone and very drunk") is not None, "it is listed")
    incident = made(window, "Young woman alone and very drunk")
    queensway = next(s for s in load_streets() if s.name == "Queensway")
    assert (incident.place, incident.lat, incident.lon) == ("Queensway", queensway.lat, queensway.lon)
    assert incident.category == "vulnerable_person"


def test_a_map_click_sets_the_point_and_typing_then_reaches_the_form(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    form = open_form(window, qtbot)
    window.activateWindow()
    window.map.setFocus()  # the operator reaches for the map
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "the map's window is active")
    window.map.bridge.mapClicked(50.9070, -1.3990)  # what the page sends on a click
    assert form.place.text() == "50.90700,-1.39900"
    wait_until(qtbot, lambda: QApplication.activeWindow() is form, "the form is active again")
    assert QApplication.focusWidget() is form.category  # the next field to fill
    wait_until(qtbot, lambda: js(window.map, qtbot, "controlroom.pin()") == [50.907, -1.399], "the pin")
    type_keys("Dis")
    assert form.category.currentData() == "disorder"
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    type_keys("Fight spilling out of the park")
    key(Qt.Key.Key_Return)
    wait_until(qtbot, lambda: made(window, "Fight spilling out of the park") is not None, "it is listed")
    assert made(window, "Fight spilling out of the park").lat == 50.9070
    wait_until(
        qtbot, lambda: js(window.map, qtbot, "controlroom.pin()") is None, "the pin went with the form"
    )


def test_no_category_is_chosen_for_the_operator(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    form = open_form(window, qtbot)
    assert form.category.currentText() == CHOOSE_CATEGORY and form.category.currentData() is None
    type_keys("Velvet Fox")
    for _ in range(4):
        key(Qt.Key.Key_Tab)
    type_keys("Drink spiked")
    rows = window.model.rowCount()
    key(Qt.Key.Key_Return)
    assert form.category_error.text() == "Choose a category (type its first letters)"
    assert QApplication.focusWidget() is form.category and form.isVisible()
    type_keys("Sus")
    assert form.category_error.text() == ""  # the refusal goes once a category is chosen
    form.summary.setFocus()
    key(Qt.Key.Key_Return)
    wait_until(qtbot, lambda: window.model.rowCount() == rows + 1, "the report is listed")
    assert made(window, "Drink spiked").category == "suspected_spiking"


def test_escape_closes_an_untouched_form_and_asks_about_a_changed_one(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    form = open_form(window, qtbot)
    key(Qt.Key.Key_Escape)
    wait_until(qtbot, lambda: window.incident_actions.form is None, "the untouched form closed at once")
    form = open_form(window, qtbot)
    type_keys("Velvet Fox")
    key(Qt.Key.Key_Escape)
    question = form.guard.question
    assert question is not None
    wait_until(qtbot, lambda: question.isVisible(), "Discard this report? is asked")
    assert "Discard this report?" in question.text() and form.isVisible()
    QTest.keyClick(question, Qt.Key.Key_Escape)  # Escape again keeps editing
    wait_until(qtbot, lambda: not question.isVisible(), "the question went")
    assert form.isVisible() and form.place.text() == "Velvet Fox"
    form.place.setFocus()
    key(Qt.Key.Key_Escape)
    question = form.guard.question
    wait_until(qtbot, lambda: question.isVisible(), "asked again")
    form.guard.discard.click()
    wait_until(qtbot, lambda: window.incident_actions.form is None, "the form is discarded")
    assert not form.isVisible()
