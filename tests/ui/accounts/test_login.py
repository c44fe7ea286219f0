"""The login dialog on a real database with real users, and set-up mode without users."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from controlroom.storage.database import Database
from controlroom.users.accounts import UserCommands, UsersRemovedError
from controlroom.writes import utcnow
from tests.conftest import run_isolated
from tests.ui.logins import ADMIN, PASSWORD, actor_for, add_users, audit_entries
from tests.ui.waits import wait_until
from ui.accounts.login_dialog import LoginDialog
from ui.shell.app import log_in


def _ask(qt_loop: Any, dialog: LoginDialog) -> Any:
    task = qt_loop.create_task(dialog.ask())
    return task


def _type(qtbot: Any, dialog: LoginDialog, name: str, password: str) -> None:
    dialog.name.clear()
    dialog.password.clear()
    QTest.keyClicks(dialog.name, name)
    QTest.keyClicks(dialog.password, password)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)


def test_wrong_password_says_tries_left_then_the_right_one_logs_in(
    sqlite_url: str, qtbot: Any, qt_loop: Any, arun: Any
) -> None:
    add_users(sqlite_url, ("jsmith", "operator", ()))
    db = Database(sqlite_url)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    task = _ask(qt_loop, dialog)
    wait_until(qtbot, dialog.isVisible, "dialog.isVisible()")
    _type(qtbot, dialog, "jsmith", "not the password at all")
    wait_until(qtbot, lambda: "tries" in dialog.error.text(), '"tries" in dialog.error.text()', timeout=5000)
    assert "2 more tries before logins slow down" in dialog.error.text()
    assert dialog.isVisible() and dialog.password.text() == ""
    dialog.grab().save("/tmp/login_dialog_error.png")
    QTest.keyClicks(dialog.password, PASSWORD)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    wait_until(qtbot, task.done, "the task it started finished", timeout=5000)
    actor = task.result()
    assert actor.name == "jsmith" and actor.role == "operator"
    assert not dialog.isVisible()
    logins = audit_entries(sqlite_url, actor="jsmith", kind="access")
    assert [e.action for e in logins] == ["user.login_failed", "user.login"]
    assert all(e.detail["from"] == "window" and e.detail["console"] for e in logins)
    arun(db.dispose())


def test_failures_slow_the_next_try_down_and_the_dialog_says_for_how_long(
    sqlite_url: str, qtbot: Any, qt_loop: Any, arun: Any
) -> None:
    add_users(sqlite_url, ("jsmith", "operator", ()))
    db = Database(sqlite_url)
    now = [utcnow()]
    dialog = LoginDialog(db, name="jsmith", clock=lambda: now[0])
    qtbot.addWidget(dialog)
    task = _ask(qt_loop, dialog)
    wait_until(qtbot, dialog.isVisible, "dialog.isVisible()")

    def enter(password: str, expected: str) -> None:
        dialog.error.setText("")
        QTest.keyClicks(dialog.password, password)
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
        wait_until(qtbot, lambda: expected in dialog.error.text(), f"{expected!r} shown", timeout=5000)

    for attempt in range(3):
        enter(f"wrong guess number {attempt}", "not right")
    assert "wait 2 seconds before the next try" in dialog.error.text()
    enter(PASSWORD, "try again in 2 seconds")  # right, but too soon: not even checked
    assert not task.done() and dialog.isVisible()
    now[0] += timedelta(seconds=2)
    QTest.keyClicks(dialog.password, PASSWORD)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    wait_until(qtbot, task.done, "the task it started finished", timeout=5000)
    assert task.result().name == "jsmith"
    actions = [e.action for e in audit_entries(sqlite_url, actor="jsmith")]
    assert actions[-5:] == [*["user.login_failed"] * 4, "user.login"]
    arun(db.dispose())


def test_a_database_whose_users_were_deleted_does_not_open_in_set_up_mode(sqlite_url: str, arun: Any) -> None:
    add_users(sqlite_url, ("jsmith", "operator", ()))
    with sqlite3.connect(sqlite_url.removeprefix("sqlite+aiosqlite:///")) as conn:  # outside the program
        conn.execute("DELETE FROM user_venues")
        conn.execute("DELETE FROM users")
    db = Database(sqlite_url)
    with pytest.raises(UsersRemovedError, match="the users table was changed outside the program"):
        arun(log_in(db))
    arun(db.dispose())


def test_a_disabled_account_is_refused_with_a_reason(
    sqlite_url: str, qtbot: Any, qt_loop: Any, arun: Any
) -> None:
    add_users(sqlite_url, ("jsmith", "operator", ()))
    admin = actor_for(sqlite_url, ADMIN)

    async def disable() -> None:
        db = Database(sqlite_url)
        await UserCommands(db, admin).set_disabled("jsmith", True)
        await db.dispose()

    run_isolated(disable())
    db = Database(sqlite_url)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    task = _ask(qt_loop, dialog)
    wait_until(qtbot, dialog.isVisible, "dialog.isVisible()")
    _type(qtbot, dialog, "jsmith", PASSWORD)
    wait_until(
        qtbot, lambda: "disabled" in dialog.error.text(), '"disabled" in dialog.error.text()', timeout=5000
    )
    assert "ask an administrator" in dialog.error.text()
    dialog.reject()  # Cancel
    wait_until(qtbot, task.done, "the task it started finished")
    assert task.result() is None
    arun(db.dispose())


def test_empty_fields_are_asked_for_without_a_login_attempt(
    sqlite_url: str, qtbot: Any, qt_loop: Any, arun: Any
) -> None:
    add_users(sqlite_url)
    db = Database(sqlite_url)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    task = _ask(qt_loop, dialog)
    wait_until(qtbot, dialog.isVisible, "dialog.isVisible()")
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.error.text() == "type your user name and password"
    assert [e.action for e in audit_entries(sqlite_url, kind="access")] == ["user.login"]  # the set-up's
    dialog.reject()
    wait_until(qtbot, task.done, "the task it started finished")
    arun(db.dispose())


def test_log_in_without_users_is_set_up_mode_and_the_window_says_how_to_leave_it(
    sqlite_url: str, open_window: Any, arun: Any
) -> None:
    db = Database(sqlite_url)
    assert arun(log_in(db)) is None  # no dialog: nobody to log in as
    arun(db.dispose())
    window = open_window(sqlite_url)
    banner = window.session.open_mode_banner
    assert banner is not None and banner.isVisible()
    assert "controlroom user add NAME --role administrator" in banner.toolTip()
    assert "no users yet" in banner.text() and not banner.wordWrap()
    assert banner.width() >= banner.sizeHint().width()  # the whole line on a 1400-wide window
    assert "set-up mode" in window.session.identity.text()


def test_the_window_shows_who_is_logged_in(sqlite_url: str, open_window: Any) -> None:
    add_users(sqlite_url, ("jsmith", "supervisor", ()))
    window = open_window(sqlite_url, actor=actor_for(sqlite_url, "jsmith"))
    assert window.session.identity.text() == "Logged in: jsmith · supervisor (inspector)"
    assert window.session.identity.isVisible()
    assert window.session.open_mode_banner is None
