"""``DispersalActions``: zones, directions and their paperwork from the window.

Z on the dispersal panel (or Ctrl+Shift+Z) authorises a zone, G (Ctrl+Shift+G)
records a direction; after a direction is recorded its paperwork opens in a
print preview (notice to the person, record copy, receipt), and P / Shift+P
reprint a direction's or a zone's paperwork. Enter opens the selected direction's
record, V varies it, X withdraws it and H records its take-home outcome (s.35(7)).
Clicking the map while the direction form is open sets where it was given (the form
listens to the map itself; the sighting form is told here).

DPA 2018 s.62: a direction opened singly — its record or its paperwork preview — is
a consultation logged with the operator's justification (asked first; Cancel reads
and logs nothing). Printing is a disclosure: when the pages go to the printer, one
entry per document is logged, the notice and receipt to their recipient (the person
directed unless the operator names another), the record copy for internal use.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import DirectionSnapshot
from controlroom.dispersal.directions import DirectionResult
from controlroom.paperwork.data import DirectionPaper
from controlroom.paperwork.render import RenderedDocument
from ui.common.actions import ActionRegistry
from ui.common.justification_dialog import JustificationDialog
from ui.common.screen_fit import keep_clear_of
from ui.common.tasks import TaskSet
from ui.dispersal.action_specs import NEW_DIRECTION_WINDOW, NEW_ZONE_WINDOW
from ui.dispersal.change_dialogs import TakeHomeDialog, VaryDialog, WithdrawDialog
from ui.dispersal.dialogs import ZoneDialog
from ui.dispersal.direction_dialog import DirectionDialog
from ui.dispersal.direction_record import DirectionRecordDialog
from ui.dispersal.gateway import DispersalGateway
from ui.dispersal.panel import DispersalPanel
from ui.dispersal.person_dialogs import SightingDialog, WarningDialog
from ui.map.bridge import MapBridge
from ui.paperwork.pdf import print_preview_dialog

# Who receives the notice and the receipt (the record copy is always internal use).
PRINT_RECIPIENTS = ("the person directed", "the officer who gave the direction, to hand over")
Form = (
    ZoneDialog
    | DirectionDialog
    | WarningDialog
    | SightingDialog
    | TakeHomeDialog
    | VaryDialog
    | WithdrawDialog
)


class DispersalActions(QObject):
    """Owns the open zone/direction form and the print preview."""

    sig_message = Signal(str)
    sig_preview_painted = Signal(int)  # documents painted (for tests and the status bar)
    sig_printed = Signal(str)  # a direction's documents went to the printer and are logged

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
        self.dialog: Form | None = None
        self.preview: QPrintPreviewDialog | None = None
        self.disclosure: JustificationDialog | None = None  # the justification asked before a read
        self.record: DirectionRecordDialog | None = None
        self._pending = TaskSet()
        registry = registry or ActionRegistry(self)
        actor = self.commands.actor
        for spec, slot in ((NEW_ZONE_WINDOW, self.new_zone), (NEW_DIRECTION_WINDOW, self.new_direction)):
            key = registry.shortcut(spec, window, slot, Qt.ShortcutContext.WindowShortcut)
            key.setEnabled(actor.may(spec.needs))  # set-up mode: no directions (personal data)
        panel.sig_new_zone_requested.connect(self.new_zone)
        panel.sig_new_direction_requested.connect(self.new_direction)
        panel.sig_print_direction_requested.connect(self.print_direction)
        panel.sig_print_zone_requested.connect(self.print_zone)
        panel.sig_warning_requested.connect(self.new_warning)
        panel.sig_sighting_requested.connect(self.new_sighting)
        panel.sig_open_direction_requested.connect(self.open_direction)
        panel.sig_vary_requested.connect(self.vary)
        panel.sig_withdraw_requested.connect(self.withdraw)
        panel.sig_take_home_requested.connect(self.take_home)
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

    def _direction(self, reference: str) -> DirectionSnapshot | None:
        return next((d for d in self.panel.model.directions() if d.reference == reference), None)

    def take_home(self, reference: str) -> TakeHomeDialog | None:
        """s.35(7): record where a person under 16 was taken and who was told."""
        direction = self._direction(reference)
        if direction is None or not direction.take_home_task:
            self.sig_message.emit(f"{reference} has no take-home task (the person did not appear under 16)")
            return None
        if direction.take_home_done:
            self.sig_message.emit(f"the take-home outcome of {reference} is already recorded")
            return None
        dialog = TakeHomeDialog(self.commands, direction, self.window)
        dialog.sig_saved.connect(lambda _d: self.sig_message.emit(f"{reference}: take-home outcome recorded"))
        self._show(dialog, dialog.taken_to)
        return dialog

    def vary(self, reference: str) -> VaryDialog | None:
        direction = self._direction(reference)
        if direction is None:
            return None
        dialog = VaryDialog(self.commands, direction, self.window)
        dialog.sig_saved.connect(lambda _d: self.sig_message.emit(f"{reference} varied"))
        self._show(dialog, dialog.hours)
        return dialog

    def withdraw(self, reference: str) -> WithdrawDialog | None:
        direction = self._direction(reference)
        if direction is None:
            return None
        dialog = WithdrawDialog(self.commands, direction, self.window)
        dialog.sig_saved.connect(lambda _d: self.sig_message.emit(f"{reference} withdrawn"))
        self._show(dialog, dialog.officer)
        return dialog

    async def _consult(
        self, reference: str, title: str, ok_text: str
    ) -> tuple[DirectionPaper, str, str] | None:
        """Ask why (and, for printing, for whom); consult and so log; None if cancelled."""
        printing = ok_text != "&Open record"

        async def consult(why: str, to: str | None) -> tuple[DirectionPaper, str, str]:
            return await self.gateway.consult_direction(reference, why), why, to or ""

        dialog = JustificationDialog(
            title,
            f"{reference} names the person directed. Opening it is logged with your reason "
            "(DPA 2018 s.62(2))"
            + (
                "; printing logs each document and who receives it (s.62(3)) — the record copy "
                "is for internal use."
                if printing
                else "."
            ),
            consult,
            recipients=PRINT_RECIPIENTS if printing else None,
            ok_text=ok_text,
            parent=self.window,
        )
        if self.disclosure is not None:
            self.disclosure.close()
        self.disclosure = dialog
        opened, answer = await dialog.ask()
        return answer if opened else None

    def open_direction(self, reference: str) -> asyncio.Future[Any]:
        """Ask why, consult (logged), then show the direction's record."""
        return self._pending.spawn(self._open_direction(reference))

    async def _open_direction(self, reference: str) -> DirectionRecordDialog | None:
        answer = await self._consult(reference, f"Open {reference}", "&Open record")
        if answer is None:
            return None
        dialog = DirectionRecordDialog(answer[0], self.window)
        if self.record is not None:
            self.record.close()
        self.record = dialog
        dialog.show()
        return dialog

    def print_direction(self, reference: str) -> asyncio.Future[Any]:
        """Ask why and for whom, consult (logged), preview; printing logs each document."""
        return self._pending.spawn(self._print_direction(reference))

    async def _print_direction(self, reference: str) -> None:
        answer = await self._consult(reference, f"Print {reference}", "&Log and preview")
        if answer is None:
            return
        paper, why, recipient = answer
        parts, documents = self.gateway.printable(paper)

        def printed() -> None:
            self._pending.spawn(self._log_printed(paper, parts, why, recipient))

        self._open_preview(documents, reference, printed)

    async def _log_printed(self, paper: DirectionPaper, parts: list[Any], why: str, recipient: str) -> None:
        try:
            await self.gateway.log_printed(paper, parts, why, recipient)
        except ControlroomError as exc:
            self.sig_message.emit(f"the print of {paper.reference} could not be logged: {exc}")
            return
        self.sig_printed.emit(paper.reference)

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
        self._open_preview(documents, what)

    def _open_preview(
        self, documents: list[RenderedDocument], what: str, printed: Callable[[], None] | None = None
    ) -> None:
        # The dialog owns nothing: print_preview_dialog keeps its printer alive with it.
        preview = print_preview_dialog(documents, self.window, f"Print {what}", on_printed=printed)
        preview.paintRequested.connect(lambda _device: self.sig_preview_painted.emit(len(documents)))
        if self.preview is not None:
            self.preview.close()
        self.preview = preview
        preview.open()

    def _show(self, dialog: Form, focus: QWidget) -> None:
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
