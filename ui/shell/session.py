"""Who is at the console, and what follows from it, fitted onto the main window.

``install_session`` is the one hook ``create_window`` calls: it shows the user and
role in the status bar (or, on a database without users, a banner saying how to
create the first administrator), adds the Console and Persons menus (lock,
switch user, audit trail, person record), starts the ``ConsoleLock`` and applies
the role (``ui.shell.access``). The main window itself knows nothing of users.
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel
from sqlalchemy.exc import SQLAlchemyError

from controlroom.audit.trail import verify
from controlroom.core.errors import ControlroomError
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from controlroom.users.accounts import role_title
from ui.accounts.console_lock import DEFAULT_IDLE_MS, ConsoleLock
from ui.audit.viewer import AuditViewer, open_audit_viewer
from ui.common.tasks import TaskSet
from ui.dispersal.person_record import PersonRecordDialog, open_person_record
from ui.shell.access import apply_role
from ui.shell.main_window import MainWindow

OPEN_MODE_TEXT = (
    "Set-up mode: this database has no users yet, so anyone at this PC can do anything "
    "and nothing asks for a password. Create the first administrator with "
    "'controlroom user add NAME --role administrator', then restart the window to log in."
)
OPEN_MODE_STYLE = "background: #5a3b00; color: #ffffff; font-weight: bold; padding: 6px 8px;"


class Session(QObject):
    """The logged-in actor's parts of the window: identity, menus, lock, role."""

    sig_switch_user_requested = Signal()
    sig_window_closed = Signal()

    def __init__(self, window: MainWindow, db: Database, actor: Actor, *, idle_ms: int | None) -> None:
        super().__init__(window)
        self.window = window
        self.db = db
        self.actor = actor
        self.switch_user = False
        self.viewer: AuditViewer | None = None
        self.record: PersonRecordDialog | None = None
        self._tasks = TaskSet()
        self.identity = QLabel(f"Logged in: {actor.name} · {role_title(actor.role)}")
        self.identity.setObjectName("identity")
        self.identity.setTextFormat(Qt.TextFormat.PlainText)
        window.statusBar().addPermanentWidget(self.identity)
        self.open_mode_banner: QLabel | None = None
        if actor.role is None:
            self._show_open_mode_banner()
        self.lock = ConsoleLock(window, db, actor, idle_ms=idle_ms)
        self.lock.sig_switch_user_requested.connect(self._on_lock_switch_user_requested)
        self._menus()
        apply_role(window, actor)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.lock.stop()
            self.sig_window_closed.emit()
        return False

    def _show_open_mode_banner(self) -> None:
        banner = QLabel(OPEN_MODE_TEXT)
        banner.setObjectName("openModeBanner")
        banner.setTextFormat(Qt.TextFormat.PlainText)
        banner.setWordWrap(True)
        banner.setStyleSheet(OPEN_MODE_STYLE)
        layout = self.window.centralWidget().layout()
        if layout is not None:
            layout.insertWidget(0, banner)  # type: ignore[attr-defined]
        self.open_mode_banner = banner

    def _menus(self) -> None:
        actor = self.actor
        console = self.window.menuBar().addMenu("&Console")
        self.lock_action = self._action(console, "&Lock console", "Ctrl+L", self.lock.lock, "console.lock")
        self.switch_action = self._action(console, "&Switch user…", "", self.request_switch_user, "")
        self.switch_action.setVisible(actor.role is not None)
        console.addSeparator()
        self.audit_action = self._action(
            console, "&Audit trail…", "Ctrl+Shift+A", self.open_audit_trail, "audit.view"
        )
        self.verify_action = self._action(
            console, "&Verify audit trail", "", self.verify_trail, "audit.verify"
        )
        persons = self.window.menuBar().addMenu("&Persons")
        self.record_action = self._action(
            persons, "Open &record of the selected person…", "Ctrl+Shift+R", self.open_selected_record,
            "subject.consult",
        )  # fmt: skip
        persons.menuAction().setVisible(actor.may("subject.consult") and actor.may("read.dispersal"))
        table = self.window.dispersal.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        table.addAction(self.record_action)

    def _action(self, menu: Any, text: str, key: str, slot: Any, needs: str) -> QAction:
        action = QAction(text, self.window)
        if key:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        allowed = not needs or self.actor.may(needs)
        action.setVisible(allowed)
        action.setEnabled(allowed)
        menu.addAction(action)
        self.window.addAction(action)  # shortcuts work with the menu bar closed
        return action

    # -- actions ---------------------------------------------------------------

    def request_switch_user(self) -> None:
        """Close the window so ``run`` shows the login again."""
        self.switch_user = True
        self.sig_switch_user_requested.emit()
        self.window.close()

    def _on_lock_switch_user_requested(self) -> None:
        self.request_switch_user()

    def open_audit_trail(self) -> asyncio.Future[Any]:
        return self._tasks.spawn(self._open_audit_trail())

    async def _open_audit_trail(self) -> AuditViewer | None:
        viewer = await open_audit_viewer(self.db, self.actor, self.window)
        if viewer is not None:
            self.viewer = viewer
        return viewer

    def verify_trail(self) -> asyncio.Future[Any]:
        return self._tasks.spawn(self._verify())

    async def _verify(self) -> None:
        try:
            result = await verify(self.db)
        except (ControlroomError, SQLAlchemyError, OSError) as exc:
            self.window.show_message(f"could not verify the audit trail: {exc}")
            return
        self.window.show_message(result.describe())

    def open_selected_record(self) -> asyncio.Future[Any] | None:
        direction = self.window.dispersal.selected_direction()
        if direction is None:
            self.window.show_message("select a direction on the Dispersal tab to open that person's record")
            return None
        return self.open_record(direction.subject_id)

    def open_record(self, subject_id: int) -> asyncio.Future[Any]:
        return self._tasks.spawn(self._open_record(subject_id))

    async def _open_record(self, subject_id: int) -> PersonRecordDialog | None:
        dialog = await open_person_record(self.window.service, subject_id, self.window)
        if dialog is not None:
            self.record = dialog
        return dialog


def install_session(
    window: MainWindow, db: Database, actor: Actor, *, idle_ms: int | None = DEFAULT_IDLE_MS
) -> Session:
    """Fit the actor's session onto ``window`` (kept as ``window.session``)."""
    session = Session(window, db, actor, idle_ms=idle_ms)
    window.session = session  # type: ignore[attr-defined]
    return session


def idle_ms_setting(value: Any) -> int | None:
    """The lock delay from QSettings ``console/lock_after_ms``: a positive number, else the default."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return DEFAULT_IDLE_MS
    return number if number > 0 else None
