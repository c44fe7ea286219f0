"""``PatrolActions``: flags and unit positions from the keyboard and the map.

Ctrl+Shift+F (or F on the flag list) flags a location; on the flag list D
dispatches units to the selected flag, I turns it into an incident, C clears it;
on the unit board L types a unit's position. Clicking the map while the flag
dialog is open sets its point (the dialog listens to the map itself). A dialog
with something typed in it is brought back rather than replaced. Everything goes
through the core's commands and comes back through the feed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from controlroom.commands import Commands
from controlroom.core.domain import Behaviour
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import FlagSnapshot, IncidentSnapshot, UnitSnapshot, VenueSnapshot
from ui.common.actions import ActionRegistry
from ui.common.screen_fit import keep_clear_of
from ui.common.tasks import TaskSet
from ui.map.bridge import MapBridge
from ui.patrols.action_specs import NEW_FLAG
from ui.patrols.dispatch_dialog import DispatchDialog, DispatchTarget, Tasks
from ui.patrols.flag_board import FlagBoard
from ui.patrols.flag_dialog import ConvertFlagDialog, FlagDialog, LocateUnitDialog
from ui.patrols.unit_board import UnitBoard


class PatrolActions(QObject):
    """Owns the open flag/unit dialogs (at most one of each kind)."""

    sig_message = Signal(str)

    def __init__(
        self,
        window: QWidget,
        commands: Commands,
        flags: FlagBoard,
        units: UnitBoard,
        bridge: MapBridge,
        venues: Callable[[], list[VenueSnapshot]],
        tasks: Tasks,
        *,
        registry: ActionRegistry | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.commands = commands
        self.flags = flags
        self.units = units
        self.venues = venues
        self.bridge = bridge
        self.tasks = tasks
        self.flag_dialog: FlagDialog | None = None
        self.dialog: ConvertFlagDialog | LocateUnitDialog | DispatchDialog | None = None
        self._pending = TaskSet()
        registry = registry or ActionRegistry(self)
        registry.shortcut(NEW_FLAG, window, self.new_flag, Qt.ShortcutContext.WindowShortcut)
        flags.sig_new_flag_requested.connect(self.new_flag)
        flags.sig_dispatch_requested.connect(self.dispatch_to_flag)
        flags.sig_convert_requested.connect(self.convert_flag)
        flags.sig_clear_requested.connect(self.clear_flag)
        units.sig_locate_requested.connect(self.locate_unit)

    def new_flag(self) -> FlagDialog:
        if self.flag_dialog is not None:
            if self._kept(self.flag_dialog):
                return self.flag_dialog
            self.flag_dialog.close()
        dialog = FlagDialog(self.commands, self.venues(), self.window, bridge=self.bridge)
        dialog.sig_saved.connect(self._on_flag_saved)
        dialog.finished.connect(self._on_flag_dialog_finished)
        self.flag_dialog = dialog
        self._show(dialog, dialog.place)
        return dialog

    def dispatch_to_flag(self, flag: FlagSnapshot) -> DispatchDialog:
        target = DispatchTarget.for_flag(flag)
        units = self.units.model.units()
        dialog = DispatchDialog(self.commands, target, units, self.window, tasks=self.tasks)
        dialog.sig_dispatched.connect(
            lambda signs: self.sig_message.emit(f"flag {flag.id}: dispatched {', '.join(signs)}")
        )
        self._open(dialog, self.flags)
        self._show(dialog, dialog.list)
        return dialog

    def convert_flag(self, flag: FlagSnapshot) -> ConvertFlagDialog:
        dialog = ConvertFlagDialog(self.commands, flag, self.window)
        dialog.sig_saved.connect(
            lambda incident: self.sig_message.emit(f"flag {flag.id} is now {incident.reference}")
        )
        self._open(dialog, self.flags)
        self._show(dialog, dialog.category)
        return dialog

    def clear_flag(self, flag: FlagSnapshot, *, confirm: bool = True) -> asyncio.Future[Any] | None:
        if confirm:
            question = QMessageBox(
                QMessageBox.Icon.Question,
                "Clear flag",
                f"Clear the {Behaviour.of(flag.behaviour).label.lower()} flag at {flag.place}?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                self.window,
            )
            # A message box guesses rich text from "<" in its text: the place is typed.
            question.setTextFormat(Qt.TextFormat.PlainText)
            if question.exec() != QMessageBox.StandardButton.Yes:
                return None
        task = self._pending.spawn(self._clear(flag))
        return task

    def locate_unit(self, unit: UnitSnapshot) -> LocateUnitDialog:
        dialog = LocateUnitDialog(self.commands, unit, self.venues(), self.window)
        dialog.sig_saved.connect(lambda u: self.sig_message.emit(f"{u.callsign} moved"))
        self._open(dialog, self.units.table)
        self._show(dialog, dialog.where)
        return dialog

    async def _clear(self, flag: FlagSnapshot) -> None:
        try:
            await self.commands.clear_flag(flag.id)
        except ControlroomError as exc:
            self.sig_message.emit(str(exc))
            return
        self.sig_message.emit(f"flag {flag.id} cleared")

    def _kept(self, dialog: FlagDialog | ConvertFlagDialog | LocateUnitDialog) -> bool:
        """A dialog with something typed in it stays (and comes to the front) instead of closing."""
        if not dialog.isVisible() or not dialog.guard.changed():
            return False
        self.sig_message.emit(f"Finish or discard the open {dialog.WHAT} first (Escape asks)")
        dialog.raise_()
        dialog.activateWindow()
        return True

    def _open(self, dialog: ConvertFlagDialog | LocateUnitDialog | DispatchDialog, back_to: QWidget) -> None:
        if self.dialog is not None:
            self.dialog.close()  # a changed one asks before it goes (its DiscardGuard)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: back_to.setFocus())

    def _show(self, dialog: QWidget, focus: QWidget) -> None:
        dialog.show()
        keep_clear_of(dialog, self.bridge.parent())  # the map stays free for picking a point
        dialog.activateWindow()
        focus.setFocus()

    def _on_flag_saved(self, flag: FlagSnapshot) -> None:
        self.sig_message.emit(f"flag {flag.id}: {flag.place}")

    def _on_flag_dialog_finished(self, _result: int) -> None:
        self.flag_dialog = None
        self.flags.table.setFocus()


def incident_tasks(incidents: Callable[[int], IncidentSnapshot | None]) -> Tasks:
    """What a unit is busy on, for the dispatch dialog's diversion labels."""

    def task(incident_id: int) -> tuple[str, int | None] | None:
        incident = incidents(incident_id)
        return (incident.reference, incident.grade) if incident is not None else None

    return task
