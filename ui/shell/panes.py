"""F6 / Shift+F6: keyboard focus from pane to pane, the way desktop applications do.

The panes, in order: the incident list, the alert stack, the map, the current board,
the incident detail — each only when it is on screen. Focus goes to the pane's list
(or the map page) so the next key acts there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QApplication, QWidget

from ui.shell.boards import focus_target


class PaneCycle:
    """Moves focus to the next (or previous) visible pane."""

    def __init__(self, panes: Callable[[], Sequence[QWidget]]) -> None:
        self._panes = panes

    def visible(self) -> list[QWidget]:
        return [p for p in self._panes() if p.isVisible() and p.window().isVisible()]

    def current(self) -> int | None:
        """Index (in ``visible()``) of the pane holding keyboard focus, if any."""
        focused = QApplication.focusWidget()
        if focused is None:
            return None
        for index, pane in enumerate(self.visible()):
            if pane is focused or pane.isAncestorOf(focused):
                return index
        return None

    def step(self, delta: int) -> QWidget | None:
        panes = self.visible()
        if not panes:
            return None
        index = self.current()
        start = -1 if delta > 0 else 0
        target = panes[((start if index is None else index) + delta) % len(panes)]
        widget = focus_target(target)
        widget.window().activateWindow()
        widget.setFocus()
        return target
