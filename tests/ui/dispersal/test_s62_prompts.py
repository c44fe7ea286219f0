"""DPA 2018 s.62 in the window: opening a person's full record asks why and logs a
consultation; printing a direction's paperwork asks why and for whom and logs a
disclosure before the preview opens. Cancel shows, prints and logs nothing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.dispersal.persons import NewSubject
from tests.ui.logins import actor_for, add_users, audit_entries
from tests.ui.waits import wait_until
from ui.common.justification_dialog import JustificationDialog


def _prompt(window: Any, qtbot: Any) -> JustificationDialog:
    def visible() -> list[JustificationDialog]:
        return [d for d in window.findChildren(JustificationDialog) if d.isVisible()]

    wait_until(qtbot, lambda: len(visible()) == 1, "len(visible()) == 1", timeout=5000)
    return visible()[0]


def _operator_window(url: str, open_window: Any, qtbot: Any) -> Any:
    add_users(url, ("jsmith", "operator", ()))
    window = open_window(url, actor=actor_for(url, "jsmith"))
    wait_until(
        qtbot, lambda: window.dispersal.model.rowCount() == 1, "window.dispersal.model.rowCount() == 1"
    )
    window.boards.setCurrentWidget(window.dispersal)
    window.dispersal.table.selectRow(0)
    return window


def test_opening_a_record_asks_why_then_shows_the_identity_and_logs_it(
    demo_url: str, open_window: Any, qtbot: Any, arun: Any
) -> None:
    window = _operator_window(demo_url, open_window, qtbot)
    subject_id = window.dispersal.model.direction_at(0).subject_id
    commands = window.commands
    named = arun(
        commands.add_subject(
            NewSubject(description="Tall man <b>red</b> coat", name="<i>Dan</i> Example", address="1 High St")
        )
    )
    assert named.id != subject_id

    window.session.record_action.trigger()  # the selected direction's person
    prompt = _prompt(window, qtbot)
    QTest.keyClick(prompt.justification, Qt.Key.Key_Escape)
    wait_until(qtbot, lambda: not prompt.isVisible(), "not prompt.isVisible()")
    assert audit_entries(demo_url, kind="consultation") == []
    assert window.session.record is None

    task = window.session.open_record(named.id)
    prompt = _prompt(window, qtbot)
    QTest.keyClicks(prompt.justification, "Breach check for SO-0412")
    QTest.keyClick(prompt.justification, Qt.Key.Key_Return)
    wait_until(qtbot, task.done, "the task it started finished", timeout=5000)
    record = task.result()
    assert record is not None and record.isVisible()
    assert record.labels["Name"].text() == "<i>Dan</i> Example"  # as typed, shown as text
    assert record.labels["Name"].textFormat() == Qt.TextFormat.PlainText
    assert record.labels["Address"].text() == "1 High St"
    assert record.labels["Date of birth"].text() == "— not recorded —"
    consulted = audit_entries(demo_url, kind="consultation")
    assert [(e.action, e.entity, e.entity_id, e.justification, e.actor) for e in consulted] == [
        ("subject.consult", "subject", named.id, "Breach check for SO-0412", "jsmith")
    ]


def test_printing_a_direction_logs_why_and_for_whom_before_the_preview(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = _operator_window(demo_url, open_window, qtbot)
    direction = window.dispersal.model.direction_at(0)
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "QApplication.activeWindow() is window")
    window.dispersal.table.setFocus()
    QTest.keyClick(window.dispersal.table, Qt.Key.Key_P)
    prompt = _prompt(window, qtbot)
    assert prompt.recipient is not None and prompt.recipient.currentText() == "the person directed"
    prompt.reject()
    wait_until(qtbot, lambda: not prompt.isVisible(), "not prompt.isVisible()")
    assert window.dispersal_actions.preview is None
    assert audit_entries(demo_url, kind="disclosure") == []

    painted: list[int] = []
    window.dispersal_actions.sig_preview_painted.connect(painted.append)
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "QApplication.activeWindow() is window")
    window.dispersal.table.setFocus()
    QTest.keyClick(window.dispersal.table, Qt.Key.Key_P)
    prompt = _prompt(window, qtbot)
    prompt.recipient.setCurrentText("case file")
    QTest.keyClicks(prompt.justification, "Copy for the case file")
    QTest.keyClick(prompt.justification, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: window.dispersal_actions.preview is not None,
        "window.dispersal_actions.preview is not None",
        timeout=5000,
    )
    wait_until(qtbot, lambda: bool(painted), "bool(painted)", timeout=10000)
    printed = audit_entries(demo_url, kind="disclosure")
    assert [(e.action, e.entity, e.entity_id, e.recipient, e.justification) for e in printed] == [
        ("paperwork.print", "direction", direction.id, "case file", "Copy for the case file")
    ]
    assert printed[0].detail["reference"] == direction.reference
