"""Calling up a camera from anywhere in the window: ``open_callup(window, camera, preset, incident_id)``.

The call-up is recorded first, through the core command (``CameraCallups.record_callup``
as a task on the Qt loop, so the window never waits on the database); only the
``CallupRecord`` it returns is shown — the stream URL as stored and checked now, not
the one a snapshot carried. A refusal (a camera since removed, a preset it lacks, a
stream URL of a scheme the dock may not open) opens nothing and is said in the status
bar. One dock per camera: calling up a camera whose dock is open shows the new preset
in it and raises it; docks of other cameras stay open beside it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QMainWindow

from controlroom.cameras.callup import CallupRecord, CameraCallups
from controlroom.commands import Commands
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import CameraSnapshot
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line

if TYPE_CHECKING:
    from ui.cameras.video_dock import CameraDock

VIDEO_SIZE = (640, 480)
KEY_IN_SIZE = (560, 520)
# Floating docks open side by side, this far apart, above the status bar.
GAP_PX = 12
BOTTOM_PX = 40


class CallupDocks(QObject):
    """The window's open camera docks, by camera number, and the call-ups that open them."""

    sig_message = Signal(str)  # for the status bar: why a call-up opened nothing

    def __init__(self, window: QMainWindow, commands: Commands) -> None:
        super().__init__(window)
        self.setObjectName("callup-docks")
        self.window = window
        self.commands = commands
        self.docks: dict[str, CameraDock] = {}
        self.tasks = TaskSet()
        message = getattr(window, "show_message", None)
        if callable(message):
            self.sig_message.connect(message)

    def call_up(
        self, camera: CameraSnapshot, preset: str | None, incident_id: int | None
    ) -> asyncio.Future[CameraDock | None]:
        """Record the call-up, then show it; the task's result is the dock (None: refused)."""
        return self.tasks.spawn(self._call_up(camera, preset, incident_id))

    async def _call_up(
        self, camera: CameraSnapshot, preset: str | None, incident_id: int | None
    ) -> CameraDock | None:
        try:
            callup = await CameraCallups(self.commands.context).record_callup(
                camera.number, preset, incident_id
            )
        except ControlroomError as why:
            self.sig_message.emit(f"Camera {shown_line(camera.number)} not called up: {why}")
            return None
        return self.show(callup)

    def show(self, callup: CallupRecord) -> CameraDock:
        """The camera's dock showing ``callup``, raised and with the keyboard in it."""
        key = callup.number.casefold()
        dock = self.docks.get(key)
        if dock is None:
            dock = self.docks[key] = self._new_dock(callup)
        else:
            dock.show_callup(callup)
        dock.show()
        dock.raise_()
        dock.activateWindow()
        dock.view.setFocus()
        return dock

    def _new_dock(self, callup: CallupRecord) -> CameraDock:
        # Imported on the first call-up: QtMultimedia costs 20-50 ms, not worth paying at start.
        from ui.cameras.video_dock import CameraDock, VideoView

        dock = CameraDock(callup, self.window)
        dock.sig_closed.connect(self._on_dock_closed)
        self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        # Floating from the start: the map and boards keep their room, and the operator
        # drags the picture to another screen (or docks it with a double-click on its title).
        dock.setFloating(True)
        width, height = VIDEO_SIZE if isinstance(dock.view, VideoView) else KEY_IN_SIZE
        dock.setGeometry(self._place(width, height))
        return dock

    def _place(self, width: int, height: int) -> QRect:
        """Where a new dock opens: on another screen when there is one (a video wall's), else
        side by side up from the bottom right, so the alerts at the top right stay in sight."""
        screen = self._screen().availableGeometry()
        pitch = max(VIDEO_SIZE[0], KEY_IN_SIZE[0]) + GAP_PX  # one column width for both kinds
        per_row = max(1, screen.width() // pitch)
        n = len(self.docks)
        column, row = n % per_row, (n // per_row) % 2
        x = max(screen.left(), screen.right() + 1 - column * pitch - width - GAP_PX)
        y = screen.bottom() + 1 - BOTTOM_PX - height - row * (max(VIDEO_SIZE[1], KEY_IN_SIZE[1]) + GAP_PX)
        return QRect(x, max(screen.top(), y), width, height)

    def _screen(self) -> QScreen:
        own = self.window.screen()
        others = [s for s in QGuiApplication.screens() if s.name() != own.name()]
        return others[0] if others else own

    def _on_dock_closed(self, number: str) -> None:
        self.docks.pop(number.casefold(), None)


def callup_docks(window: QMainWindow, commands: Commands | None = None) -> CallupDocks:
    """The window's ``CallupDocks``, made on first use from ``commands`` (or ``window.commands``)."""
    found = window.findChild(CallupDocks, "callup-docks")
    if isinstance(found, CallupDocks):
        return found
    commands = commands or getattr(window, "commands", None)
    if not isinstance(commands, Commands):
        raise TypeError("open_callup needs the window's Commands (window.commands or commands=)")
    return CallupDocks(window, commands)


def open_callup(
    window: QMainWindow,
    camera: CameraSnapshot,
    preset: str | None,
    incident_id: int | None,
    *,
    commands: Commands | None = None,
) -> asyncio.Future[CameraDock | None]:
    """Call up ``camera`` (at ``preset``, for incident ``incident_id``) in a dock of ``window``.

    Returns the task recording it; its result is the dock shown, or None when the call-up
    was refused (the reason is in the window's status bar).
    """
    return callup_docks(window, commands).call_up(camera, preset, incident_id)


__all__ = ["CallupDocks", "callup_docks", "open_callup"]
