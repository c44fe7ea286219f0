"""One declaration per user action, and the registry that makes and gates them.

A feature package declares its actions as ``ActionSpec`` values (name, text, key,
the role action from ``controlroom.core.roles`` it needs, where its key works); the
widget that offers an action creates it through the window's ``ActionRegistry``,
once. Role gating then walks the registry: it never looks a shortcut up again by
its key string, so an action cannot be offered to a role its declaration refuses.

The core refuses every write a role lacks (``NotPermittedError``) whatever the window
offers; the registry only keeps the window from inviting an operator into a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QMenu, QWidget

# Where a declared key works: the whole window, or one board (its table has focus).
WINDOW = "window"


@dataclass(frozen=True)
class ActionSpec:
    """A user action: ``needs`` is the role action it requires ("" = anyone logged in)."""

    name: str
    text: str
    key: str = ""
    needs: str = ""
    scope: str = WINDOW


@dataclass(frozen=True)
class BoundAction:
    """A declared action and the one Qt object that offers it."""

    spec: ActionSpec
    target: QShortcut | QAction | QAbstractButton

    @property
    def offered(self) -> bool:
        if isinstance(self.target, QAbstractButton):
            return not self.target.isHidden()
        return self.target.isEnabled()


class ActionRegistry(QObject):
    """Every action the window offers, created here once and gated by role here."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bound: list[BoundAction] = []
        self._may: Callable[[str], bool] = lambda _action: True

    def shortcut(
        self,
        spec: ActionSpec,
        parent: QWidget,
        slot: Callable[[], Any],
        context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
    ) -> QShortcut:
        """A key on ``parent`` (``WindowShortcut`` context for window-wide keys)."""
        shortcut = QShortcut(QKeySequence(spec.key), parent)
        shortcut.setContext(context)
        shortcut.activated.connect(slot)
        self._add(BoundAction(spec, shortcut))
        return shortcut

    def menu_entry(self, spec: ActionSpec, menu: QMenu, window: QWidget, slot: Callable[[], Any]) -> QAction:
        """A menu entry whose key also works with the menu bar closed."""
        action = QAction(spec.text, window)
        if spec.key:
            action.setShortcut(QKeySequence(spec.key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        window.addAction(action)
        self._add(BoundAction(spec, action))
        return action

    def button(self, spec: ActionSpec, button: QAbstractButton) -> QAbstractButton:
        """A push button that starts an action (its text carries the mnemonic)."""
        button.setText(spec.text)
        self._add(BoundAction(spec, button))
        return button

    def _add(self, bound: BoundAction) -> None:
        self._bound.append(bound)
        # Only ever hide here: showing a button not yet in a layout would open it as a window.
        if not self.may(bound.spec.needs):
            self._gate(bound)

    def apply_role(self, may: Callable[[str], bool]) -> None:
        """Offer only the actions ``may`` allows: now and for actions bound later."""
        self._may = may
        for bound in self._bound:
            self._gate(bound)

    def may(self, needs: str) -> bool:
        """Whether the role applied may take an action needing ``needs``."""
        return not needs or self._may(needs)

    def _gate(self, bound: BoundAction) -> None:
        allowed = self.may(bound.spec.needs)
        target = bound.target
        if isinstance(target, QAbstractButton):
            target.setVisible(allowed)
        elif isinstance(target, QAction):
            target.setVisible(allowed)
            target.setEnabled(allowed)
        else:
            target.setEnabled(allowed)

    def bound(self) -> list[BoundAction]:
        """Everything created through this registry, in the order it was made."""
        return list(self._bound)

    def offered(self) -> list[str]:
        """Names of the actions the window offers now, sorted."""
        return sorted({b.spec.name for b in self._bound if self.may(b.spec.needs)})


def declared(*groups: Iterable[ActionSpec]) -> dict[str, ActionSpec]:
    """Declarations by name; a name declared twice is a programming error."""
    specs: dict[str, ActionSpec] = {}
    for group in groups:
        for spec in group:
            if spec.name in specs:
                raise ValueError(f"action {spec.name!r} declared twice")
            specs[spec.name] = spec
    return specs
