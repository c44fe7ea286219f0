"""``MapWindow``: the map alone in a window of its own, for a second screen or a video wall.

The operator keeps the incident list on the first screen and sends the map to a
second one (Window ▸ Map in its own window, Ctrl+Shift+M). The same map view moves —
no second page, no second feed: it keeps its markers, selection and zoom. Closing the
map window (or the same key again) puts the map back in its dock.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QScreen, QShortcut
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

TITLE = "controlroom — map"


class MapWindow(QMainWindow):
    """A top-level window holding the map while it is away from its dock."""

    sig_closed = Signal()
    sig_back_requested = Signal()

    def __init__(self, back_key: str, parent: QWidget | None = None) -> None:
        # A window of its own (not a tool window), still the main window's child: the console
        # lock covers it with the rest, and it goes when the main window goes.
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(TITLE)
        self.setObjectName("mapWindow")
        full = QShortcut(QKeySequence("F11"), self)
        full.activated.connect(self.toggle_full_screen)
        # The key that sent the map here brings it back, from this window too.
        back = QShortcut(QKeySequence(back_key), self)
        back.activated.connect(self.sig_back_requested)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.sig_closed.emit()
        super().closeEvent(event)


def other_screen(current: QScreen | None) -> QScreen | None:
    """A screen other than ``current`` (the largest), or None with one screen."""
    screens = [s for s in QGuiApplication.screens() if s is not current]
    if not screens:
        return None
    return max(screens, key=lambda s: s.size().width() * s.size().height())


class MapPlacement:
    """Moves the map between its dock and its own window."""

    def __init__(self, main: QMainWindow, dock: QDockWidget, map_widget: QWidget, key: str) -> None:
        self.main = main
        self.key = key
        self.dock = dock
        self.map_widget = map_widget
        self.window: MapWindow | None = None

    def toggle(self) -> None:
        if self.window is None:
            self.to_window()
        else:
            self.to_dock()

    def to_window(self) -> MapWindow:
        """The map into its own window, on another screen when there is one."""
        if self.window is not None:
            return self.window
        window = MapWindow(self.key, self.main)
        self.dock.setWidget(QWidget())  # the dock keeps its place, empty while the map is away
        self.dock.hide()
        window.setCentralWidget(self.map_widget)
        # Taken out of the dock the view was hidden; shown explicitly, or the window stays black.
        self.map_widget.show()
        screen = other_screen(self.main.screen())
        if screen is not None:
            window.setGeometry(screen.availableGeometry())
            window.showMaximized()
        else:
            window.resize(max(self.main.width() // 2, 800), max(self.main.height() - 100, 600))
            window.show()
        window.sig_closed.connect(self.to_dock)
        window.sig_back_requested.connect(self.to_dock)
        self.window = window
        return window

    def to_dock(self) -> None:
        """The map back in its dock; the map window closes."""
        window, self.window = self.window, None
        if window is None:
            return
        window.sig_closed.disconnect(self.to_dock)
        widget = window.takeCentralWidget()
        if widget is not None:
            self.dock.setWidget(widget)
            widget.show()
        self.dock.show()
        window.close()
        window.deleteLater()
