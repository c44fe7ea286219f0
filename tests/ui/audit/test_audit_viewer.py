"""The auditor's viewer: reading is a logged consultation, filters, chain verification
(intact, then broken by an edited entry) and a CSV export logged as a disclosure first."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.logins import audit_entries
from tests.ui.waits import wait_until
from ui.common.justification_dialog import ICO, JustificationDialog


def _prompt(window: Any, qtbot: Any) -> JustificationDialog:
    def visible() -> list[JustificationDialog]:
        return [d for d in window.findChildren(JustificationDialog) if d.isVisible()]

    wait_until(qtbot, lambda: len(visible()) == 1, "len(visible()) == 1", timeout=5000)
    return visible()[0]


def _open_viewer(window: Any, qtbot: Any, why: str) -> Any:
    task = window.session.open_audit_trail()
    prompt = _prompt(window, qtbot)
    QTest.keyClicks(prompt.justification, why)
    QTest.keyClick(prompt.justification, Qt.Key.Key_Return)
    wait_until(qtbot, task.done, "the task it started finished", timeout=5000)
    return task.result()


def test_reading_the_trail_asks_why_and_logs_it_cancel_logs_nothing(
    demo_url: str, board_less_window: Any, qtbot: Any
) -> None:
    window = board_less_window(demo_url, "dpo_lee", "auditor")
    task = window.session.open_audit_trail()
    prompt = _prompt(window, qtbot)
    QTest.keyClick(prompt.justification, Qt.Key.Key_Return)  # no reason given
    assert "say why" in prompt.error.text() and prompt.isVisible()
    QTest.keyClick(prompt.justification, Qt.Key.Key_Escape)
    wait_until(qtbot, task.done, "the task it started finished")
    assert task.result() is None and window.session.viewer is None
    assert audit_entries(demo_url, kind="consultation") == []

    viewer = _open_viewer(window, qtbot, "Monthly self-monitoring")
    assert viewer is not None and viewer.isVisible()
    viewed = audit_entries(demo_url, kind="consultation")
    assert [(e.action, e.actor, e.justification) for e in viewed] == [
        ("audit.view", "dpo_lee", "Monthly self-monitoring")
    ]
    everything = audit_entries(demo_url)
    assert viewer.model.rowCount() == len(everything)
    last = viewer.model.row_text(viewer.model.rowCount() - 1)
    assert last[2:5] == ("dpo_lee", "audit.view", "consultation")
    assert last[6] == "Monthly self-monitoring"

    viewer.kind.setCurrentIndex(viewer.kind.findData("access"))
    viewer.actor_filter.setText("dpo_lee")
    QTest.keyClick(viewer.actor_filter, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: viewer.model.rowCount() == 1, "viewer.model.rowCount() == 1", timeout=5000)
    assert viewer.model.row_text(0)[3] == "user.login"
    viewer.entity_id.setText("abc")
    QTest.keyClick(viewer.entity_id, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: "must be a number" in viewer.status.text(),
        '"must be a number" in viewer.status.text()',
        timeout=5000,
    )
    viewer.entity_id.clear()
    viewer.actor_filter.clear()
    viewer.kind.setCurrentIndex(0)
    viewer.refresh()
    wait_until(
        qtbot,
        lambda: viewer.model.rowCount() == len(everything),
        "viewer.model.rowCount() == len(everything)",
        timeout=5000,
    )
    viewer.resize(1200, 560)
    viewer.grab().save("/tmp/audit_viewer.png")


def test_verify_chain_says_intact_then_names_the_first_edited_entry(
    demo_url: str, board_less_window: Any, qtbot: Any
) -> None:
    window = board_less_window(demo_url, "dpo_lee", "auditor")
    viewer = _open_viewer(window, qtbot, "Integrity check")
    QTest.mouseClick(viewer.verify_button, Qt.MouseButton.LeftButton)
    wait_until(
        qtbot,
        lambda: "intact" in viewer.verify_result.text(),
        '"intact" in viewer.verify_result.text()',
        timeout=10000,
    )
    path = demo_url.split("///", 1)[1]
    with sqlite3.connect(path) as conn:  # someone with the file edits an entry behind the app
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("UPDATE audit_log SET actor = 'someone_else' WHERE id = 2")
    QTest.mouseClick(viewer.verify_button, Qt.MouseButton.LeftButton)
    wait_until(
        qtbot,
        lambda: "BROKEN at entry 2" in viewer.verify_result.text(),
        '"BROKEN at entry 2" in viewer.verify_result.text()',
        timeout=10000,
    )
    assert "edited" in viewer.verify_result.text()
    viewer.grab().save("/tmp/audit_viewer_broken.png")


def test_export_is_logged_as_a_disclosure_to_the_recipient_before_the_file_is_written(
    demo_url: str, board_less_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = board_less_window(demo_url, "dpo_lee", "auditor")
    viewer = _open_viewer(window, qtbot, "ICO request 2024-117")
    target = tmp_path / "export" / "audit.csv"

    task = viewer.start_export(target)
    wait_until(
        qtbot,
        lambda: viewer.export_dialog is not None and viewer.export_dialog.isVisible(),
        "viewer.export_dialog is not None and viewer.export_dialog.isVis…",
    )
    viewer.export_dialog.reject()  # cancelled: nothing logged, nothing written
    wait_until(qtbot, task.done, "the task it started finished")
    assert not target.exists() and audit_entries(demo_url, kind="disclosure") == []

    task = viewer.start_export(target)
    wait_until(
        qtbot,
        lambda: viewer.export_dialog is not None and viewer.export_dialog.isVisible(),
        "viewer.export_dialog is not None and viewer.export_dialog.isVis…",
    )
    dialog = viewer.export_dialog
    assert dialog.recipient is not None and dialog.recipient.currentText() == ICO
    QTest.keyClicks(dialog.justification, "ICO request 2024-117")
    QTest.keyClick(dialog.justification, Qt.Key.Key_Return)
    wait_until(qtbot, task.done, "the task it started finished", timeout=10000)
    assert task.result() is not None
    disclosures = audit_entries(demo_url, kind="disclosure")
    assert [(e.action, e.justification, e.recipient) for e in disclosures] == [
        ("audit.export", "ICO request 2024-117", ICO)
    ]
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[-1]["action"] == "audit.export"  # logged before the file was written
    assert len(rows) == len(audit_entries(demo_url))
    assert [p.name for p in target.parent.iterdir()] == ["audit.csv"]  # no temporary left
