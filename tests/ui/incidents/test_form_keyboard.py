"""The new-incident form from the keyboard alone, in the real window on a real database:
a point typed as LAT,LON, a street by name, a map click that hands the keyboard back,
no pre-chosen category, and Escape that asks before a filled form is thrown away."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.venues.places import OUTSIDE_CLICK, load_streets
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
    assert (incident.place, incident.category) == (
        "50.9050,-1.4040",
        "harassment",
    )  # as typed, whole in the list
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
    assert form.place.text() == "50.9070,-1.3990"
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


def test_every_map_click_counts_and_one_outside_the_area_draws_no_pin(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    bridge = window.map.bridge
    wait_until(qtbot, lambda: bridge.page_ready, "the map page is loaded")
    form = open_form(window, qtbot)

    def pin() -> Any:
        return js(window.map, qtbot, "controlroom.pin()")

    bridge.mapClicked(50.9184, -1.4261)  # just west of the operating area
    assert form.error.text() == OUTSIDE_CLICK == "That point is outside the operating area — click inside it"
    assert form.place.text() == "" and pin() is None
    wait_until(qtbot, lambda: QApplication.activeWindow() is form, "the form is active")
    assert QApplication.focusWidget() is form.place
    bridge.mapClicked(50.9070, -1.3990)  # then inside it
    assert (form.place.text(), form.error.text()) == ("50.9070,-1.3990", "")
    wait_until(qtbot, lambda: pin() == [50.907, -1.399], "the pin is at the point taken")
    bridge.mapClicked(50.9300, -1.3990)  # north of the area: refused, the point taken stays
    assert (form.place.text(), form.error.text()) == ("50.9070,-1.3990", OUTSIDE_CLICK)
    assert pin() == [50.907, -1.399]
    bridge.mapClicked(50.9100, -1.4000)  # and the next click inside moves it
    assert (form.place.text(), form.error.text()) == ("50.9100,-1.4000", "")
    wait_until(qtbot, lambda: pin() == [50.91, -1.4], "the pin moved to the new point")


def test_a_described_place_keeps_its_words_when_a_click_is_outside_the_area(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    form = open_form(window, qtbot)
    type_keys("Behind the bins at the back")
    window.map.bridge.mapClicked(50.8800, -1.4000)  # south of the area
    assert form.error.text() == OUTSIDE_CLICK and form.point_label.text() == ""
    window.map.bridge.mapClicked(50.9070, -1.3990)
    assert form.place.text() == "Behind the bins at the back" and form.error.text() == ""
    assert form.point_label.text() == "Point set on the map: 50.90700, -1.39900"


def test_the_where_hint_fits_its_field_at_1366x768(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    window.resize(1366, 768)
    form = open_form(window, qtbot)
    hint = form.place.placeholderText()
    assert hint == "Venue, street or LAT,LON — or click the map"
    margins = form.place.textMargins()
    room = form.place.contentsRect().width() - margins.left() - margins.right() - 8  # frame padding
    assert form.place.fontMetrics().horizontalAdvance(hint) <= room


def test_the_thrive_fields_answer_their_alt_letters(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    form = open_form(window, qtbot)
    letters = {"threat": "E", "harm": "H", "risk": "K", "investigation": "I", "vulnerability": "U"}
    for field, letter in (letters | {"engagement": "N"}).items():
        alt = Qt.KeyboardModifier.AltModifier
        QTest.keyClick(QApplication.focusWidget(), getattr(Qt.Key, f"Key_{letter}"), alt)
        wait_until(qtbot, lambda f=field: QApplication.focusWidget() is form.thrive[f], f"Alt+{letter}")


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
