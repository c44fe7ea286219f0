"""Dispersal powers in the real window: a zone drawn on the map, a direction recorded
and its paperwork previewed, a breach alerting every console."""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.conftest import controlroom_cmd
from tests.ui.conftest import js
from tests.ui.logins import PASSWORD, actor_for, add_users
from tests.ui.waits import wait_until


def as_user(url: str, role: str) -> Any:
    """Set-up mode may not process personal data: these windows are a real user's, and the
    demo's persons of concern and direction are loaded by the supervisor, as a person would."""
    add_users(url, ("jsmith", "operator", ()), ("rkaur", "supervisor", ()))
    env = {**os.environ, "CONTROLROOM_USER": "rkaur", "CONTROLROOM_PASSWORD": PASSWORD}
    done = subprocess.run(
        controlroom_cmd("--db", url, "demo"), capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return actor_for(url, "rkaur" if role == "supervisor" else "jsmith")


def answer_lawfully(dialog: Any) -> None:
    """The questions the form asks unanswered, answered for a lawful direction."""
    dialog.capacity.setCurrentIndex(dialog.capacity.findData("constable"))
    for box, value in (
        (dialog.in_uniform, True),
        (dialog.access_kept, True),
        (dialog.picket, False),
        (dialog.warning_given, True),
        (dialog.written, True),
    ):
        box.set_answer(value)
    dialog.necessity.setText("He ignored words of advice")


def focus(window: Any, qtbot: Any, widget: Any) -> None:
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "QApplication.activeWindow() is window")
    widget.setFocus()


def test_authorise_a_zone_drawn_on_the_map(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url, actor=as_user(demo_url, "supervisor"))
    wait_until(
        qtbot,
        lambda: window.map.bridge.last_counts.get("zones") == 1,
        'window.map.bridge.last_counts.get("zones") == 1',
    )
    window.boards.setCurrentWidget(window.dispersal)
    focus(window, qtbot, window.dispersal.table)
    QTest.keyClick(window.dispersal.table, Qt.Key.Key_Z)
    wait_until(
        qtbot,
        lambda: window.dispersal_actions.dialog is not None,
        "window.dispersal_actions.dialog is not None",
    )
    dialog = window.dispersal_actions.dialog
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, "controlroom.drawing()") == [],
        'js(window.map, qtbot, "controlroom.drawing()") == []',
    )
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, "controlroom.isMoving()") is False,
        'js(window.map, qtbot, "controlroom.isMoving()") is False',
    )
    # A known view, wherever the map's dock sits: every corner lands inside the operating area.
    assert js(window.map, qtbot, "controlroom.setView(50.9065, -1.4025, 15)") is True
    wait_until(qtbot, lambda: js(window.map, qtbot, "controlroom.isMoving()") is False, "the map settled")
    width, height = window.map.width(), window.map.height()
    for x, y in ((0.30, 0.40), (0.45, 0.40), (0.45, 0.60), (0.30, 0.60)):  # clear of markers
        QTest.mouseClick(
            window.map.focusProxy(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            QPoint(round(width * x), round(height * y)),
        )
    wait_until(
        qtbot,
        lambda: len(dialog.polygon) == 4,
        f"four corners clicked on the {width}x{height} map",
        timeout=3000,
    )
    assert "4 corners" in dialog.corners.text()
    dialog.bridge.undo_corner()  # Ctrl+Z in the form
    wait_until(qtbot, lambda: len(dialog.polygon) == 3, "len(dialog.polygon) == 3", timeout=3000)
    QTest.keyClicks(dialog.name, "Above Bar late night")
    QTest.keyClicks(dialog.officer, "Insp 3310 Ria Kaur")
    QTest.keyClicks(dialog.grounds, "Groups harassing women queueing for taxis")
    QTest.keyClicks(dialog.rights, "No assembly planned; Art. 10/11 not engaged")
    QTest.keyClicks(dialog.log_number, "LOG-77")
    dialog.hours.setValue(49)
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: "48" in dialog.error.text(), '"48" in dialog.error.text()', timeout=3000)
    assert "s.34" in dialog.error.text() and dialog.isVisible()
    assert len(window.dispersal.zones) == 1  # nothing written
    dialog.hours.setValue(8)
    dialog.error.setText("")
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: len(window.dispersal.zones) == 2 or bool(dialog.error.text()),
        "len(window.dispersal.zones) == 2 or bool(dialog.error.text())",
        timeout=5000,
    )
    assert dialog.error.text() == ""
    made = next(z for z in window.dispersal.zones.values() if z.name == "Above Bar late night")
    assert len(made.polygon) == 3 and made.log_number == "LOG-77"
    wait_until(
        qtbot,
        lambda: window.map.bridge.last_counts.get("zones") == 2,
        'window.map.bridge.last_counts.get("zones") == 2',
    )
    label = js(window.map, qtbot, f"controlroom.zoneLabel({made.id})")
    assert label.startswith("s.34 Above Bar late night") and "left" in label
    assert js(window.map, qtbot, "controlroom.drawing()") is None  # drawing ended with the form
    texts = [window.dispersal.zone_list.item(i).text() for i in range(window.dispersal.zone_list.count())]
    assert any(t.startswith("s.34 Above Bar late night") for t in texts)


def test_give_a_direction_and_preview_its_paperwork(demo_url: str, open_window: Any, qtbot: Any) -> None:
    actor = as_user(demo_url, "operator")
    window = open_window(demo_url, actor=actor)
    other = open_window(demo_url, actor=actor)
    wait_until(
        qtbot,
        lambda: len(window.dispersal.zones_in_force()) == 1,
        "len(window.dispersal.zones_in_force()) == 1",
    )
    wait_until(
        qtbot,
        lambda: "1 direction" in window.dispersal.tally.text(),
        '"1 direction" in window.dispersal.tally.text()',
    )
    dialog = window.dispersal_actions.new_direction()
    window.map.bridge.mapClicked(50.9120, -1.4060)  # inside the demo zone
    assert "50.91200" in dialog.where_label.text()
    QTest.keyClicks(dialog.description, "Male, 40s, red cap <script>x</script>, grey hoodie")
    QTest.keyClicks(dialog.officer, "PC 5120 Alex Reed")
    QTest.keyClicks(dialog.behaviour, "Following lone women")
    QTest.keyClicks(dialog.grounds, "Followed women after being warned")
    QTest.keyClicks(dialog.items, "Bottle of wine; Hip flask")
    QTest.keyClicks(dialog.belief, "Drinking from them while following women")
    dialog.surrender_in_writing.set_answer(True)
    answer_lawfully(dialog)
    dialog.age.setValue(9)
    QTest.keyClick(dialog.description, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: "10" in dialog.error.text(), '"10" in dialog.error.text()', timeout=3000)
    assert dialog.isVisible() and len(window.dispersal.model.directions()) == 1
    dialog.age.setValue(35)
    painted: list[int] = []
    window.dispersal_actions.sig_preview_painted.connect(painted.append)
    QTest.keyClick(dialog.description, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: len(window.dispersal.model.directions()) == 2,
        "len(window.dispersal.model.directions()) == 2",
        timeout=3000,
    )
    made = window.dispersal.model.directions()[-1]
    assert made.surrendered_items == ("Bottle of wine", "Hip flask")
    # The paperwork names him: why and for whom first (DPA 2018 s.62(3)), then the preview.
    wait_until(
        qtbot,
        lambda: window.dispersal_actions.disclosure is not None,
        "window.dispersal_actions.disclosure is not None",
        timeout=5000,
    )
    disclosure = window.dispersal_actions.disclosure
    wait_until(qtbot, disclosure.isVisible, "disclosure.isVisible()")
    assert window.dispersal_actions.preview is None
    QTest.keyClicks(disclosure.justification, "Notice handed to him at the scene")
    QTest.keyClick(disclosure.justification, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: window.dispersal_actions.preview is not None,
        "window.dispersal_actions.preview is not None",
        timeout=5000,
    )
    wait_until(qtbot, lambda: bool(painted), "bool(painted)", timeout=10000)
    assert painted[-1] == 3  # notice, record copy, receipt
    wait_until(
        qtbot,
        lambda: len(other.dispersal.model.directions()) == 2,
        "len(other.dispersal.model.directions()) == 2",
        timeout=3000,
    )
    wait_until(
        qtbot,
        lambda: "2 directions" in other.dispersal.tally.text(),
        '"2 directions" in other.dispersal.tally.text()',
        timeout=3000,
    )
    assert "3 items" in other.dispersal.tally.text()


def test_a_directed_man_seen_back_inside_alerts_every_console(
    demo_url: str, open_window: Any, qtbot: Any, arun: Any
) -> None:
    window = open_window(demo_url, actor=as_user(demo_url, "operator"))
    wait_until(
        qtbot,
        lambda: len(window.dispersal.model.directions()) == 1,
        "len(window.dispersal.model.directions()) == 1",
    )
    directed = window.dispersal.model.directions()[0]
    incidents_before = len(window.model.incidents())
    arun(window.commands.record_sighting(directed.subject_id, at=(50.9140, -1.4040)))
    wait_until(
        qtbot, lambda: window.dispersal.alert.isVisible(), "window.dispersal.alert.isVisible()", timeout=3000
    )
    assert f"#{directed.subject_id}" in window.dispersal.alert.text()
    wait_until(
        qtbot,
        lambda: len(window.model.incidents()) == incidents_before + 1,
        "len(window.model.incidents()) == incidents_before + 1",
        timeout=3000,
    )
    breach = max(window.model.incidents(), key=lambda i: i.id)
    assert breach.grade == 2 and directed.reference in breach.summary
    wait_until(
        qtbot,
        lambda: "1 breach" in window.dispersal.tally.text(),
        '"1 breach" in window.dispersal.tally.text()',
        timeout=3000,
    )
    assert window.boards.currentWidget() is window.dispersal
    assert window.dispersal.model.directions()[0].breaches == 1


def test_words_of_advice_then_a_sighting_raises_a_repeat_behaviour_alert(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    actor = as_user(demo_url, "operator")
    window = open_window(demo_url, actor=actor)
    other = open_window(demo_url, actor=actor)
    window.boards.setCurrentWidget(window.dispersal)
    wait_until(qtbot, lambda: "warning" in other.dispersal.tally.text(), "the other console's tally")
    # The demo's own words of advice count only if given in this operational night.
    before = int(re.search(r"(\d+) warning", other.dispersal.tally.text()).group(1))  # type: ignore[union-attr]
    focus(window, qtbot, window.dispersal.table)
    QTest.keyClick(window.dispersal.table, Qt.Key.Key_W)
    wait_until(
        qtbot,
        lambda: window.dispersal_actions.dialog is not None,
        "window.dispersal_actions.dialog is not None",
        timeout=3000,
    )
    warning = window.dispersal_actions.dialog
    QTest.keyClicks(warning.officer, "PC 1234 Jo Bell")
    QTest.keyClicks(warning.place, "Outside Velvet Fox")
    QTest.keyClick(warning.officer, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: "describe the man" in warning.error.text(),
        '"describe the man" in warning.error.text()',
    )
    QTest.keyClicks(warning.description, "Tall man, green parka, ginger beard")
    QTest.keyClick(warning.officer, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: not warning.isVisible(), "not warning.isVisible()", timeout=3000)
    wait_until(
        qtbot,
        lambda: f"{before + 1} warning" in other.dispersal.tally.text(),
        "one more warning in the other console's tally",
        timeout=3000,
    )

    task = window.dispersal_actions.new_sighting()
    wait_until(qtbot, task.done, "the task it started finished")
    sighting = task.result()
    index = next(i for i in range(sighting.person.count()) if "green parka" in sighting.person.itemText(i))
    sighting.person.setCurrentIndex(index)
    window.map.bridge.mapClicked(50.9020, -1.4040)  # Above Bar, outside the demo zone
    sighting.behaviour.setCurrentIndex(sighting.behaviour.findData("following"))
    QTest.keyClick(sighting.where, Qt.Key.Key_Return)
    wait_until(
        qtbot, lambda: other.dispersal.alert.isVisible(), "other.dispersal.alert.isVisible()", timeout=3000
    )
    assert "green parka" in other.dispersal.alert.text().lower()
    assert "repeat" in other.dispersal.alert.text().lower()


def test_a_direction_can_exclude_from_part_of_the_zone(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url, actor=as_user(demo_url, "operator"))
    wait_until(
        qtbot,
        lambda: len(window.dispersal.zones_in_force()) == 1,
        "len(window.dispersal.zones_in_force()) == 1",
    )
    dialog = window.dispersal_actions.new_direction()
    window.map.bridge.mapClicked(50.9131, -1.4051)  # where it was given: inside the demo zone
    dialog.part_only.setChecked(True)
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, "controlroom.drawing()") == [],
        'js(window.map, qtbot, "controlroom.drawing()") == []',
    )
    part = [[50.9120, -1.4060], [50.9120, -1.4040], [50.9150, -1.4040], [50.9150, -1.4060]]
    window.map.bridge.zoneDrawn(json.dumps(part))  # what the page sends as corners are clicked
    assert "4 corners" in dialog.part_label.text()
    QTest.keyClicks(dialog.part_words, "London Road between Cumberland Place and Bedford Place")
    QTest.keyClicks(dialog.description, "Male, 30s, white shirt")
    QTest.keyClicks(dialog.officer, "PC 5120 Alex Reed")
    QTest.keyClicks(dialog.grounds, "Harassing women at the taxi rank")
    answer_lawfully(dialog)
    dialog.age.selectAll()  # as Tab or Alt+A leaves it: typing replaces "not given"
    QTest.keyClicks(dialog.age, "30")
    QTest.keyClick(dialog.description, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: len(window.dispersal.model.directions()) == 2,
        "len(window.dispersal.model.directions()) == 2",
        timeout=3000,
    )
    made = window.dispersal.model.directions()[-1]
    assert [list(p) for p in made.exclusion_polygon] == part
    assert made.exclusion_in_words.startswith("London Road between")
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, "controlroom.drawing()") is None,
        'js(window.map, qtbot, "controlroom.drawing()") is None',
    )
