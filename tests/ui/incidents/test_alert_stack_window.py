"""The alert stack in the real window: two Grade 2s and a breach are up when a Grade 1 arrives
from another process; it goes on top, nothing is dropped, and acknowledging it from the stack
takes it off on the feed's next diff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from tests.conftest import run_isolated
from tests.ui.conftest import cli
from tests.ui.waits import wait_until

AT = "50.9050,-1.4040"


async def _seed(url: str) -> list[str]:
    """Two fresh unacknowledged Grade 2s and a Grade 2 acknowledged 99 minutes ago (39 min over)."""
    now = datetime.now(UTC)
    db = Database(url)
    try:
        commands = Commands(db, Actor("other-console"))

        async def report(minutes_ago: float, place: str) -> str:
            new = NewIncident(
                category="disorder",
                source="cctv",
                summary="Group fighting",
                grade=2,
                lat=50.905,
                lon=-1.404,
                place=place,
                reported_at=now - timedelta(minutes=minutes_ago),
            )
            return (await commands.report_incident(new)).reference

        older, newer, breach = (
            await report(12, "Bargate"),
            await report(4, "Above Bar"),
            await report(99, "Oxford St"),
        )
        await commands.update_incident(breach, status="acknowledged", expected_version=1)
        return [breach, newer, older]
    finally:
        await db.dispose()


def test_a_grade_1_from_another_process_tops_the_stack_and_acknowledging_it_removes_it(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    breach, newer_g2, older_g2 = run_isolated(_seed(sqlite_url))
    window = open_window(sqlite_url)
    stack = window.alert_stack
    model = stack.model
    wait_until(qtbot, lambda: model.rowCount() == 3, "the stack shows the breach and the two Grade 2s")
    assert [e.reference for e in model.entries()] == [breach, newer_g2, older_g2]
    assert stack.count.text() == "3 alerts — 1 over target · 2 G2"
    assert stack.lines()[0].endswith("39 min over")
    # The operator is looking at the oldest Grade 2 when the Grade 1 comes in.
    stack.list.setCurrentIndex(model.index(2))

    printed = cli(sqlite_url, "report", "--at", AT, "--place", "Bargate taxi rank", "--category", "assault",
                  "--source", "public", "--summary", "Man down, head injury", "--grade", "1")  # fmt: skip
    wait_until(qtbot, lambda: model.rowCount() == 4, "the Grade 1 reached the stack through the feed")
    g1 = model.entry_at(0)
    assert g1.reference in printed and g1.grade == 1 and g1.place == "Bargate taxi rank"
    assert [e.reference for e in model.entries()] == [g1.reference, breach, newer_g2, older_g2]
    assert stack.count.text() == "4 alerts — 1 G1 · 1 over target · 2 G2"
    assert stack.current_entry().reference == older_g2  # the line being read did not move away

    # F8 anywhere: the top line is current and its incident is selected in the list.
    stack.jump_key.activated.emit()
    assert stack.current_entry().reference == g1.reference
    assert window.table.selected_incident_id() == g1.incident_id
    qtbot.keyClick(stack.list, Qt.Key.Key_A)  # acknowledge from the stack
    wait_until(qtbot, lambda: model.rowCount() == 3, "the acknowledged Grade 1 left the stack")
    assert [e.reference for e in model.entries()] == [breach, newer_g2, older_g2]
    acknowledged = window.board.incident_by_id(g1.incident_id)
    assert acknowledged is not None and acknowledged.status == "acknowledged"  # it came back by the feed
    assert not window.model.is_alerting(g1.incident_id)


def test_record_update_from_a_breach_line_opens_the_reporter_prompt_for_that_incident(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    breach, _newer, _older = run_isolated(_seed(sqlite_url))
    window = open_window(sqlite_url)
    stack = window.alert_stack
    wait_until(qtbot, lambda: stack.model.rowCount() == 3, "the stack shows three alerts")
    stack.list.setCurrentIndex(stack.model.index(0))
    stack.list.setFocus()
    qtbot.keyClick(stack.list, Qt.Key.Key_U)
    dialog = window.detail.dialog
    assert dialog is not None and dialog.isVisible()
    assert window.detail.incident.reference == breach
    dialog.setTextValue("Told the caller units are delayed by a fight on Bargate")
    dialog.accept()
    wait_until(
        qtbot,
        lambda: window.board.incident_by_reference(breach).caller_updated_at is not None,
        "the reporter update reached the list through the feed",
    )
    assert stack.model.entry_at(0).reference == breach  # still over target: still listed


def test_moving_down_the_stack_selects_each_incident_in_the_list_and_keeps_the_keyboard(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    _breach, newer_g2, _older = run_isolated(_seed(sqlite_url))
    window = open_window(sqlite_url)
    stack = window.alert_stack
    wait_until(qtbot, lambda: stack.model.rowCount() == 3, "the stack shows three alerts")
    ids = [entry.incident_id for entry in stack.model.entries()]
    stack.jump_key.activated.emit()  # F8
    assert window.table.selected_incident_id() == ids[0]
    for expected in (ids[1], ids[2]):
        qtbot.keyClick(stack.list, Qt.Key.Key_Down)
        assert window.table.selected_incident_id() == expected  # the list (and the map) follow
        assert window.detail.incident is not None and window.detail.incident.id == expected
    qtbot.keyClick(stack.list, Qt.Key.Key_Up)
    assert window.table.selected_incident_id() == ids[1]
    assert stack.current_entry().reference == newer_g2
    assert stack.list.hasFocus() or not window.isActiveWindow()  # still moving in the stack
