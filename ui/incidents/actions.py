"""``IncidentActions``: keyboard and map actions on incidents, wired for the window.

Ctrl+N records a new incident; on the list, Enter or E edits the selected one
and a single key moves it on (A acknowledge, D dispatched, O on scene,
R resolved, C closed). Clicking the map while a new-incident form is open sets
its point (the form listens to the map itself). A form with something typed in
it is never replaced by another: it comes back to the front instead.
Safe-space status set from a map popup goes through the same commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from controlroom.core.domain import Status
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import IncidentSnapshot, UnitSnapshot, VenueSnapshot
from ui.common.actions import ActionRegistry
from ui.common.screen_fit import keep_clear_of
from ui.common.tasks import TaskSet
from ui.incidents.action_specs import DISPATCH, EDIT, EDIT_ENTER, MOVE_ON, NEW, REOPEN
from ui.incidents.detail import IncidentDetailPanel
from ui.incidents.form import IncidentForm
from ui.incidents.gateway import IncidentGateway
from ui.incidents.view import IncidentTableView
from ui.map.bridge import MapBridge
from ui.patrols.dispatch_dialog import DispatchDialog, Tasks


class IncidentActions(QObject):
    """Owns the open form (at most one) and the shortcuts that act on incidents."""

    sig_message = Signal(str)

    def __init__(
        self,
        window: QWidget,
        gateway: IncidentGateway,
        table: IncidentTableView,
        detail: IncidentDetailPanel,
        bridge: MapBridge,
        venues: Callable[[], list[VenueSnapshot]],
        units: Callable[[], list[UnitSnapshot]],
        *,
        tasks: Tasks = lambda _id: None,
        registry: ActionRegistry | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.gateway = gateway
        self.commands = gateway.commands
        self.table = table
        self.detail = detail
        self.bridge = bridge
        self.venues = venues
        self.units = units
        self.tasks = tasks
        self.form: IncidentForm | None = None
        self._tasks = TaskSet()
        self.dispatcher: DispatchDialog | None = None
        self._bind(registry or ActionRegistry(self))
        detail.sig_edit_requested.connect(self.edit)
        detail.sig_dispatch_requested.connect(self.dispatch_selected)
        bridge.sig_safe_space_status_requested.connect(self._on_map_safe_space_status_requested)
        bridge.sig_unit_moved.connect(self._on_map_unit_moved)

    def _bind(self, registry: ActionRegistry) -> None:
        registry.shortcut(NEW, self.window, self.new_incident, Qt.ShortcutContext.WindowShortcut)
        for spec in (EDIT, EDIT_ENTER):
            registry.shortcut(spec, self.table, self.edit_selected)
        for status, spec in MOVE_ON.items():
            registry.shortcut(spec, self.table, self._status_setter(status))
        # Dispatching means choosing units: D opens the dispatch dialog.
        registry.shortcut(DISPATCH, self.table, self.dispatch_selected)
        registry.shortcut(REOPEN, self.table, self._status_setter(Status.ACKNOWLEDGED))

    def _status_setter(self, status: Status) -> Callable[[], Any]:
        return lambda: self.detail.set_status(status)

    def new_incident(self) -> IncidentForm:
        return self._open(None)

    def edit_selected(self) -> IncidentForm | None:
        incident = self.detail.incident
        return self._open(incident) if incident is not None else None

    def edit(self, incident: IncidentSnapshot) -> IncidentForm:
        return self._open(incident)

    def _open(self, incident: IncidentSnapshot | None) -> IncidentForm:
        if self.form is not None:
            if self.form.guard.changed():
                self.sig_message.emit("Finish or discard the open report first (Escape asks)")
                self.form.raise_()
                self.form.activateWindow()
                return self.form
            self.form.close()
        self.form = IncidentForm(
            self.gateway.writes, self.venues(), incident, self.window, bridge=self.bridge
        )
        self.form.sig_saved.connect(self._on_form_saved)
        self.form.finished.connect(self._on_form_finished)
        self.form.show()
        keep_clear_of(self.form, self.bridge.parent())  # the map stays free for picking a point
        self.form.activateWindow()
        self.form.place.setFocus() if incident is None else self.form.summary.setFocus()
        return self.form

    def dispatch_selected(self) -> DispatchDialog | None:
        """Recommend units for the selected incident; Enter sends the first."""
        incident = self.detail.incident
        if incident is None:
            return None
        self.dispatcher = DispatchDialog(self.commands, incident, self.units(), self.window, tasks=self.tasks)
        self.dispatcher.sig_dispatched.connect(
            lambda signs: self.sig_message.emit(f"{incident.reference}: dispatched {', '.join(signs)}")
        )
        self.dispatcher.finished.connect(lambda _r: self.table.setFocus())
        self.dispatcher.show()
        self.dispatcher.activateWindow()
        return self.dispatcher

    def _on_form_saved(self, incident: IncidentSnapshot) -> None:
        self.sig_message.emit(f"{incident.reference} saved (version {incident.version})")

    def _on_form_finished(self, _result: int) -> None:
        self.form = None
        self.table.setFocus()

    def _on_map_safe_space_status_requested(self, venue_name: str, status: str) -> None:
        self._tasks.spawn(self._set_safe_space(venue_name, status))

    def _on_map_unit_moved(self, callsign: str, lat: float, lon: float) -> None:
        self._tasks.spawn(self._move_unit(callsign, lat, lon))

    async def _move_unit(self, callsign: str, lat: float, lon: float) -> None:
        try:
            await self.commands.update_unit(callsign, at=(lat, lon))
        except ControlroomError as exc:
            self.sig_message.emit(str(exc))
            return
        self.sig_message.emit(f"{callsign} moved to {lat:.5f}, {lon:.5f}")

    async def _set_safe_space(self, venue_name: str, status: str) -> None:
        try:
            venue = await self.commands.set_safe_space_status(venue_name, status)
        except ControlroomError as exc:
            self.sig_message.emit(str(exc))
            return
        self.sig_message.emit(f"{venue.name}: safe space {venue.safe_space_status}")
