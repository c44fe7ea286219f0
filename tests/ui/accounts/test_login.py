"""The login dialog on a real database with real users, and set-up mode without users."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from controlroom.storage.database import Database
from controlroom.users.accounts import UserCommands
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
    assert "4 more tries before a lock-out" in dialog.error.text()
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
    assert all(e.detail == {"from": "window"} for e in logins)
    arun(db.dispose())


def test_five_failures_lock_the_account_and_the_dialog_says_so(
    sqlite_url: str, qtbot: Any, qt_loop: Any, arun: Any
) -> None:
    add_users(sqlite_url, ("jsmith", "operator", ()))
    db = Database(sqlite_url)
    dialog = LoginDialog(db, name="jsmith")
    qtbot.addWidget(dialog)
    task = _ask(qt_loop, dialog)
    wait_until(qtbot, dialog.isVisible, "dialog.isVisible()")
    for attempt in range(5):
        dialog.error.setText("")
        QTest.keyClicks(dialog.password, f"wrong guess number {attempt}")
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
        wait_until(
            qtbot,
            lambda: "not right" in dialog.error.text(),
            '"not right" in dialog.error.text()',
            timeout=5000,
        )
    assert "locked for 15 minutes" in dialog.error.text()
    dialog.error.setText("")
    QTest.keyClicks(dialog.password, PASSWORD)  # right, but too late
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    wait_until(
        qtbot, lambda: "locked" in dialog.error.text(), '"locked" in dialog.error.text()', timeout=5000
    )
    assert "is locked after 5 failed logins until" in dialog.error.text()
    assert not task.done() and dialog.isVisible()
    actions = [e.action for e in audit_entries(sqlite_url, actor="jsmith")]
    assert actions.count("user.locked_out") == 1
    QTest.keyClick(dialog.password, Qt.Key.Key_Escape)
    wait_until(qtbot, task.done, "the task it started finished")
    assert task.result() is None
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
