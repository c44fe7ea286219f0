"""The issue's proof: a procedure step with a time limit raises the supervisor alert on a second
console at the right moment (its clock fixed: no line a second before the limit, a line once past
it), beside the incident's own line; marking the step done with K on the first console takes the
line off the second through the feed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt

from controlroom.core.roles import Actor
from controlroom.incidents.alerts import AlertKind
from tests.conftest import run_isolated
from tests.ui.procedures.seeding import a_minute_ago, report_spiking
from tests.ui.waits import wait_until


def step_lines(window: Any) -> list[Any]:
    return [e for e in window.alerts.stack_model.entries() if e.kind is AlertKind.STEP_OVERDUE]


def test_an_overdue_step_alerts_a_second_console_at_its_limit_and_k_on_the_first_clears_it(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    reported_at = a_minute_ago()
    reference = run_isolated(report_spiking(sqlite_url, reported_at))
    first = open_window(sqlite_url, actor=Actor("op1"))
    second = open_window(sqlite_url, actor=Actor("sup1"))
    limit = reported_at + timedelta(minutes=5)  # step 1 of the spiking procedure: within 5 min
    clock = [limit - timedelta(seconds=1)]
    second.alerts.wall_clock = lambda: clock[0]
    wait_until(
        qtbot, lambda: second.board.incident_by_reference(reference) is not None, "the report reached it"
    )
    incident_id = second.board.incident_by_reference(reference).id
    wait_until(
        qtbot,
        lambda: second.detail.checklist.checklist(incident_id) is not None,
        "its checklist came by the feed",
    )
    stack = second.alert_stack
    # A whole tick of the list's clock a second before the limit: only the incident's own line.
    with qtbot.waitSignal(second.model.sig_clock_ticked, timeout=3000):
        pass
    assert step_lines(second) == []
    assert [e.kind for e in stack.model.entries()] == [AlertKind.G2]

    clock[0] = limit + timedelta(seconds=1)  # one second past it
    wait_until(qtbot, lambda: step_lines(second), "the step line appeared on the next tick", timeout=3000)
    [line] = step_lines(second)
    assert (line.incident_id, line.step.number, line.step.who) == (incident_id, "1", "operator")
    assert stack.lines()[1].startswith(
        f"Supervisor: step 1 of {reference} overdue under a minute — Urgent welfare"
    )
    assert stack.count.text() == "2 alerts — 1 G2 · 1 step overdue"  # its own line, beside the G2's
    assert [e.kind for e in stack.model.entries()] == [AlertKind.G2, AlertKind.STEP_OVERDUE]
    clock[0] = limit + timedelta(minutes=2, seconds=5)
    wait_until(qtbot, lambda: f"{reference} overdue 2 min" in stack.lines()[1], "the line counts the minutes")

    # On the first console the operator selects the incident and presses K: step 1 is done.
    first_id = first.board.incident_by_reference(reference).id
    assert first.table.select_incident(first_id)
    first.activateWindow()  # a key works in the window in front
    wait_until(qtbot, first.isActiveWindow, "the first console is in front")
    first.table.setFocus()
    qtbot.keyClick(first.table, Qt.Key.Key_K)
    wait_until(
        qtbot, lambda: not step_lines(second), "the step line left the second console through the feed"
    )
    assert [e.kind for e in stack.model.entries()] == [AlertKind.G2]
    step = second.detail.checklist.checklist(incident_id).step("1")
    assert (step.state, step.by) == ("done", "op1")
    # Step 2 ("within 10 min") is not due yet on the second console's clock: no line for it.
    assert stack.count.text() == "1 alert — 1 G2"
