"""``CameraActions``: "which cameras can see this?" from every board, and the Cameras panel's keys.

Shift+C on the incident list, the flag list or the dispersal board asks for the selected
incident, flag or direction; Ctrl+Shift+C anywhere asks for a typed place (LAT,LON or a
venue's name); the map may call :meth:`CameraActions.show_cameras_for` with a point.
The cameras come from the Cameras panel (the feed's), so asking costs no database read.
The panel's keys — call up, report or clear a fault, release, N add a camera, E change
it (``CameraForm``, one at a time) — go through the core commands and come back through
the feed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMessageBox

from controlroom.cameras.which import Place, which_cameras
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import CameraSnapshot, IncidentSnapshot, VenueSnapshot
from ui.cameras.action_specs import WHICH_FOR_DIRECTION, WHICH_FOR_FLAG, WHICH_FOR_INCIDENT, WHICH_FOR_PLACE
from ui.cameras.callup import open_callup
from ui.cameras.camera_form import CameraForm
from ui.cameras.gateway import CameraGateway
from ui.cameras.panel import CamerasPanel
from ui.cameras.which_dialog import WhichCamerasDialog
from ui.common.actions import ActionRegistry
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line
from ui.dispersal.panel import DispersalPanel
from ui.incidents.view import IncidentTableView
from ui.patrols.flag_board import FlagBoard


class CameraActions(QObject):
    """Opens the which-cameras dialog (one at a time) and carries out the panel's keys."""

    sig_message = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        gateway: CameraGateway,
        panel: CamerasPanel,
        boards: tuple[IncidentTableView, FlagBoard, DispersalPanel],
        incident_by_id: Callable[[int], IncidentSnapshot | None],
        venues: Callable[[], list[VenueSnapshot]],
        *,
        registry: ActionRegistry,
        point_chosen: SignalInstance | None = None,
    ) -> None:
        super().__init__(window)
        self.window, self.gateway, self.panel = window, gateway, panel
        self.incident_by_id, self.venues, self.registry = incident_by_id, venues, registry
        self.dialog: WhichCamerasDialog | None = None
        self.form: CameraForm | None = None
        self._pending = TaskSet()
        incidents, flags, dispersal = boards
        self.incidents = incidents
        registry.shortcut(
            WHICH_FOR_INCIDENT, incidents, lambda: self.for_incident(incidents.selected_incident_id())
        )
        registry.shortcut(WHICH_FOR_FLAG, flags.table, lambda: self._for_flag(flags))
        registry.shortcut(WHICH_FOR_DIRECTION, dispersal, lambda: self._for_direction(dispersal))
        registry.shortcut(WHICH_FOR_PLACE, window, self.ask_place, Qt.ShortcutContext.WindowShortcut)
        if point_chosen is not None:  # the map's "which cameras can see this?" for a clicked point
            point_chosen.connect(self._on_map_point_chosen)
        panel.sig_callup_requested.connect(self._on_panel_callup_requested)
        panel.sig_fault_requested.connect(self.report_fault)
        panel.sig_clear_requested.connect(self.clear_faults)
        panel.sig_release_requested.connect(self.release)
        panel.sig_add_requested.connect(self.add_camera)
        panel.sig_edit_requested.connect(self.edit_camera)

    # -- which cameras can see this? ---------------------------------------------------

    def for_incident(self, incident_id: int | None) -> WhichCamerasDialog | None:
        incident = self.incident_by_id(incident_id) if incident_id is not None else None
        if incident is None:
            self.sig_message.emit("Select an incident first, then Shift+C")
            return None
        label = f"{incident.reference}, {incident.place}"
        return self.show_cameras_for(incident.lat, incident.lon, incident.id, label=label)

    def _for_flag(self, flags: FlagBoard) -> None:
        flag = flags.selected_flag()
        if flag is None:
            self.sig_message.emit("Select a flag first, then Shift+C")
            return
        self.show_cameras_for(flag.lat, flag.lon, label=f"the flag at {flag.place}")

    def _for_direction(self, dispersal: DispersalPanel) -> None:
        direction = dispersal.selected_direction()
        if direction is None:
            self.sig_message.emit("Select a direction first, then Shift+C")
        else:
            self.show_cameras_for(
                direction.lat, direction.lon, label=f"where direction {direction.reference} was given"
            )

    def show_cameras_for(
        self, lat: float, lon: float, incident_id: int | None = None, *, label: str | None = None
    ) -> WhichCamerasDialog:
        """The dialog for a point; with ``incident_id`` Enter tasks the chosen camera to that incident."""
        incident = self.incident_by_id(incident_id) if incident_id is not None else None
        place = Place(
            lat,
            lon,
            label or f"{lat:.5f},{lon:.5f}",
            incident.id if incident else None,
            incident.reference if incident else None,
        )
        cameras = self.panel.model.cameras()
        dialog = WhichCamerasDialog(
            self.gateway,
            place,
            which_cameras(place, cameras),
            {c.id: c for c in cameras},
            may_task=self.registry.may("camera.task"),
            parent=self.window,
        )
        dialog.sig_message.connect(self.sig_message)
        dialog.sig_callup_requested.connect(self._call_up)
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        back_to = self.window.focusWidget()
        dialog.finished.connect(lambda _r: back_to.setFocus() if back_to is not None else None)
        dialog.show()
        dialog.activateWindow()
        dialog.list.setFocus()
        return dialog

    def _on_map_point_chosen(self, lat: float, lon: float) -> None:
        self.show_cameras_for(lat, lon)

    def ask_place(self) -> QInputDialog:
        """Ctrl+Shift+C: a typed LAT,LON or venue name, then the dialog for it."""
        ask = QInputDialog(self.window)
        ask.setWindowTitle("Which cameras can see a place?")
        ask.setLabelText("LAT,LON (e.g. 50.9060,-1.4044) or a venue's name:")
        ask.textValueSelected.connect(self._on_place_typed)
        ask.open()  # window-modal, no nested event loop: the feed keeps running
        return ask

    def _on_place_typed(self, text: str) -> None:
        found = self.place_of(text)
        if isinstance(found, str):
            self.sig_message.emit(found)
            return
        lat, lon, label = found
        self.show_cameras_for(lat, lon, label=label)

    def place_of(self, text: str) -> tuple[float, float, str] | str:
        """(lat, lon, label) of a typed place, or the reason it is not one."""
        south, west, north, east = self.gateway.area
        parts = text.split(",")
        if len(parts) == 2:
            try:
                lat, lon = float(parts[0]), float(parts[1])
            except ValueError:
                pass
            else:
                if south <= lat <= north and west <= lon <= east:
                    return lat, lon, f"{lat:.5f},{lon:.5f}"
                return f"{lat:.5f},{lon:.5f} is outside the operating area; check the order is LAT,LON"
        wanted = text.strip().casefold()
        venue = next((v for v in self.venues() if v.name.casefold() == wanted), None)
        if venue is None:
            return f"{shown_line(text)!s} is neither LAT,LON nor a venue's name; type e.g. 50.9060,-1.4044"
        return venue.lat, venue.lon, venue.name

    # -- the panel's keys --------------------------------------------------------------

    def add_camera(self) -> CameraForm:
        """N: an empty form, at the selected incident's position if there is one."""
        incident_id = self.incidents.selected_incident_id()
        incident = self.incident_by_id(incident_id) if incident_id is not None else None
        return self._open_form(None, (incident.lat, incident.lon) if incident else None)

    def edit_camera(self, camera: CameraSnapshot) -> CameraForm:
        """E: the selected camera in the form, saved against the version shown."""
        return self._open_form(camera, None)

    def _open_form(self, camera: CameraSnapshot | None, at: tuple[float, float] | None) -> CameraForm:
        if self.form is not None and self.form.isVisible():
            self.form.raise_()
            self.form.activateWindow()
            return self.form
        form = CameraForm(self.gateway, self.venues(), self.window, camera=camera, at=at)
        verb = "changed" if camera is not None else "added"
        form.sig_saved.connect(
            lambda record: self.sig_message.emit(f"Camera {shown_line(record.number)} {verb}")
        )
        form.finished.connect(lambda _r: self.panel.table.setFocus())
        self.form = form
        form.show()  # not modal: the map and the boards stay usable while it is filled in
        form.activateWindow()
        return form

    def _on_panel_callup_requested(self, camera: CameraSnapshot, preset: str | None) -> None:
        self._call_up(camera, preset, camera.tasked_incident_id)

    def _call_up(self, camera: CameraSnapshot, preset: str | None, incident_id: int | None) -> None:
        open_callup(self.window, camera, preset, incident_id, commands=self.gateway.commands)

    def report_fault(self, camera: CameraSnapshot) -> QInputDialog:
        ask = QInputDialog(self.window)
        ask.setWindowTitle(f"Fault on camera {shown_line(camera.number)}")
        ask.setLabelText("What is wrong with it? (e.g. no picture, lens obscured)")
        ask.textValueSelected.connect(
            lambda text: self._run(
                self.gateway.report_fault(camera.number, text), f"camera {camera.number}: fault logged"
            )
        )
        ask.open()
        return ask

    def clear_faults(self, camera: CameraSnapshot, *, confirm: bool = True) -> asyncio.Future[Any] | None:
        if confirm:
            question = QMessageBox(
                QMessageBox.Icon.Question,
                "Clear faults",
                f"Clear every open fault of camera {shown_line(camera.number)}?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                self.window,
            )
            question.setTextFormat(Qt.TextFormat.PlainText)
            if question.exec() != QMessageBox.StandardButton.Yes:
                return None
        return self._run(self.gateway.clear_faults(camera.number), f"camera {camera.number}: faults cleared")

    def release(self, camera: CameraSnapshot) -> asyncio.Future[Any]:
        return self._run(self.gateway.release_camera(camera.number), f"camera {camera.number} released")

    def _run(self, work: Awaitable[Any], done: str) -> asyncio.Future[Any]:
        async def run() -> None:
            try:
                await work
            except ControlroomError as why:
                self.sig_message.emit(str(why))
                return
            self.sig_message.emit(shown_line(done))

        return self._pending.spawn(run())
