"""The session loop ``run`` drives: log in, work, "Switch user", the next login, cancel.

``session_loop`` is the body of ``run`` without ``QApplication.exec``: the test awaits it
on the shared qasync loop and answers the real login dialogs with real key presses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.config import Settings
from controlroom.storage.database import Database
from tests.ui.logins import PASSWORD, add_users, audit_entries
from tests.ui.waits import wait_until
from ui.accounts.login_dialog import LoginDialog
from ui.shell.app import session_loop
from ui.shell.main_window import MainWindow


def _login_dialog(qtbot: Any, seen: list[LoginDialog]) -> LoginDialog:
    """The login dialog on screen now, one not answered before."""

    def showing() -> LoginDialog | None:
        return next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, LoginDialog) and w.isVisible() and w not in seen
            ),
            None,
        )

    wait_until(qtbot, lambda: showing() is not None, "showing() is not None", timeout=10000)
    dialog = showing()
    assert dialog is not None
    seen.append(dialog)
    return dialog


def _log_in(dialog: LoginDialog, name: str) -> None:
    QTest.keyClicks(dialog.name, name)
    QTest.keyClicks(dialog.password, PASSWORD)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)


def _status_bar_says(window: MainWindow, text: str) -> bool:
    identity = window.session.identity  # type: ignore[attr-defined]
    return identity.text() == text and identity.isVisible() and window.statusBar().isAncestorOf(identity)


@pytest.fixture
def loop_task(sqlite_url: str, qt_loop: Any, qtbot: Any, qapp: QApplication) -> Iterator[Any]:
    """Start ``session_loop`` on a database with two users; yields (task, opened windows)."""
    add_users(sqlite_url, ("jsmith", "operator", ()), ("mjones", "supervisor", ()))
    db = Database(sqlite_url)
    opened: list[MainWindow] = []
    # Qt's default, as a fresh ``controlroom run`` has it (other tests may have changed it).
    qapp.setQuitOnLastWindowClosed(True)
    asyncio.set_event_loop(qt_loop)
    task = qt_loop.create_task(
        session_loop(db, Settings(poll_interval=0.1), qapp, on_window_opened=opened.append)
    )
    yield task, opened
    if not task.done():
        task.cancel()
    wait_until(qtbot, task.done, "the task it started finished", timeout=10000)
    dispose = qt_loop.create_task(db.dispose())
    wait_until(qtbot, dispose.done, "the database was disposed of", timeout=5000)


def test_switch_user_brings_the_login_back_and_the_next_user_gets_a_window(
    sqlite_url: str, loop_task: Any, qtbot: Any
) -> None:
    task, opened = loop_task
    seen: list[LoginDialog] = []
    first_login = _login_dialog(qtbot, seen)
    # The login dialog is the only window: closing it must not quit the application.
    assert not QApplication.quitOnLastWindowClosed()
    _log_in(first_login, "jsmith")
    wait_until(
        qtbot,
        lambda: len(opened) == 1 and opened[0].isVisible(),
        "len(opened) == 1 and opened[0].isVisible()",
        timeout=10000,
    )
    first = opened[0]
    assert _status_bar_says(first, "Logged in: jsmith · operator")

    first.session.switch_action.trigger()  # Console ▸ Switch user…
    second_login = _login_dialog(qtbot, seen)
    assert not shiboken6.isValid(first) or not first.isVisible()
    assert not task.done()
    _log_in(second_login, "mjones")
    wait_until(
        qtbot,
        lambda: len(opened) == 2 and opened[1].isVisible(),
        "len(opened) == 2 and opened[1].isVisible()",
        timeout=10000,
    )
    second = opened[1]
    assert _status_bar_says(second, "Logged in: mjones · supervisor (inspector)")
    assert second.session.actor.name == "mjones"  # type: ignore[attr-defined]

    # From the lock screen this time; then nobody logs in.
    second.session.lock.lock()  # type: ignore[attr-defined]
    QTest.mouseClick(second.session.lock.screen.switch_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    third_login = _login_dialog(qtbot, seen)
    QTest.keyClick(third_login.name, Qt.Key.Key_Escape)
    wait_until(qtbot, task.done, "the task it started finished", timeout=10000)
    assert task.result() == 0
    assert not any(isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets())
    logins = [e.actor for e in audit_entries(sqlite_url, kind="access") if e.action == "user.login"]
    assert logins[-2:] == ["jsmith", "mjones"]  # one login each, through the dialog


def test_closing_the_window_ends_the_loop_without_asking_again(loop_task: Any, qtbot: Any) -> None:
    task, opened = loop_task
    seen: list[LoginDialog] = []
    first_login = _login_dialog(qtbot, seen)
    # The login dialog is the only window: closing it must not quit the application.
    assert not QApplication.quitOnLastWindowClosed()
    _log_in(first_login, "jsmith")
    wait_until(
        qtbot,
        lambda: len(opened) == 1 and opened[0].isVisible(),
        "len(opened) == 1 and opened[0].isVisible()",
        timeout=10000,
    )
    opened[0].close()
    wait_until(qtbot, task.done, "the task it started finished", timeout=10000)
    assert task.result() == 0
    assert not any(isinstance(w, LoginDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
