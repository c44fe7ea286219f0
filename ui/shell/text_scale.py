"""Ctrl+= / Ctrl+- / Ctrl+0: one scale for the list, the panels and the map's labels.

A person reads the board from 2 m; another sits close at a small screen. The scale
is one of ``theme.SCALE_STEPS``, applied to the whole application's stylesheet (every
font size in it) and to the map's labels, and kept per user in the window state.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ui.common import theme

DEFAULT = 1.0


def saved_scale(value: object) -> float:
    """A saved scale if it is one of the steps, else the default."""
    try:
        scale = float(str(value))
    except ValueError:
        return DEFAULT
    return scale if scale in theme.SCALE_STEPS else DEFAULT


class TextScale:
    """The current text scale; ``changed`` callbacks hear every new value."""

    def __init__(self, state: QSettings, on_change: Callable[[float], None]) -> None:
        self.state = state
        self.user = ""
        self.value = DEFAULT
        self._on_change = on_change

    def restore(self, user: str) -> None:
        self.user = user
        self.set(saved_scale(self.state.value(f"users/{user}/text_scale", DEFAULT)), save=False)

    def larger(self) -> None:
        steps = theme.SCALE_STEPS
        later = [s for s in steps if s > self.value]
        self.set(later[0] if later else steps[-1])

    def smaller(self) -> None:
        steps = theme.SCALE_STEPS
        earlier = [s for s in steps if s < self.value]
        self.set(earlier[-1] if earlier else steps[0])

    def reset(self) -> None:
        self.set(DEFAULT)

    def set(self, scale: float, *, save: bool = True) -> None:
        changed = scale != self.value
        self.value = scale
        if changed:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                app.setStyleSheet(theme.stylesheet(scale))
            self._on_change(scale)
        if save and self.user:
            self.state.setValue(f"users/{self.user}/text_scale", scale)
