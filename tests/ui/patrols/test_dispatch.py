"""Patrols in the window: dispatch from the keyboard, a live unit board, units on the map."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import cli, js
from tests.ui.waits import wait_until


def unit(window: Any, callsign: str) -> Any:
    return next((u for u in window.units.model.units() if u.callsign == callsign), None)


def find(window: Any, reference: str) -> Any:
    return next((i for i in window.model.incidents() if i.reference == reference), None)


def test_dispatch_the_first_suggestion_from_the_keyboard(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    other = open_window(demo_url)
    reference = cli(
        demo_url,
        "report",
        "--venue",
        "Velvet Fox",
        "--category",
        "assault",
        "--source",
        "licensed_premises",
        "--summary",
        "Man punched door supervisor",
        "--grade",
        "1",
    )
    wait_until(
        qtbot,
        lambda: find(window, reference) is not None,
        "find(window, reference) is not None",
        timeout=3000,
    )
    window.table.select_incident(find(window, reference).id)
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "QApplication.activeWindow() is window")
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_D)
    wait_until(
        qtbot,
        lambda: (
            window.incident_actions.dispatcher is not None and window.incident_actions.dispatcher.isVisible()
        ),
        "window.incident_actions.dispatcher is not None and window.incid…",
    )
    dialog = window.incident_actions.dispatcher
    best = dialog.recommendations[0]
    assert best.kind.startswith("police") or best.kind == "plain_clothes"
    # Available units by ETA; for this Grade 1, units that could be diverted follow them.
    available = [r for r in dialog.recommendations if r.status == "available"]
    assert dialog.recommendations[: len(available)] == available
    assert [r.eta_minutes for r in available] == sorted(r.eta_minutes for r in available)
    wait_until(qtbot, lambda: QApplication.activeWindow() is dialog, "QApplication.activeWindow() is dialog")
    QTest.keyClick(dialog.list, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: unit(window, best.callsign).status == "en_route",
        'unit(window, best.callsign).status == "en_route"',
        timeout=3000,
    )
    wait_until(
        qtbot,
        lambda: find(window, reference).status == "dispatched",
        'find(window, reference).status == "dispatched"',
    )
    wait_until(
        qtbot,
        lambda: unit(other, best.callsign).status == "en_route",
        'unit(other, best.callsign).status == "en_route"',
        timeout=3000,
    )
    assert (
        window.units.model.data(
            window.units.model.index(window.units.model.units().index(unit(window, best.callsign)), 4)
        )
        == reference
    )


def test_unit_board_follows_another_process_and_changes_status_in_one_key(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    cli(demo_url, "unit", "update", "SN-11", "--status", "refreshment")
    wait_until(
        qtbot,
        lambda: unit(window, "SN-11").status == "refreshment",
        'unit(window, "SN-11").status == "refreshment"',
        timeout=2000,
    )
    cli(demo_url, "unit", "add", "SN-40", "--kind", "police_foot", "--at", "50.9030,-1.4043")
    wait_until(
        qtbot, lambda: unit(window, "SN-40") is not None, 'unit(window, "SN-40") is not None', timeout=2000
    )
    wait_until(
        qtbot,
        lambda: (
            window.map.bridge.last_counts.get("units")
            == sum(u.status != "off_duty" and u.lat is not None for u in window.units.model.units())
        ),
        'window.map.bridge.last_counts.get("units") == sum(u.status != "…',
    )
    row = window.units.model.units().index(unit(window, "SN-40"))
    window.units.table.selectRow(row)
    window.units.table.setFocus()
    QTest.keyClick(window.units.table, Qt.Key.Key_B)
    wait_until(
        qtbot,
        lambda: unit(window, "SN-40").status == "busy",
        'unit(window, "SN-40").status == "busy"',
        timeout=3000,
    )


def test_moving_a_unit_on_the_map_updates_its_position(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    sn12 = unit(window, "SN-12")
    assert js(window.map, qtbot, f"controlroom.unitPoint({sn12.id})") is not None
    window.map.bridge.unitMoved(str(sn12.id), 50.9040, -1.4043)  # what the page sends on dragend
    wait_until(
        qtbot,
        lambda: unit(window, "SN-12").lat == 50.9040,
        'unit(window, "SN-12").lat == 50.9040',
        timeout=3000,
    )
    assert unit(window, "SN-12").position_at > sn12.position_at
