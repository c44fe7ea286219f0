"""The handover changes hands at one console: the outgoing operator hands over, locks the
console and chooses "Switch user"; the incoming operator logs in through the real login
dialog, the handover opens by itself and Ctrl+Enter acknowledges it as them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.config import Settings
from controlroom.handover.queries import handover_record, list_handovers
from controlroom.storage.database import Database
from tests.conftest import run_isolated
from tests.ui.logins import PASSWORD, actor_for, add_users
from tests.ui.waits import wait_until
from ui.accounts.login_dialog import LoginDialog
from ui.shell.app import session_loop
from ui.shell.main_window import MainWindow

OUTGOING, INCOMING = "ho_out", "ho_in"
DRAFT_MS = 30_000


def _login_dialog(qtbot: Any, seen: list[LoginDialog]) -> LoginDialog:
    def showing() -> LoginDialog | None:
        return next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, LoginDialog) and w.isVisible() and w not in seen
            ),
            None,
        )

    wait_until(qtbot, lambda: showing() is not None, "the login dialog is shown", timeout=10000)
    dialog = showing()
    assert dialog is not None
    seen.append(dialog)
    return dialog


def _log_in(dialog: LoginDialog, name: str) -> None:
    QTest.keyClicks(dialog.name, name)
    QTest.keyClicks(dialog.password, PASSWORD)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)


@pytest.fixture
def console(demo_url: str, qt_loop: Any, qtbot: Any, qapp: QApplication) -> Iterator[Any]:
    """``session_loop`` on the demo night with two operators; yields (task, opened windows)."""
    add_users(demo_url, (OUTGOING, "operator", ()), (INCOMING, "operator", ()))
    db = Database(demo_url)
    opened: list[MainWindow] = []
    qapp.setQuitOnLastWindowClosed(True)
    asyncio.set_event_loop(qt_loop)
    task = qt_loop.create_task(
        session_loop(db, Settings(poll_interval=0.1), qapp, on_window_opened=opened.append)
    )
    yield task, opened
    if not task.done():
        task.cancel()
    wait_until(qtbot, task.done, "the session loop finished", timeout=10000)
    dispose = qt_loop.create_task(db.dispose())
    wait_until(qtbot, dispose.done, "the database was disposed of", timeout=5000)


def test_the_incoming_operator_logs_in_at_the_locked_console_and_acknowledges(
    demo_url: str, console: Any, qtbot: Any
) -> None:
    task, opened = console
    seen: list[LoginDialog] = []
    _log_in(_login_dialog(qtbot, seen), OUTGOING)
    wait_until(qtbot, lambda: len(opened) == 1 and opened[0].isVisible(), "the outgoing user's window")
    outgoing = opened[0]
    wait_until(qtbot, lambda: outgoing.feed.last_good is not None, "the feed loaded", timeout=10000)
    assert outgoing.handover.record is None  # nothing waits for the one who is about to hand over
    draft = outgoing.handover.open_draft()
    wait_until(qtbot, lambda: draft.draft is not None, "the draft was worked out", timeout=DRAFT_MS)
    draft.notes.setPlainText("Busy until 01:30, quiet since")
    with qtbot.waitSignal(draft.sig_given, timeout=10_000):
        draft.give()

    outgoing.session.lock.lock()
    QTest.mouseClick(outgoing.session.lock.screen.switch_button, Qt.MouseButton.LeftButton)
    _log_in(_login_dialog(qtbot, seen), INCOMING)
    wait_until(qtbot, lambda: len(opened) == 2 and opened[1].isVisible(), "the incoming user's window")
    incoming = opened[1]
    wait_until(qtbot, lambda: incoming.handover.record is not None, "the handover opened after the login")
    record = incoming.handover.record
    wait_until(qtbot, lambda: record.record is not None, "the handover was read")
    assert record.notes.toPlainText() == "Busy until 01:30, quiet since"
    record.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is record, "the handover is in front")
    with qtbot.waitSignal(record.sig_acknowledged, timeout=10_000):
        QTest.keyClick(record.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    async def stored() -> Any:
        db = Database(demo_url)
        try:
            actor = actor_for(demo_url, INCOMING)
            [handover] = await list_handovers(db, actor)
            return await handover_record(db, actor, handover.id)
        finally:
            await db.dispose()

    acknowledged = run_isolated(stored())
    assert (acknowledged.snapshot.given_by, acknowledged.snapshot.acknowledged_by) == (OUTGOING, INCOMING)
    incoming.close()
    wait_until(qtbot, task.done, "the session loop ended with the window", timeout=10000)
