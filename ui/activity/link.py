"""``ActivityLink``: Ctrl+Shift+Y opens the activity log viewer (one at a time) from the Window menu."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu, QWidget

from ui.activity.action_specs import OPEN_ACTIVITY
from ui.activity.gateway import ActivityGateway
from ui.activity.viewer import ActivityViewer
from ui.common.actions import ActionRegistry


class ActivityLink(QObject):
    """Owns the activity viewer; the menu entry is made through the registry (gated by role)."""

    def __init__(
        self, window: QWidget, gateway: ActivityGateway, *, registry: ActionRegistry, menu: QMenu
    ) -> None:
        super().__init__(window)
        self.window = window
        self.gateway = gateway
        self.viewer: ActivityViewer | None = None
        registry.menu_entry(OPEN_ACTIVITY, menu, window, self.open_viewer)

    def open_viewer(self) -> ActivityViewer:
        """The viewer (made on first use), showing the current user's log for tonight."""
        if self.viewer is None or not shiboken6.isValid(self.viewer):
            self.viewer = ActivityViewer(self.gateway, self.window)
        self.viewer.open_viewer()
        return self.viewer
