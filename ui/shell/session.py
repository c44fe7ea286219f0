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
from PySide6.QtWidgets import QLabel, QMenu, QSizePolicy

from controlroom.audit.chain import verify
from controlroom.core.errors import ControlroomError
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from controlroom.users.accounts import role_title
from ui.accounts.console_lock import DEFAULT_IDLE_MS, ConsoleLock
from ui.audit.action_specs import OPEN_TRAIL, VERIFY_TRAIL
from ui.audit.viewer import AuditViewer, open_audit_viewer
from ui.common import theme
from ui.common.tasks import TaskSet
from ui.dispersal.action_specs import OPEN_RECORD
from ui.dispersal.person_record import PersonRecordDialog, open_person_record
from ui.shell.access import apply_role
from ui.shell.actions import LOCK, SWITCH_USER
from ui.shell.main_window import MainWindow

OPEN_MODE_TEXT = (
    "Set-up mode: no users yet, so anyone here can do anything. Add an administrator, then restart to log in."
)
# The banner stays one line; the whole instruction is its tooltip.
BANNER_MIN_WIDTH = 200
STATUS_MIN_WIDTH = 80
OPEN_MODE_TIP = (
    "This database has no users yet, so anyone at this PC can do anything and nothing asks for "
    "a password. Create the first administrator on the command line with\n"
    "    controlroom user add NAME --role administrator\n"
    "then restart the window to log in."
)
# Menu titles share the window's Alt keys with its tabs and buttons (tests/ui/shell/test_actions.py).
CONSOLE_MENU, PERSONS_MENU = "&Console", "&Persons"
OPEN_MODE_STYLE = (
    f"background: {theme.OPEN_MODE_BANNER}; color: {theme.WHITE}; font-weight: bold; padding: 6px 8px;"
)


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
        self.identity.setToolTip(self.identity.text())
        self.identity.setMinimumWidth(STATUS_MIN_WIDTH)  # clipped, not widening, at a large text scale
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
        banner.setToolTip(OPEN_MODE_TIP)
        # One line that never widens the window (a narrow screen clips it; the tooltip has it all).
        banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        banner.setMinimumWidth(BANNER_MIN_WIDTH)
        banner.setStyleSheet(OPEN_MODE_STYLE)
        self.window.show_top_banner(banner)
        self.open_mode_banner = banner

    def _menus(self) -> None:
        actor, window, registry = self.actor, self.window, self.window.registry
        # Console and Persons come before the window's own Window menu.
        console = QMenu(CONSOLE_MENU, window)
        window.menuBar().insertMenu(window.window_menu.menuAction(), console)
        self.lock_action = registry.menu_entry(LOCK, console, window, self.lock.lock)
        self.switch_action = registry.menu_entry(SWITCH_USER, console, window, self.request_switch_user)
        self.switch_action.setVisible(actor.role is not None)
        console.addSeparator()
        self.audit_action = registry.menu_entry(OPEN_TRAIL, console, window, self.open_audit_trail)
        self.verify_action = registry.menu_entry(VERIFY_TRAIL, console, window, self.verify_trail)
        persons = QMenu(PERSONS_MENU, window)
        window.menuBar().insertMenu(window.window_menu.menuAction(), persons)
        self.record_action = registry.menu_entry(OPEN_RECORD, persons, window, self.open_selected_record)
        persons.menuAction().setVisible(actor.may("subject.consult") and actor.may("read.dispersal"))
        window.dispersal.add_context_action(self.record_action)

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
        except (ControlroomError, OSError) as exc:
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
        dialog = await open_person_record(self.window.commands, subject_id, self.window)
        if dialog is not None:
            self.record = dialog
        return dialog


def install_session(
    window: MainWindow, db: Database, actor: Actor, *, idle_ms: int | None = DEFAULT_IDLE_MS
) -> Session:
    """Fit the actor's session onto ``window`` (kept as ``window.session``)."""
    session = Session(window, db, actor, idle_ms=idle_ms)
    window.session = session
    window.apply_user(actor.name)
    return session


def idle_ms_setting(value: Any) -> int | None:
    """The lock delay from QSettings ``console/lock_after_ms``: a positive number, else the default."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return DEFAULT_IDLE_MS
    return number if number > 0 else None
