"""Ctrl+Shift+S: type, Enter, Enter — the incident opens on the board, or read-only if it is off it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from tests.conftest import run_isolated
from tests.core.support import commands_for
from tests.ui.waits import wait_until


async def _an_old_closed_incident(url: str) -> str:
    """Three nights ago and closed (a duplicate): not on the live board."""
    db = Database(url)
    try:
        ops = commands_for(db)
        old = datetime.now(UTC) - timedelta(days=3)
        first, second = [
            await ops.report_incident(
                NewIncident(
                    category="disorder", source="cctv", summary=summary, venue="Velvet Fox", reported_at=old
                )
            )
            for summary in ("Bottle thrown at the taxi marshal", "Taxi rank scuffle")
        ]
        await ops.link_duplicate(first.reference, second.reference)
        return first.reference
    finally:
        await db.dispose()


def _search(qtbot: Any, panel: Any, text: str) -> None:
    panel.text.setFocus()
    panel.text.selectAll()
    QTest.keyClicks(panel.text, text)
    with qtbot.waitSignal(panel.sig_searched, timeout=5000):
        QTest.keyClick(panel.text, Qt.Key.Key_Return)


def test_type_enter_and_the_incident_opens(demo_url: str, open_window: Any, arun: Any, qtbot: Any) -> None:
    old_reference = run_isolated(_an_old_closed_incident(demo_url))
    window = open_window(demo_url)
    fresh = arun(
        window.commands.report_incident(
            NewIncident(
                category="assault", source="cctv", summary="Glass thrown at the door", venue="Velvet Fox"
            )
        )
    )
    wait_until(qtbot, lambda: window.board.incident_by_reference(fresh.reference) is not None, "on the board")
    assert window.board.incident_by_reference(old_reference) is None
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "the window is active")

    QTest.keyClick(
        window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    wait_until(
        qtbot, lambda: window.search.panel is not None and window.search.panel.isVisible(), "the panel"
    )
    panel = window.search.panel

    _search(qtbot, panel, "glass")
    assert [hit.reference for hit in panel.hits] == [fresh.reference]
    assert panel.results.item(0, 5).text().startswith("Glass thrown")
    QTest.keyClick(panel.results, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: window.table.selected_incident_id() == fresh.id, "selected on the board")

    _search(qtbot, panel, "taxi marsh")  # the last word a prefix
    assert [hit.reference for hit in panel.hits] == [old_reference]
    QTest.keyClick(panel.results, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: window.search.read_only is not None, "the read-only view")
    assert window.search.read_only.header.text().startswith(f"{old_reference} — ")
    assert window.search.read_only.header.text().endswith("read-only")

    # The CLI's words, beside the field.
    panel.venue.setText("Velvet Fax")
    _search(qtbot, panel, "glass")
    assert "did you mean 'Velvet Fox'" in panel.errors["venue"].text()
