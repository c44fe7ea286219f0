"""The audit viewer shows the trail's head and copies it (Alt+C) in the form `audit verify --expect` takes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from controlroom.audit.anchor import ChainHead, current_head, parse_expected
from controlroom.audit.chain import VerifyResult, verify
from controlroom.storage.database import Database
from tests.conftest import run_isolated
from tests.ui.audit.test_audit_viewer import _open_viewer
from tests.ui.waits import wait_until


async def _head(url: str) -> ChainHead:
    db = Database(url)
    try:
        return await current_head(db)
    finally:
        await db.dispose()


async def _verify(url: str, anchor: str) -> VerifyResult:
    db = Database(url)
    try:
        return await verify(db, expect=parse_expected(anchor))
    finally:
        await db.dispose()


def test_the_viewer_shows_the_head_and_alt_c_copies_it_for_audit_verify(
    demo_url: str, board_less_window: Any, qtbot: Any
) -> None:
    window = board_less_window(demo_url, "dpo_lee", "auditor")
    viewer = _open_viewer(window, qtbot, "Nightly anchoring")
    head = run_isolated(_head(demo_url))  # the consultation just logged is the newest entry
    shown = f"Audit head: entry #{head.last_id} of {head.count}, hash {head.hash}"
    wait_until(qtbot, lambda: viewer.head_label.text() == shown, "the head is shown", timeout=5000)
    QGuiApplication.clipboard().clear()
    viewer.activateWindow()
    QTest.keyClick(viewer, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    wait_until(
        qtbot,
        lambda: QGuiApplication.clipboard().text() == f"{head.last_id}:{head.hash}",
        "the head is on the clipboard as ID:HASH",
        timeout=5000,
    )
    assert f"audit head #{head.last_id} copied" in viewer.status.text()
    # What was copied is what the command line checks the trail against.
    assert run_isolated(_verify(demo_url, QGuiApplication.clipboard().text())).ok
