"""``WindowLayout``: the window's splitters, the banner above them, and their saved sizes.

The incident board and its detail share the left column, the map and the boards
the right; the banner (outage, set-up mode) sits above both. Sizes are kept in
the window state (QSettings) between runs.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

DEFAULT_RIGHT = [560, 280]
DEFAULT_LEFT = [560, 300]
MIN_WIDTH_FOR_SIZES = 1200


class WindowLayout:
    """Builds the central widget of ``window`` and saves / restores its splitters."""

    def __init__(
        self,
        window: QMainWindow,
        banner: QWidget,
        left: tuple[QWidget, QWidget],
        right: tuple[QWidget, QWidget],
    ) -> None:
        self.window = window
        self.left = _splitter(Qt.Orientation.Vertical, *left)
        self.right = _splitter(Qt.Orientation.Vertical, *right)
        self.splitter = _splitter(Qt.Orientation.Horizontal, self.left, self.right)
        central = QWidget()
        self._layout = QVBoxLayout(central)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addWidget(banner)
        self._layout.addWidget(self.splitter, 1)
        window.setCentralWidget(central)
        self._pending_splitter: QByteArray | None = None

    def insert_top(self, widget: QWidget) -> None:
        self._layout.insertWidget(0, widget)

    def show_page(self, text: str) -> QLabel:
        """Hide the splitters and show a plain-text page in their place."""
        self.splitter.hide()
        page = QLabel(text)
        page.setObjectName("rolePage")
        page.setTextFormat(Qt.TextFormat.PlainText)
        page.setWordWrap(True)
        page.setMargin(40)
        self._layout.addWidget(page, 1)
        return page

    def restore(self, state: QSettings) -> None:
        geometry = state.value("window/geometry")
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        right = state.value("window/right")
        if not (right and self.right.restoreState(right)):
            self.right.setSizes(DEFAULT_RIGHT)
        left = state.value("window/left")
        if not (left and self.left.restoreState(left)):
            self.left.setSizes(DEFAULT_LEFT)
        # The splitter is restored again once the window has its real size
        # (see take_pending_splitter): sizes applied to an unsized splitter get rescaled.
        self._pending_splitter = state.value("window/splitter")
        restored = bool(self._pending_splitter) and self.splitter.restoreState(self._pending_splitter)
        if not restored:
            # Without explicit sizes a QSplitter may give the web view zero width.
            width = max(self.window.width(), MIN_WIDTH_FOR_SIZES)
            self.splitter.setSizes([int(width * 0.6), int(width * 0.4)])

    def take_pending_splitter(self) -> QByteArray | None:
        """The saved main splitter state, once (to apply when the window is first shown)."""
        pending, self._pending_splitter = self._pending_splitter, None
        return pending

    def save(self, state: QSettings) -> None:
        state.setValue("window/geometry", self.window.saveGeometry())
        state.setValue("window/splitter", self.splitter.saveState())
        state.setValue("window/left", self.left.saveState())
        state.setValue("window/right", self.right.saveState())


def _splitter(orientation: Qt.Orientation, first: QWidget, second: QWidget) -> QSplitter:
    splitter = QSplitter(orientation)
    splitter.addWidget(first)
    splitter.addWidget(second)
    splitter.setChildrenCollapsible(False)
    return splitter
