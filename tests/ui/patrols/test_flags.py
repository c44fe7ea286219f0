"""Flagged locations, diversion and typed unit positions in the real window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.core.snapshots import FlagSnapshot
from tests.ui.conftest import cli, js
from tests.ui.waits import wait_until
from ui.patrols.flag_board import FlagTableModel


def unit(window: Any, callsign: str) -> Any:
    return next((u for u in window.units.model.units() if u.callsign == callsign), None)


def incident(window: Any, reference: str) -> Any:
    return next((i for i in window.model.incidents() if i.reference == reference), None)


def flag_with(window: Any, reason: str) -> Any:
    return next((f for f in window.flags.model.active_flags() if f.reason == reason), None)


def focus(window: Any, qtbot: Any, widget: Any) -> None:
    for board in (window.units, window.flags, window.dispersal):
        if board.isAncestorOf(widget):
            window.boards.setCurrentWidget(board)  # the operator picks the tab
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "QApplication.activeWindow() is window")
    widget.setFocus()


def test_flag_a_venue_from_the_keyboard_and_every_console_sees_it(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    other = open_window(demo_url)
    flags_before = window.map.bridge.last_counts.get("flags", 0)
    focus(window, qtbot, window.table)
    QTest.keyClick(
        window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    wait_until(
        qtbot,
        lambda: window.patrols.flag_dialog is not None and window.patrols.flag_dialog.isVisible(),
        "window.patrols.flag_dialog is not None and window.patrols.flag_…",
    )
    dialog = window.patrols.flag_dialog
    wait_until(qtbot, lambda: QApplication.activeWindow() is dialog, "QApplication.activeWindow() is dialog")
    assert QApplication.focusWidget() is dialog.place
    QTest.keyClick(dialog.place, Qt.Key.Key_Return)  # nowhere given yet
    wait_until(qtbot, lambda: dialog.error.text().startswith("Where: type a venue"), "Where is asked for")
    assert dialog.isVisible() and window.flags.model.rowCount() == 0
    QTest.keyClicks(dialog.place, "Velvet Fox")
    QTest.keyClick(dialog.place, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.behaviour
    QTest.keyClicks(dialog.behaviour, "Following")
    QTest.keyClick(dialog.behaviour, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.focusWidget(), "CCTV: man following lone woman <b>up</b> the road")
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    reason = "CCTV: man following lone woman <b>up</b> the road"
    wait_until(
        qtbot,
        lambda: flag_with(window, reason) is not None,
        "flag_with(window, reason) is not None",
        timeout=3000,
    )
    made = flag_with(window, reason)
    assert (made.place, made.behaviour) == ("Velvet Fox", "following")
    assert window.patrols.flag_dialog is None
    wait_until(
        qtbot,
        lambda: flag_with(other, reason) is not None,
        "flag_with(other, reason) is not None",
        timeout=3000,
    )
    wait_until(
        qtbot,
        lambda: window.map.bridge.last_counts.get("flags") == flags_before + 1,
        'window.map.bridge.last_counts.get("flags") == flags_before + 1',
    )
    row = window.flags.model.row_of(made.id)
    assert window.flags.model.data(window.flags.model.index(row, 2)) == reason  # plain text, as typed


def test_flag_a_point_clicked_on_the_map(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    dialog = window.patrols.new_flag()
    QTest.keyClicks(dialog.place, "Alley behind the Bargate")
    window.map.bridge.mapClicked(50.90295, -1.40435)  # what the page sends on a click
    assert "50.90295" in dialog.point_label.text()
    QTest.keyClicks(dialog.reason, "Leering at women queueing")
    dialog.behaviour.setCurrentIndex(dialog.behaviour.findData("leering"))
    QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: flag_with(window, "Leering at women queueing") is not None,
        'flag_with(window, "Leering at women queueing") is not None',
        timeout=3000,
    )
    made = flag_with(window, "Leering at women queueing")
    assert (made.lat, made.lon, made.place) == (50.90295, -1.40435, "Alley behind the Bargate")


def test_dispatch_to_a_flag_then_make_it_an_incident(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    cli(
        demo_url,
        "flag",
        "--venue",
        "Velvet Fox",
        "--behaviour",
        "isolating",
        "--reason",
        "Man steering drunk woman",
    )
    wait_until(
        qtbot,
        lambda: flag_with(window, "Man steering drunk woman") is not None,
        'flag_with(window, "Man steering drunk woman") is not None',
        timeout=3000,
    )
    flag = flag_with(window, "Man steering drunk woman")
    assert window.flags.select_flag(flag.id)
    focus(window, qtbot, window.flags.table)
    QTest.keyClick(window.flags.table, Qt.Key.Key_D)
    wait_until(
        qtbot,
        lambda: window.patrols.dialog is not None and window.patrols.dialog.isVisible(),
        "window.patrols.dialog is not None and window.patrols.dialog.isV…",
    )
    dispatcher = window.patrols.dialog
    best = dispatcher.recommendations[0]
    wait_until(
        qtbot, lambda: QApplication.activeWindow() is dispatcher, "QApplication.activeWindow() is dispatcher"
    )
    QTest.keyClick(dispatcher.list, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: unit(window, best.callsign).flag_id == flag.id,
        "unit(window, best.callsign).flag_id == flag.id",
        timeout=3000,
    )
    assert unit(window, best.callsign).status == "en_route"
    row = window.flags.model.row_of(flag.id)
    wait_until(
        qtbot,
        lambda: best.callsign in window.flags.model.data(window.flags.model.index(row, 4)),
        "best.callsign in window.flags.model.data(window.flags.model.ind…",
    )

    focus(window, qtbot, window.flags.table)
    window.flags.select_flag(flag.id)
    QTest.keyClick(window.flags.table, Qt.Key.Key_I)
    wait_until(
        qtbot,
        lambda: window.patrols.dialog is not dispatcher and window.patrols.dialog.isVisible(),
        "window.patrols.dialog is not dispatcher and window.patrols.dial…",
    )
    convert = window.patrols.dialog
    assert convert.category.currentData() == "predatory_behaviour"
    wait_until(
        qtbot, lambda: QApplication.activeWindow() is convert, "QApplication.activeWindow() is convert"
    )
    QTest.keyClick(convert.focusWidget(), Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: window.flags.model.row_of(flag.id) is None,
        "window.flags.model.row_of(flag.id) is None",
        timeout=3000,
    )
    wait_until(
        qtbot,
        lambda: unit(window, best.callsign).incident_id is not None,
        "unit(window, best.callsign).incident_id is not None",
        timeout=3000,
    )
    made = next(i for i in window.model.incidents() if i.id == unit(window, best.callsign).incident_id)
    assert (made.place, made.category, made.grade, made.status) == (
        "Velvet Fox",
        "predatory_behaviour",
        2,
        "dispatched",
    )
    assert "Man steering drunk woman" in made.summary


def test_grade_1_dispatch_offers_a_unit_on_a_lower_task_and_records_the_diversion(
    demo_url: str, open_window: Any, qtbot: Any, arun: Any
) -> None:
    window = open_window(demo_url)
    low = cli(
        demo_url, "report", "--venue", "Velvet Fox", "--category", "disorder", "--source", "cctv",
        "--summary", "Noisy group", "--grade", "3",
    )  # fmt: skip
    cli(demo_url, "dispatch", low, "--unit", "SN-11")
    urgent = cli(
        demo_url, "report", "--venue", "Nightjar Social", "--category", "assault", "--source",
        "licensed_premises", "--summary", "Woman assaulted at the door", "--grade", "1",
    )  # fmt: skip
    wait_until(
        qtbot,
        lambda: incident(window, urgent) is not None and unit(window, "SN-11").status == "en_route",
        'incident(window, urgent) is not None and unit(window, "SN-11").…',
    )
    window.table.select_incident(incident(window, urgent).id)
    dialog = window.incident_actions.dispatch_selected()
    divert = [r for r in dialog.recommendations if r.callsign == "SN-11"]
    assert divert and divert[0].status == "en_route"
    row = dialog.recommendations.index(divert[0])
    assert f"divert from {low} (G3)" in dialog.list.item(row).text()
    assert all(r.status == "available" for r in dialog.recommendations[:row])
    dialog.list.setCurrentRow(row)
    dialog.dispatch_selected()
    wait_until(
        qtbot,
        lambda: unit(window, "SN-11").incident_id == incident(window, urgent).id,
        'unit(window, "SN-11").incident_id == incident(window, urgent).id',
        timeout=3000,
    )
    low_timeline = arun(window.incident_gateway.detail(low)).timeline
    assert any(e.kind == "diverted" and e.detail.get("to") == urgent for e in low_timeline)


def test_type_a_unit_position_as_a_venue_or_coordinates(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    row = window.units.model.units().index(unit(window, "SP-1"))
    focus(window, qtbot, window.units.table)
    window.units.table.selectRow(row)
    QTest.keyClick(window.units.table, Qt.Key.Key_L)
    wait_until(
        qtbot,
        lambda: window.patrols.dialog is not None and window.patrols.dialog.isVisible(),
        "window.patrols.dialog is not None and window.patrols.dialog.isV…",
    )
    dialog = window.patrols.dialog
    QTest.keyClicks(dialog.where, "somewhere nice")
    QTest.keyClick(dialog.where, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: "'somewhere nice' is not a venue or a street" in dialog.error.text(),
        "the unknown place is refused",
    )
    dialog.where.clear()
    QTest.keyClicks(dialog.where, "Velvet Fox")
    QTest.keyClick(dialog.where, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: unit(window, "SP-1").lat == 50.9115,
        'unit(window, "SP-1").lat == 50.9115',
        timeout=3000,
    )
    dialog = window.patrols.locate_unit(unit(window, "SP-1"))
    QTest.keyClicks(dialog.where, "50.9001, -1.4049")
    QTest.keyClick(dialog.where, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: (unit(window, "SP-1").lat, unit(window, "SP-1").lon) == (50.9001, -1.4049),
        '(unit(window, "SP-1").lat, unit(window, "SP-1").lon) == (50.900…',
    )
    sp1 = unit(window, "SP-1")
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, f"controlroom.unitLatLng({sp1.id})") == [50.9001, -1.4049],
        'js(window.map, qtbot, f"controlroom.unitLatLng({sp1.id})") == […',
    )


def test_flag_model_drops_flags_as_they_expire_or_are_cleared(qtmodeltester: Any) -> None:
    now = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
    clock = [now]
    model = FlagTableModel(wall_clock=lambda: clock[0])

    def flag(flag_id: int, minutes: int, **changes: Any) -> FlagSnapshot:
        values: dict[str, Any] = {
            "id": flag_id, "lat": 50.91, "lon": -1.40, "venue_id": None, "place": f"place {flag_id}",
            "behaviour": "loitering", "reason": "seen", "flagged_at": now,
            "expires_at": now + timedelta(minutes=minutes), "cleared_at": None, "incident_id": None,
            "created_by": "op", "version": 1,
        }  # fmt: skip
        values.update(changes)
        return FlagSnapshot(**values)

    model.reset([flag(1, 10), flag(2, 60), flag(3, -1)], [])
    assert [f.id for f in model.active_flags()] == [1, 2]  # 3 had already expired
    qtmodeltester.check(model)
    clock[0] = now + timedelta(minutes=11)
    model.expire()
    assert [f.id for f in model.active_flags()] == [2]
    from controlroom.core.snapshots import Change

    cleared = flag(2, 60, cleared_at=clock[0], version=2)
    model.apply_changes([Change(seq=1, entity="flag", op="upsert", entity_id=2, flag=cleared)])
    assert model.rowCount() == 0
    qtmodeltester.check(model)
