"""Incident handling in the real window: keyboard-only recording, one-key status moves,
two consoles on one incident, alerts that repeat until acknowledged, safe spaces from the map."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.config import Settings
from controlroom.core.grading import GradeTargets
from controlroom.core.roles import Actor
from tests.ui.conftest import cli, js
from tests.ui.waits import wait_until
from ui.shell.main_window import MainWindow


def type_into_focus(form: Any, text: str) -> None:
    """Keys go where the form's focus is, as they would for an operator typing."""
    QTest.keyClicks(form.focusWidget(), text)


def press(form: Any, key: Qt.Key) -> None:
    QTest.keyClick(form.focusWidget(), key)


def find(window: MainWindow, **fields: Any) -> Any:
    return next(
        (i for i in window.model.incidents() if all(getattr(i, k) == v for k, v in fields.items())), None
    )


def test_record_an_incident_with_the_keyboard_only(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    window.activateWindow()
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wait_until(
        qtbot,
        lambda: window.incident_actions.form is not None and window.incident_actions.form.isVisible(),
        "window.incident_actions.form is not None and window.incident_ac…",
    )
    form = window.incident_actions.form
    wait_until(qtbot, lambda: QApplication.activeWindow() is form, "QApplication.activeWindow() is form")
    assert QApplication.focusWidget() is form.place
    type_into_focus(form, "Moonlit Parlour")
    press(form, Qt.Key.Key_Tab)  # → category
    assert form.focusWidget() is form.category
    type_into_focus(form, "Suspected")
    press(form, Qt.Key.Key_Tab)  # → source
    type_into_focus(form, "Licensed")
    press(form, Qt.Key.Key_Tab)  # → grade
    type_into_focus(form, "G1")
    press(form, Qt.Key.Key_Tab)  # → summary
    assert form.focusWidget() is form.summary
    type_into_focus(form, "Two women feel drugged after one drink")
    press(form, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: find(window, summary="Two women feel drugged after one drink") is not None,
        'find(window, summary="Two women feel drugged after one drink")…',
        timeout=3000,
    )
    made = find(window, summary="Two women feel drugged after one drink")
    assert (made.place, made.category, made.source, made.grade) == (
        "Moonlit Parlour",
        "suspected_spiking",
        "licensed_premises",
        1,
    )
    assert window.incident_actions.form is None


def test_bad_input_in_the_form_is_explained_and_nothing_is_lost(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    form = window.incident_actions.new_incident()
    form.place.setText("Somewhere near the park")
    form.category.setCurrentIndex(form.category.findData("harassment"))
    form.summary.setText("Man following women")
    rows = window.model.rowCount()
    form.save()
    wait_until(qtbot, lambda: "not a venue or a street" in form.error.text(), "Where is refused")
    assert form.isVisible() and form.summary.text() == "Man following women"
    form.set_point(50.9070, -1.3990)  # as if the operator clicked the map
    form.save()
    wait_until(
        qtbot,
        lambda: window.model.rowCount() == rows + 1,
        "window.model.rowCount() == rows + 1",
        timeout=3000,
    )
    assert find(window, place="Somewhere near the park").lat == 50.9070


def test_one_key_moves_the_selected_incident_and_refusals_name_the_options(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    reference = cli(
        demo_url,
        "report",
        "--venue",
        "Velvet Fox",
        "--category",
        "harassment",
        "--source",
        "cctv",
        "--summary",
        "Group pestering women",
        "--grade",
        "3",
    )
    wait_until(
        qtbot,
        lambda: find(window, reference=reference) is not None,
        "find(window, reference=reference) is not None",
    )
    window.table.select_incident(find(window, reference=reference).id)
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_A)
    wait_until(
        qtbot,
        lambda: find(window, reference=reference).status == "acknowledged",
        'find(window, reference=reference).status == "acknowledged"',
        timeout=3000,
    )
    wait_until(
        qtbot,
        lambda: window.detail.incident.status == "acknowledged",
        'window.detail.incident.status == "acknowledged"',
    )
    QTest.keyClick(window.table, Qt.Key.Key_O)  # not allowed from acknowledged
    wait_until(
        qtbot,
        lambda: "allowed next: dispatched, resolved" in window.statusBar().currentMessage(),
        '"allowed next: dispatched, resolved" in window.statusBar().curr…',
    )
    assert find(window, reference=reference).status == "acknowledged"
    wait_until(qtbot, lambda: window.detail.timeline.count() >= 2, "window.detail.timeline.count() >= 2")
    assert "status new → acknowledged" in window.detail.timeline.item(1).text()


def test_two_consoles_editing_one_incident(demo_url: str, open_window: Any, qtbot: Any) -> None:
    alice = open_window(demo_url, actor=Actor("alice"))
    bob = open_window(demo_url, actor=Actor("bob"))
    reference = cli(
        demo_url,
        "report",
        "--venue",
        "Velvet Fox",
        "--category",
        "harassment",
        "--source",
        "cctv",
        "--summary",
        "Man shouting at women",
        "--grade",
        "3",
    )
    for window in (alice, bob):
        wait_until(
            qtbot,
            lambda w=window: find(w, reference=reference) is not None,
            "find(w, reference=reference) is not None",
        )
    alice_form = alice.incident_actions.edit(find(alice, reference=reference))
    bob_form = bob.incident_actions.edit(find(bob, reference=reference))
    bob_form.grade.setCurrentIndex(bob_form.grade.findData(2))
    bob_form.save()
    wait_until(
        qtbot,
        lambda: find(alice, reference=reference).grade == 2,
        "find(alice, reference=reference).grade == 2",
        timeout=3000,
    )
    alice_form.summary.setText("Man shouting at women, now following one")
    alice_form.save()
    wait_until(qtbot, lambda: alice_form.conflict.isVisible(), "alice_form.conflict.isVisible()")
    assert "changed by bob" in alice_form.conflict.message.text()
    assert "G2 Priority" in alice_form.conflict.theirs.text()
    alice_form.conflict.save_mine.click()
    wait_until(
        qtbot,
        lambda: find(bob, reference=reference).summary.endswith("following one"),
        'find(bob, reference=reference).summary.endswith("following one")',
        timeout=3000,
    )
    final = find(bob, reference=reference)
    assert final.grade == 2 and final.version == 3 and final.updated_by == "alice"


def test_urgent_incident_alerts_every_console_until_acknowledged(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    sounds: list[int] = []
    window = open_window(demo_url, alert_sound=lambda: sounds.append(1))
    other = open_window(demo_url)
    before = len(sounds)
    reference = cli(
        demo_url,
        "report",
        "--venue",
        "Moonlit Parlour",
        "--category",
        "sexual_offence",
        "--source",
        "public",
        "--summary",
        "Woman assaulted in toilets",
        "--grade",
        "1",
    )
    wait_until(
        qtbot,
        lambda: find(window, reference=reference) is not None,
        "find(window, reference=reference) is not None",
        timeout=2000,
    )
    incident = find(window, reference=reference)
    assert window.model.is_alerting(incident.id)
    assert len(sounds) > before
    wait_until(
        qtbot,
        lambda: str(incident.id) in js(window.map, qtbot, "controlroom.flashing()"),
        'str(incident.id) in js(window.map, qtbot, "controlroom.flashing…',
    )
    # The marker blinks: the map's blink class goes on and off (twice a second), no CSS animation.
    blinking = "document.querySelector('.leaflet-container').classList.contains('cr-blink')"
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, blinking) is True,
        "js(window.map, qtbot, blinking) is True",
        timeout=2000,
    )
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, blinking) is False,
        "js(window.map, qtbot, blinking) is False",
        timeout=2000,
    )
    wait_until(
        qtbot,
        lambda: find(other, reference=reference) is not None,
        "find(other, reference=reference) is not None",
    )
    assert other.model.is_alerting(incident.id)
    cli(demo_url, "incident", "update", reference, "--status", "acknowledged")
    wait_until(
        qtbot,
        lambda: not window.model.is_alerting(incident.id),
        "not window.model.is_alerting(incident.id)",
        timeout=2000,
    )
    wait_until(
        qtbot,
        lambda: str(incident.id) not in js(window.map, qtbot, "controlroom.flashing()"),
        'str(incident.id) not in js(window.map, qtbot, "controlroom.flas…',
    )
    assert (
        not other.model.is_alerting(incident.id)
        or wait_until(
            qtbot,
            lambda: not other.model.is_alerting(incident.id),
            "not other.model.is_alerting(incident.id)",
        )
        is None
    )


def test_alert_repeats_while_unacknowledged(demo_url: str, open_window: Any, qtbot: Any) -> None:
    sounds: list[int] = []
    window = open_window(demo_url, alert_sound=lambda: sounds.append(1))
    window.alerts._repeat.setInterval(200)
    assert window.alerts.alerting  # the demo evening has unacknowledged G1/G2 incidents
    count = len(sounds)
    wait_until(qtbot, lambda: len(sounds) >= count + 2, "len(sounds) >= count + 2", timeout=2000)


def test_breached_target_prompts_to_update_the_reporter(demo_url: str, open_window: Any, qtbot: Any) -> None:
    settings = Settings(poll_interval=0.1, grade_targets=GradeTargets(minutes=((1, 0.01), (2, 0.01))))
    window = open_window(demo_url, settings=settings)
    stack = window.alert_stack  # a breach is a line of the alert stack (test_alert_stack*.py)

    def breach_row() -> int | None:
        return next((r for r, e in enumerate(stack.model.entries()) if e.kind.value == "breach"), None)

    wait_until(qtbot, lambda: breach_row() is not None, "a breach line in the alert stack", timeout=3000)
    stack.list.setCurrentIndex(stack.model.index(breach_row()))
    stack.record_update_current()
    dialog = window.detail.dialog
    assert dialog is not None and dialog.isVisible()
    reference = window.detail.incident.reference
    dialog.setTextValue("Told caller units delayed by a fight on Bargate")
    dialog.accept()
    wait_until(
        qtbot,
        lambda: find(window, reference=reference).caller_updated_at is not None,
        "find(window, reference=reference).caller_updated_at is not None",
        timeout=3000,
    )


def test_safe_space_status_set_from_the_map_popup(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    other = open_window(demo_url)
    venue = next(v for v in window.venues.values() if v.name == "Velvet Fox")
    assert js(window.map, qtbot, f"controlroom.openVenue({venue.id})") is True
    js(
        window.map,
        qtbot,
        "document.querySelector('.leaflet-popup .cr-safe-button.cr-safe-full').click() || 1",
    )
    wait_until(
        qtbot,
        lambda: window.venues[venue.id].safe_space_status == "full",
        'window.venues[venue.id].safe_space_status == "full"',
        timeout=3000,
    )
    wait_until(
        qtbot,
        lambda: other.venues[venue.id].safe_space_status == "full",
        'other.venues[venue.id].safe_space_status == "full"',
        timeout=3000,
    )
    assert "Velvet Fox: safe space full" in window.statusBar().currentMessage()


def test_filters_apply_to_list_and_map_and_persist(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    total = window.model.rowCount()
    window.filter_bar.focus_search()
    QTest.keyClicks(window.filter_bar.focusWidget(), "velvet")
    cli(
        demo_url,
        "report",
        "--venue",
        "Velvet Fox",
        "--category",
        "harassment",
        "--source",
        "cctv",
        "--summary",
        "Man pestering bar staff",
        "--grade",
        "3",
    )
    wait_until(
        qtbot,
        lambda: window.model.rowCount() == total + 1,
        "window.model.rowCount() == total + 1",
        timeout=3000,
    )
    shown = window.table.proxy.rowCount()
    assert 1 <= shown < total
    assert all("Velvet" in window.table.proxy.index(r, 5).data() for r in range(shown))
    wait_until(
        qtbot,
        lambda: window.map.bridge.last_counts.get("incidents") == shown,
        'window.map.bridge.last_counts.get("incidents") == shown',
        timeout=3000,
    )
    assert "shown" in window.counts.text()
    window.save_layout()
    again = open_window(demo_url)
    assert again.filter_bar.current_filter().text == "velvet"
    wait_until(qtbot, lambda: again.table.proxy.rowCount() == shown, "again.table.proxy.rowCount() == shown")
