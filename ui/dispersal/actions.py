"""``DispersalActions``: zones, directions and their paperwork from the window.

Z on the dispersal panel (or Ctrl+Shift+Z) authorises a zone, G (Ctrl+Shift+G)
records a direction; after a direction is recorded its paperwork opens in a
print preview (notice to the person, record copy, receipt), and P / Shift+P
reprint a direction's or a zone's paperwork. Clicking the map while the
direction form is open sets where it was given (the form listens to the map
itself; the sighting form is told here). A direction's paperwork names the
person: before its preview opens the operator says why and for whom, and that
disclosure is logged (DPA 2018 s.62(3)); cancelling prints and logs nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from controlroom.core.errors import ControlroomError
from controlroom.dispersal.directions import DirectionResult
from controlroom.paperwork.render import RenderedDocument
from ui.common.actions import ActionRegistry
from ui.common.justification_dialog import JustificationDialog
from ui.common.screen_fit import keep_clear_of
from ui.common.tasks import TaskSet
from ui.dispersal.action_specs import NEW_DIRECTION_WINDOW, NEW_ZONE_WINDOW
from ui.dispersal.dialogs import ZoneDialog
from ui.dispersal.direction_dialog import DirectionDialog
from ui.dispersal.gateway import DispersalGateway
from ui.dispersal.panel import DispersalPanel
from ui.dispersal.person_dialogs import SightingDialog, WarningDialog
from ui.map.bridge import MapBridge
from ui.paperwork.pdf import print_preview_dialog

PRINT_RECIPIENTS = ("the person directed", "case file", "the officer who gave the direction")


class DispersalActions(QObject):
    """Owns the open zone/direction form and the print preview."""

    sig_message = Signal(str)
    sig_preview_painted = Signal(int)  # pages painted (for tests and the status bar)

    def __init__(
        self,
        window: QWidget,
        gateway: DispersalGateway,
        panel: DispersalPanel,
        bridge: MapBridge,
        *,
        registry: ActionRegistry | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.gateway = gateway
        self.commands = gateway.commands
        self.panel = panel
        self.bridge = bridge
        self.dialog: ZoneDialog | DirectionDialog | WarningDialog | SightingDialog | None = None
        self.preview: QPrintPreviewDialog | None = None
        self.disclosure: JustificationDialog | None = None
        self._pending = TaskSet()
        registry = registry or ActionRegistry(self)
        for spec, slot in ((NEW_ZONE_WINDOW, self.new_zone), (NEW_DIRECTION_WINDOW, self.new_direction)):
            registry.shortcut(spec, window, slot, Qt.ShortcutContext.WindowShortcut)
        panel.sig_new_zone_requested.connect(self.new_zone)
        panel.sig_new_direction_requested.connect(self.new_direction)
        panel.sig_print_direction_requested.connect(self.print_direction)
        panel.sig_print_zone_requested.connect(self.print_zone)
        panel.sig_warning_requested.connect(self.new_warning)
        panel.sig_sighting_requested.connect(self.new_sighting)
        bridge.sig_map_clicked.connect(self._on_map_clicked)

    def new_zone(self) -> asyncio.Future[Any]:
        """Open the authorisation form once the saved zones are known."""
        return self._pending.spawn(self._open_zone())

    async def _open_zone(self) -> ZoneDialog:
        saved = await self.gateway.saved_zones()
        dialog = ZoneDialog(self.commands, self.bridge, saved, self.window)
        dialog.sig_saved.connect(lambda z: self.sig_message.emit(f"dispersal zone {z.name} authorised"))
        self._show(dialog, dialog.name)
        return dialog

    def new_direction(self) -> DirectionDialog:
        zones = self.panel.zones_in_force()
        running = self.panel.model.directions()  # a running one flags a second direction
        dialog = DirectionDialog(self.commands, zones, self.window, bridge=self.bridge, running=running)
        dialog.sig_saved.connect(self._on_direction_saved)
        self._show(dialog, dialog.where)
        return dialog

    def new_warning(self) -> asyncio.Future[Any]:
        return self._pending.spawn(self._open_warning())

    async def _open_warning(self) -> WarningDialog:
        dialog = WarningDialog(self.commands, await self.gateway.subjects(), self.window)
        dialog.sig_saved.connect(
            lambda s: self.sig_message.emit(f"words of advice recorded for person #{s.id}")
        )
        self._show(dialog, dialog.person)
        return dialog

    def new_sighting(self, incident_reference: str = "") -> asyncio.Future[Any]:
        return self._pending.spawn(self._open_sighting(incident_reference))

    async def _open_sighting(self, incident_reference: str) -> SightingDialog:
        subjects = await self.gateway.subjects()
        dialog = SightingDialog(self.commands, subjects, self.window, incident_reference=incident_reference)
        dialog.sig_saved.connect(self._on_sighting_saved)
        self._show(dialog, dialog.person)
        return dialog

    def _on_sighting_saved(self, result: Any) -> None:
        if result.breach_incident is not None:
            self.sig_message.emit(
                f"⚠ possible breach of {result.breached_direction}: {result.breach_incident.reference}"
            )
        elif result.repeat_behaviour:
            self.sig_message.emit(f"⚠ repeat behaviour: person #{result.subject.id} seen again")
        else:
            self.sig_message.emit(f"sighting of person #{result.subject.id} recorded")

    def print_direction(self, reference: str) -> asyncio.Future[Any]:
        """Ask why and for whom, log the disclosure, then preview the direction's paperwork."""
        return self._pending.spawn(self._print_direction(reference))

    async def _print_direction(self, reference: str) -> None:
        direction = next((d for d in self.panel.model.directions() if d.reference == reference), None)

        async def log(why: str, to: str | None) -> None:
            await self.gateway.log_disclosure(
                "paperwork.print",
                entity="direction",
                entity_id=direction.id if direction is not None else None,
                detail={"reference": reference, "documents": "notice, record copy, receipt"},
                why=why,
                to=to or "",
            )

        dialog = JustificationDialog(
            f"Print {reference}",
            f"The paperwork of {reference} names the person directed. Say why it is printed "
            "and who receives it: both go to the audit trail (DPA 2018 s.62(3)).",
            log,
            recipients=PRINT_RECIPIENTS,
            ok_text="&Log and preview",
            parent=self.window,
        )
        if self.disclosure is not None:
            self.disclosure.close()
        self.disclosure = dialog
        printed, _ = await dialog.ask()
        if printed:
            await self._preview(lambda: self.gateway.direction_documents(reference), reference)

    def print_zone(self, zone_id: int) -> asyncio.Future[Any]:
        return self._pending.spawn(
            self._preview(lambda: self.gateway.zone_documents(zone_id), f"zone {zone_id}")
        )

    def _on_direction_saved(self, result: DirectionResult) -> None:
        reference = result.direction.reference
        task = " — a take-home / place-of-safety task was created" if result.take_home_task_id else ""
        self.sig_message.emit(f"{reference} recorded{task}")
        self.print_direction(reference)

    async def _preview(self, load: Callable[[], Awaitable[list[RenderedDocument]]], what: str) -> None:
        try:
            documents = await load()
        except ControlroomError as exc:
            self.sig_message.emit(str(exc))
            return
        # The dialog owns nothing: print_preview_dialog keeps its printer alive with it.
        preview = print_preview_dialog(documents, self.window, f"Print {what}")
        preview.paintRequested.connect(lambda _device: self.sig_preview_painted.emit(len(documents)))
        if self.preview is not None:
            self.preview.close()
        self.preview = preview
        preview.open()

    def _show(
        self, dialog: ZoneDialog | DirectionDialog | WarningDialog | SightingDialog, focus: QWidget
    ) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self.panel.table.setFocus())
        dialog.show()
        keep_clear_of(dialog, self.bridge.parent())  # the map stays free for corners and points
        dialog.activateWindow()
        focus.setFocus()

    def _on_map_clicked(self, lat: float, lon: float) -> None:
        if isinstance(self.dialog, SightingDialog) and self.dialog.isVisible():
            self.dialog.set_point(lat, lon)
