"""Checklist steps in the real window, keyboard only: the detail shows a spiking report's steps;
K marks the next one done and the mark (with who) and the timeline line come back by the feed;
Shift+K asks why, an empty reason is refused beside the field in the core's words with the dialog
left open and the typed text kept; Y in the steps answers a question step and opens its branch."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from controlroom.core.roles import Actor
from tests.conftest import run_isolated
from tests.ui.procedures.seeding import a_minute_ago, report_spiking
from tests.ui.waits import wait_until


def open_on_spiking(sqlite_url: str, open_window: Any, qtbot: Any) -> Any:
    """op1's window with a fresh spiking report selected and the keyboard on the list."""
    reference = run_isolated(report_spiking(sqlite_url, a_minute_ago()))
    window = open_window(sqlite_url, actor=Actor("op1"))
    wait_until(
        qtbot, lambda: window.board.incident_by_reference(reference) is not None, "the report is listed"
    )
    incident_id = window.board.incident_by_reference(reference).id
    assert window.table.select_incident(incident_id)
    window.activateWindow()
    wait_until(qtbot, window.isActiveWindow, "the window is in front")
    window.table.setFocus()
    return window


def test_k_marks_the_next_step_done_and_the_checklist_and_timeline_say_who(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_on_spiking(sqlite_url, open_window, qtbot)
    panel = window.detail.checklist
    wait_until(qtbot, lambda: panel.model.rowCount() > 5, "the detail shows the spiking checklist")
    window.show_detail()
    assert panel.isVisible()  # the Steps tab is in front for an incident with a procedure
    tabs = window.detail.steps_and_timeline
    assert tabs.tabText(tabs.currentIndex()).startswith("Steps 0/")  # none dealt with yet
    assert panel.procedure.full_text().startswith("Suspected spiking (procedures ")
    rows = [panel.model.index(r).data() for r in range(panel.model.rowCount())]
    assert (
        rows[0].startswith("1  ○  Urgent welfare") and "Operator · due " in rows[0] and "min left" in rows[0]
    )
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_K)
    wait_until(
        qtbot, lambda: panel.checklist().step("1").state == "done", "step 1 came back done by the feed"
    )
    assert " · done by op1 at " in panel.model.index(0).data()
    assert panel.model.index(0).data().startswith("1  ✓  Urgent welfare")
    timeline = window.detail.timeline
    wait_until(
        qtbot,
        lambda: any("Step 1" in timeline.item(r).text() for r in range(timeline.count())),
        "the timeline was reloaded with the step's line",
    )
    assert window.statusBar().currentMessage().endswith(": step 1 done")


def test_skipping_needs_a_reason_and_the_refusal_keeps_the_dialog_and_what_was_typed(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_on_spiking(sqlite_url, open_window, qtbot)
    panel = window.detail.checklist
    wait_until(qtbot, lambda: panel.checklist() is not None, "the checklist came by the feed")
    qtbot.keyClick(window.table, Qt.Key.Key_K, Qt.KeyboardModifier.ShiftModifier)
    dialog = window.detail.steps.skip_dialog
    assert dialog is not None and dialog.isVisible()
    wait_until(qtbot, lambda: QApplication.focusWidget() is dialog.reason, "the reason has the keyboard")
    qtbot.keyClicks(dialog.reason, "   ")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: dialog.error.text() != "", "the core's refusal is shown")
    assert "reason" in dialog.error.text()
    assert dialog.isVisible() and dialog.reason.text() == "   "  # kept, to be corrected
    assert panel.checklist().step("1").state == "pending"  # nothing written
    qtbot.keyClicks(dialog.reason, "ambulance already with her, called by the venue")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: not dialog.isVisible(), "the dialog closed once the core took the reason")
    wait_until(
        qtbot, lambda: panel.checklist().step("1").state == "skipped", "the skip came back by the feed"
    )
    step = panel.checklist().step("1")
    assert step.reason == "ambulance already with her, called by the venue" and step.by == "op1"
    assert "⤼" in panel.model.index(0).data() and "skipped by op1 at " in panel.model.index(0).data()


def test_y_in_the_steps_answers_a_question_step_and_its_branch_comes_into_the_checklist(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_on_spiking(sqlite_url, open_window, qtbot)
    panel = window.detail.checklist
    wait_until(qtbot, lambda: panel.checklist() is not None, "the checklist came by the feed")
    window.show_detail()
    asking = next(s for s in panel.checklist().steps if s.question)
    branch = [s for s in panel.checklist().steps if s.branch_of == asking.number and s.branch == "yes"]
    assert branch and all(s.state == "conditional" for s in branch)
    row = [s.number for s in panel.checklist().steps].index(asking.number)
    assert "(Y / N)" in panel.model.index(row).data()
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(row))
    qtbot.keyClick(panel.view, Qt.Key.Key_Y)
    wait_until(qtbot, lambda: panel.checklist().step(asking.number).answer == "yes", "the answer came back")
    answered = panel.checklist()
    assert answered.step(asking.number).state == "done"
    assert all(answered.step(s.number).state == "pending" for s in branch)  # now part of the checklist
    assert "(answer: yes)" in panel.model.index(row).data()
