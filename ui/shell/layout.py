"""``WindowLayout``: the incident list as the spine, every other panel a dock.

The live list is the central widget and keeps all of its height; the alert stack,
the map and the boards are docks on the right, the incident detail a tab beside the
boards that is there only when asked (Ctrl+D). Docks can be moved, closed (``Window`` menu
and F6 bring them back) and floated; the map can go to a window of its own for a
second screen or a video wall. The arrangement is saved per user in the window state
(QSettings ``layout/<user>/…``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QToolBar, QVBoxLayout, QWidget

# Bumped when the set of docks changes, so an old saved arrangement is not half-applied.
LAYOUT_VERSION = 3
RIGHT_SHARE = 0.38
ALERTS_HEIGHT = 180  # the stack's header and five lines (less on a short screen)
MAP_SHARE = 0.58
SHORT_SCREEN_MAP_SHARE = 0.5  # below 900 px the boards need the height for their rows
SHORT_SCREEN = 900
Area = Qt.DockWidgetArea


@dataclass(frozen=True)
class Panel:
    """A dock: its object name (saved state), title, widget, area and whether it starts shown."""

    name: str
    title: str
    widget: QWidget
    area: Area
    shown: bool = True
    tab_with: str = ""  # another panel whose place it shares, as a tab


class WindowLayout:
    """Builds the window's central widget and docks, and saves / restores them per user."""

    def __init__(self, window: QMainWindow, banner: QWidget, board: QWidget, panels: list[Panel]) -> None:
        self.window = window
        self.board = board
        central = QWidget()
        self._layout = QVBoxLayout(central)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addWidget(banner)
        self._layout.addWidget(board, 1)
        window.setCentralWidget(central)
        window.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        # The right-hand docks run the full height; the detail sits under the list only.
        window.setCorner(Qt.Corner.BottomRightCorner, Area.RightDockWidgetArea)
        window.setCorner(Qt.Corner.TopRightCorner, Area.RightDockWidgetArea)
        self.docks: dict[str, QDockWidget] = {}
        for panel in panels:
            dock = QDockWidget(panel.title, window)
            dock.setObjectName(f"dock-{panel.name}")
            dock.setWidget(panel.widget)
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetClosable
                | QDockWidget.DockWidgetFeature.DockWidgetMovable
                | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            )
            window.addDockWidget(panel.area, dock)
            dock.setVisible(panel.shown)
            self.docks[panel.name] = dock
            if panel.tab_with:
                window.tabifyDockWidget(self.docks[panel.tab_with], dock)
                dock.setVisible(panel.shown)
            dock.dockLocationChanged.connect(self._on_dock_arranged)
            dock.topLevelChanged.connect(self._on_dock_arranged)
        self._pending: QByteArray | None = None
        self._defaults_applied = False
        self.has_saved_geometry = False
        # Until the operator arranges the docks (or a saved arrangement is restored), the
        # default proportions follow the window's size: the window manager may maximise it
        # after it is first shown.
        self.follow_window_size = True

    def _on_dock_arranged(self, *_args: object) -> None:
        self.follow_window_size = False

    def insert_top(self, widget: QWidget) -> None:
        """A notice across the whole window, above the list and the docks (set-up mode)."""
        bar = QToolBar("Notice", self.window)
        bar.setObjectName("noticeBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.toggleViewAction().setVisible(False)
        bar.addWidget(widget)
        self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def show_page(self, text: str) -> QLabel:
        """Hide the list and every dock and show a plain-text page in their place."""
        self.board.hide()
        for dock in self.docks.values():
            dock.hide()
            dock.toggleViewAction().setVisible(False)
        page = QLabel(text)
        page.setObjectName("rolePage")
        page.setTextFormat(Qt.TextFormat.PlainText)
        page.setWordWrap(True)
        page.setMargin(40)
        self._layout.addWidget(page, 1)
        return page

    # -- sizes ---------------------------------------------------------------

    def apply_default_sizes(self) -> None:
        """The first arrangement: alerts, map and boards take ~38 % of the width, the list the rest."""
        window = self.window
        width, height = max(window.width(), 800), max(window.height(), 600)
        right = [d for d in self.docks.values() if window.dockWidgetArea(d) == Area.RightDockWidgetArea]
        if right:
            window.resizeDocks(right[:1], [int(width * RIGHT_SHARE)], Qt.Orientation.Horizontal)
        shown = [d for d in right if d.isVisibleTo(window) and not d.isFloating()]
        names = {d.objectName(): d for d in shown}
        alerts, map_dock = names.get("dock-alerts"), names.get("dock-map")
        sizes: list[tuple[QDockWidget, int]] = []
        rest = height - 60
        if alerts is not None:
            alerts_height = min(ALERTS_HEIGHT, int(height * 0.2))
            sizes.append((alerts, alerts_height))
            rest -= alerts_height
        share = SHORT_SCREEN_MAP_SHARE if height < SHORT_SCREEN else MAP_SHARE
        if map_dock is not None:
            sizes.append((map_dock, int(rest * share)))
        boards = names.get("dock-boards")
        if boards is not None:
            sizes.append((boards, int(rest * (1 - share))))
        if sizes:
            window.resizeDocks([d for d, _ in sizes], [s for _, s in sizes], Qt.Orientation.Vertical)
        self._defaults_applied = True

    # -- saved per user --------------------------------------------------------

    def restore(self, state: QSettings, user: str) -> bool:
        """The user's saved arrangement (applied again once shown); False: none saved."""
        geometry = state.value(f"layout/{user}/geometry")
        self.has_saved_geometry = geometry is not None
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        saved = state.value(f"layout/{user}/docks")
        if saved is None:
            self._pending = None
            return False
        self._pending = QByteArray(saved)
        self.follow_window_size = False
        return self.window.restoreState(self._pending, LAYOUT_VERSION)

    def on_first_show(self) -> None:
        """Apply the saved docks again with the window's real size, or the defaults."""
        pending, self._pending = self._pending, None
        restored = pending is not None and self.window.restoreState(pending, LAYOUT_VERSION)
        if not restored and not self._defaults_applied:
            self.apply_default_sizes()

    def save(self, state: QSettings, user: str) -> None:
        state.setValue(f"layout/{user}/geometry", self.window.saveGeometry())
        state.setValue(f"layout/{user}/docks", self.window.saveState(LAYOUT_VERSION))
