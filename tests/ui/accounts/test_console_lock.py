"""The console lock in the real window: idle and Ctrl+L, nothing readable behind it,
the same user's password to unlock (failures counted), the feed running meanwhile."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFrame

from tests.ui.logins import PASSWORD, actor_for, add_users, audit_entries, report_as
from tests.ui.waits import wait_until
from ui.shell.app import ui_state

LOCK_BACKGROUND = QColor("#05080d").rgb()


def _operator_window(url: str, open_window: Any) -> Any:
    add_users(url, ("jsmith", "operator", ()))
    return open_window(url, actor=actor_for(url, "jsmith"))


def _focus(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "QApplication.activeWindow() is window")


def _outside_panel_is_blank(image: QImage, panel: Any) -> bool:
    """Every sampled pixel outside the lock panel is the lock screen's background."""
    for y in range(0, image.height(), 5):
        for x in range(0, image.width(), 5):
            if panel.contains(QPoint(x, y)):
                continue
            if image.pixel(x, y) != LOCK_BACKGROUND:
                return False
    return True


def test_ctrl_l_hides_everything_and_the_feed_keeps_running(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = _operator_window(demo_url, open_window)
    lock = window.session.lock
    window.boards.setCurrentWidget(window.dispersal)
    form = window.incident_actions.new_incident()  # an open form names people too
    wait_until(qtbot, form.isVisible, "form.isVisible()")
    _focus(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    wait_until(qtbot, lambda: lock.locked, "lock.locked")
    assert lock.screen.isVisible() and lock.screen.geometry() == window.rect()
    covered = (window.centralWidget(), window.menuBar(), window.statusBar(), window.map, form)
    for part in (*covered, window.alert_stack, window.boards, *window.docks.values()):
        assert not part.isVisible()
    image = window.grab().toImage()
    image.save("/tmp/console_lock.png")
    panel = lock.screen.findChild(QFrame, "lockPanel").geometry()
    assert _outside_panel_is_blank(image, panel)
    # The panel itself shows who locked it, nothing of the board.
    assert lock.screen.who.text() == "jsmith · operator"

    rows = window.model.rowCount()
    report_as(demo_url, "jsmith", "Reported while the console was locked")
    wait_until(
        qtbot,
        lambda: window.model.rowCount() == rows + 1,
        "window.model.rowCount() == rows + 1",
        timeout=5000,
    )  # the feed ran

    QTest.keyClick(lock.screen.password, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.incident_actions.form is form  # Ctrl+N does nothing while locked

    QTest.keyClicks(lock.screen.password, "a wrong password here")
    QTest.keyClick(lock.screen.password, Qt.Key.Key_Return)
    wait_until(
        qtbot,
        lambda: "2 more tries" in lock.screen.error.text(),
        '"2 more tries" in lock.screen.error.text()',
        timeout=5000,
    )
    assert lock.locked and not window.centralWidget().isVisible()
    QTest.keyClicks(lock.screen.password, PASSWORD)
    QTest.keyClick(lock.screen.password, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: not lock.locked, "not lock.locked", timeout=5000)
    assert window.centralWidget().isVisible() and window.statusBar().isVisible()
    assert form.isVisible()  # the form comes back as it was
    assert window.session.lock_action.isEnabled()

    wait_until(
        qtbot,
        lambda: len(audit_entries(demo_url, entity="console")) == 2,
        'len(audit_entries(demo_url, entity="console")) == 2',
        timeout=5000,
    )
    console = audit_entries(demo_url, entity="console")
    assert [(e.action, e.kind, e.actor) for e in console] == [
        ("console.lock", "access", "jsmith"),
        ("console.unlock", "access", "jsmith"),
    ]
    attempts = [e.action for e in audit_entries(demo_url, actor="jsmith", kind="access")]
    assert "user.login_failed" in attempts  # the wrong unlock counted like a wrong login


def test_idle_console_locks_itself_and_input_keeps_it_open(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = _operator_window(demo_url, open_window)
    lock = window.session.lock
    _focus(window, qtbot)
    presses = []

    def press() -> None:
        # Through the window system, as a real key press arrives (QTest on a widget would
        # hand the event to the widget directly, past the top-level window).
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_Down)
        presses.append(1)

    typing = QTimer()
    typing.setInterval(60)
    typing.timeout.connect(press)
    typing.start()
    lock.set_idle_ms(300)
    wait_until(
        qtbot, lambda: len(presses) >= 15, "len(presses) >= 15", timeout=5000
    )  # ~900 ms of someone working
    assert not lock.locked
    typing.stop()
    wait_until(qtbot, lambda: lock.locked, "lock.locked", timeout=3000)  # then nobody for 300 ms
    assert "idle" in lock.screen.since.text()
    wait_until(
        qtbot,
        lambda: bool(audit_entries(demo_url, entity="console")),
        'bool(audit_entries(demo_url, entity="console"))',
        timeout=3000,
    )
    locks = [e for e in audit_entries(demo_url, entity="console") if e.action == "console.lock"]
    assert locks and locks[0].detail == {"reason": "idle"}


def test_lock_delay_comes_from_the_window_settings(sqlite_url: str, open_window: Any) -> None:
    add_users(sqlite_url, ("jsmith", "operator", ()))
    ui_state().setValue("console/lock_after_ms", 90_000)
    window = open_window(sqlite_url, actor=actor_for(sqlite_url, "jsmith"))
    assert window.session.lock.idle_ms == 90_000
    ui_state().setValue("console/lock_after_ms", 0)  # never
    other = open_window(sqlite_url, actor=actor_for(sqlite_url, "jsmith"))
    assert other.session.lock.idle_ms is None


def test_switch_user_from_the_lock_screen_closes_the_window(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    window = _operator_window(sqlite_url, open_window)
    window.session.lock.lock()
    assert window.session.lock.screen.switch_button.isVisible()
    with qtbot.waitSignal(window.session.sig_window_closed, timeout=3000, raising=True):
        QTest.mouseClick(window.session.lock.screen.switch_button, Qt.MouseButton.LeftButton)
    assert window.session.switch_user and not window.isVisible()


def test_set_up_mode_locks_on_demand_only_and_unlocks_without_a_password(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(sqlite_url)
    lock = window.session.lock
    assert lock.idle_ms is None
    lock.lock()
    assert not lock.screen.password.isVisible() and not lock.screen.switch_button.isVisible()
    QTest.mouseClick(lock.screen.unlock_button, Qt.MouseButton.LeftButton)
    wait_until(qtbot, lambda: not lock.locked, "not lock.locked", timeout=3000)


def test_the_lock_covers_the_map_in_its_own_window_too(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = _operator_window(demo_url, open_window)
    lock = window.session.lock
    map_window = window.map_placement.to_window()
    wait_until(qtbot, map_window.isVisible, "the map window is shown")
    lock.lock()
    assert lock.locked and not map_window.isVisible() and not window.map.isVisible()
    lock._uncover()
    wait_until(qtbot, map_window.isVisible, "the map window is back after unlocking")
