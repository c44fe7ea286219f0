"""Dialogs sized for the screen they open on: a 768-high desk PC as well as a 1080p one."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room left for the window manager's title bar and the task bar.
MARGIN = 60


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` x ``height``, shrunk to the available area of its screen."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, area.width() - MARGIN)
        height = min(height, area.height() - MARGIN)
    widget.resize(width, height)


def keep_clear_of(dialog: QWidget, avoid: object) -> None:
    """Move a shown ``dialog`` off ``avoid`` (the map, where the operator clicks a point).

    It goes to the left of ``avoid`` when there is room on the screen, else to its right;
    with neither (a small screen) it stays where it is. Nothing moves when ``avoid`` is on
    another screen or hidden (the map in a window of its own).
    """
    if not isinstance(avoid, QWidget) or not avoid.isVisible():
        return
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = dialog.frameGeometry()
    top_left = avoid.mapToGlobal(avoid.rect().topLeft())
    target = avoid.rect().translated(top_left)
    if not frame.intersects(target):
        return
    gap = 8
    left = target.left() - frame.width() - gap
    right = target.right() + gap
    if left >= area.left():
        dialog.move(left, frame.top())
    elif right + frame.width() <= area.right():
        dialog.move(right, frame.top())
