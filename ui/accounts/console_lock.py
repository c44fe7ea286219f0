"""``ConsoleLock``: the window locks itself when nobody touches it, and on Ctrl+L.

A control-room PC left unattended shows people's names and where they are. After
``idle_ms`` with no key or mouse input to any of the application's windows (an
event filter on every top-level ``QWindow`` notes the time of the last input; a
timer compares), or on demand, an opaque ``LockScreen`` covers the window. Everything under it is
hidden, not only painted over: the central widget, menu and status bars and any
open dialog or print preview of this window, so neither a screenshot nor a screen
reader finds anything; the window's shortcuts are disabled while locked. The feed
keeps running underneath, so the board is current when the console is unlocked.

Unlocking takes the same user's password through ``authenticate`` (which counts
failures and slows further tries down); "Switch user" asks the window to
close so the login comes back. Lock and unlock are ``access`` entries in the
audit trail. A database without users (set-up mode) has no password to ask for:
the console then locks only on demand and unlocks with a button.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from controlroom.audit.trail import log_processing
from controlroom.core.errors import AuthenticationError, ControlroomError
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from controlroom.users.accounts import authenticate, role_title
from ui.common import theme
from ui.common.tasks import TaskSet

DEFAULT_IDLE_MS = 5 * 60 * 1000
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)

LOCK_STYLE = f"""
QWidget#lockScreen {{ background: {theme.LOCK_BACKGROUND}; }}
QFrame#lockPanel {{ background: {theme.PANEL}; border: 1px solid {theme.BORDER}; border-radius: 6px; }}
QFrame#lockPanel QLabel {{ background: transparent; }}
QLabel#lockTitle {{ font-size: 16pt; font-weight: bold; }}
"""


class LockScreen(QWidget):
    """The opaque cover: who locked it, when, a password field and two buttons."""

    sig_unlock_requested = Signal(str)  # password
    sig_switch_user_requested = Signal()

    def __init__(self, actor: Actor, *, needs_password: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self.setStyleSheet(LOCK_STYLE)
        panel = QFrame()
        panel.setObjectName("lockPanel")
        panel.setFixedWidth(460)
        title = QLabel("Console locked")
        title.setObjectName("lockTitle")
        self.who = QLabel(f"{actor.name} · {role_title(actor.role)}")
        self.who.setTextFormat(Qt.TextFormat.PlainText)
        self.since = QLabel("")
        self.since.setObjectName("formHint")
        note = QLabel("The live feed keeps running; nothing is missed while the console is locked.")
        note.setObjectName("formHint")
        note.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"password of {actor.name}")
        self.password.returnPressed.connect(self._on_unlock_clicked)
        self.password.setVisible(needs_password)
        self.error = QLabel("")
        self.error.setObjectName("formError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.clicked.connect(self._on_unlock_clicked)
        self.switch_button = QPushButton("&Switch user…")
        self.switch_button.clicked.connect(self.sig_switch_user_requested.emit)
        self.switch_button.setVisible(needs_password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(24, 20, 24, 20)
        for widget in (title, self.who, self.since, note, self.password, self.error):
            inner.addWidget(widget)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def _on_unlock_clicked(self) -> None:
        self.sig_unlock_requested.emit(self.password.text())


class ConsoleLock(QObject):
    """Locks ``window`` after ``idle_ms`` without input (None: only on demand) and on ``lock()``."""

    sig_locked = Signal()
    sig_unlocked = Signal()
    sig_switch_user_requested = Signal()

    def __init__(
        self,
        window: QMainWindow,
        db: Database,
        actor: Actor,
        *,
        idle_ms: int | None = DEFAULT_IDLE_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.db = db
        self.actor = actor
        self.needs_password = actor.role is not None
        self.idle_ms = idle_ms
        self.screen = LockScreen(actor, needs_password=self.needs_password, parent=window)
        self.screen.hide()
        self.screen.sig_unlock_requested.connect(self._on_screen_unlock_requested)
        self.screen.sig_switch_user_requested.connect(self.sig_switch_user_requested.emit)
        self._hidden: list[QWidget] = []
        self._disabled: list[QShortcut | QAction] = []
        self._focus: QWidget | None = None
        self._tasks = TaskSet()
        self._last_input = time.monotonic()
        self._watched: set[int] = set()
        self._idle_timer = QTimer(self)
        self._idle_timer.timeout.connect(self._on_idle_timer_ticked)
        self.set_idle_ms(self.idle_ms)
        window.installEventFilter(self)  # to keep the cover the window's size

    def set_idle_ms(self, idle_ms: int | None) -> None:
        """Lock after ``idle_ms`` without input from now on (None: only on demand)."""
        self.idle_ms = idle_ms if self.needs_password else None
        self._idle_timer.stop()
        if self.idle_ms is not None:
            self._last_input = time.monotonic()
            self._idle_timer.setInterval(max(50, min(self.idle_ms // 4, 5000)))
            self._idle_timer.start()
            self._watch_windows()

    @property
    def locked(self) -> bool:
        return self.screen.isVisible() or bool(self._hidden)

    # -- input and idleness ----------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in _INPUT_EVENTS:
            self._last_input = time.monotonic()
        elif kind == QEvent.Type.Resize and watched is self.window and self.screen.isVisible():
            self.screen.setGeometry(self.window.rect())
        return False

    def _watch_windows(self) -> None:
        # Not QApplication.installEventFilter: PySide6 then wraps every receiver of every
        # event, including QObjects still inside their C++ constructor (QtWebEngine's
        # request jobs send ChildAdded from theirs), and crashes in a dynamic_cast.
        # Input reaches a top-level QWindow before its widgets, so watching those is
        # application-wide for key and mouse input, and far cheaper.
        for top in QApplication.topLevelWidgets():
            handle = top.windowHandle()
            if handle is not None and id(handle) not in self._watched:
                key = id(handle)
                handle.installEventFilter(self)
                self._watched.add(key)
                handle.destroyed.connect(lambda _=None, key=key: self._watched.discard(key))

    def _on_idle_timer_ticked(self) -> None:
        if self.idle_ms is None or self.locked or not self.window.isVisible():
            return
        self._watch_windows()  # dialogs opened since the last tick
        if (time.monotonic() - self._last_input) * 1000 >= self.idle_ms:
            self.lock(reason="idle")

    # -- locking -------------------------------------------------------------

    def lock(self, *, reason: str = "on demand") -> None:
        """Cover and hide everything, disable shortcuts, log the lock."""
        if self.locked:
            return
        self._focus = QApplication.focusWidget()
        window = self.window
        for shortcut in window.findChildren(QShortcut):
            if shortcut.isEnabled():
                shortcut.setEnabled(False)
                self._disabled.append(shortcut)
        for action in window.findChildren(QAction):
            if action.isEnabled():
                action.setEnabled(False)
                self._disabled.append(action)
        self._hidden = [w for w in self._covered_widgets() if w.isVisible()]
        for widget in self._hidden:
            widget.hide()
        self.screen.password.clear()
        self.screen.error.setText("")
        self.screen.since.setText(f"Locked {reason} at {time.strftime('%H:%M')}")
        self.screen.setGeometry(window.rect())
        self.screen.show()
        self.screen.raise_()
        (self.screen.password if self.needs_password else self.screen.unlock_button).setFocus()
        self._log("console.lock", {"reason": reason})
        self.sig_locked.emit()

    def _covered_widgets(self) -> list[QWidget]:
        window = self.window
        chrome = (window.centralWidget(), window.menuBar(), window.statusBar())
        parts: list[QWidget] = [part for part in chrome if part is not None]
        # Every panel docked beside the list (map, alerts, boards, detail) and every bar.
        parts += window.findChildren(QDockWidget)
        parts += window.findChildren(QToolBar)
        for top in QApplication.topLevelWidgets():
            if top is not window and _belongs_to(top, window):
                parts.append(top)
        return [w for w in parts if w is not None]

    def unlock(self, password: str = "") -> asyncio.Future[Any]:
        """Check the password (if the database has users) and uncover the window."""
        return self._tasks.spawn(self._unlock(password))

    async def _unlock(self, password: str) -> bool:
        if self.needs_password:
            if not password:
                self.screen.error.setText(f"type the password of {self.actor.name}")
                return False
            self.screen.unlock_button.setEnabled(False)
            try:
                await authenticate(self.db, self.actor.name, password, where="console lock")
            except AuthenticationError as exc:
                self.screen.error.setText(str(exc))
                self.screen.password.clear()
                return False
            except (ControlroomError, OSError) as exc:
                self.screen.error.setText(f"cannot check the password: {exc}")
                return False
            finally:
                self.screen.unlock_button.setEnabled(True)
        self._uncover()
        self._log("console.unlock", {})
        self.sig_unlocked.emit()
        return True

    def _uncover(self) -> None:
        self.screen.hide()
        self.screen.password.clear()
        hidden, self._hidden = self._hidden, []
        for widget in hidden:
            widget.show()
        disabled, self._disabled = self._disabled, []
        for item in disabled:
            item.setEnabled(True)
        self._last_input = time.monotonic()
        if self._focus is not None and self._focus.isVisible():
            self._focus.setFocus()

    def _on_screen_unlock_requested(self, password: str) -> None:
        self.unlock(password)

    # -- audit -----------------------------------------------------------------

    def _log(self, action: str, detail: dict[str, Any]) -> None:
        self._tasks.spawn(self._write_log(action, detail))

    async def _write_log(self, action: str, detail: dict[str, Any]) -> None:
        # An outage must not keep the console locked or unlocked; the banner says it is down.
        with contextlib.suppress(ControlroomError, OSError):
            await log_processing(
                self.db, self.actor, action=action, entity="console", entity_id=None, detail=detail
            )

    def stop(self) -> None:
        """Stop watching for input (the window is closing)."""
        self._idle_timer.stop()


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False
