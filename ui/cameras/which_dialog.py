""" "Which cameras can see this?": the cameras that cover a point, best first, with the preset to use.

The list is worked out from the cameras the Cameras panel holds (the change feed's),
never from the database. Up/Down choose; Enter on an incident tasks the chosen camera
to it through the core command ("CCTV: camera N, preset P on it" in its timeline, which
comes back through the feed); without an incident (a flag, a direction, a typed or
clicked point) Enter calls the camera up instead; Escape closes. A refusal (the camera
since changed, the incident since closed) is said in the dialog, which stays open.

Each line is large enough to read from 2 m: camera, preset, distance, angle off the
axis, status.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontInfo, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from controlroom.cameras.geometry import Sighting
from controlroom.cameras.which import Place, preset_words
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import CameraSnapshot
from ui.cameras.gateway import CameraGateway
from ui.common import theme
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line

LARGE = 1.35  # the list's font against the window's: read from the operator's chair and beyond
MIN_WIDTH, MIN_HEIGHT = 560, 320
LINE_MARGIN_PX = 60  # the dialog's and the list's margins, frame and scroll bar beside a line


def sighting_line(sighting: Sighting) -> str:
    """``P7   preset North   55 m   3° off axis   working``."""
    status = sighting.camera.status if sighting.camera.status == "working" else f"⚠ {sighting.camera.status}"
    return (
        f"{shown_line(sighting.camera.number)}   {shown_line(preset_words(sighting))}   "
        f"{sighting.distance_m:.0f} m   {sighting.off_axis_deg:.0f}° off axis   {status}"
    )


class SightingList(QListWidget):
    """The lines; Enter on one is ``sig_chosen`` (a list view would only emit it on some platforms)."""

    sig_chosen = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.sig_chosen.emit()
            return
        super().keyPressEvent(event)


class WhichCamerasDialog(QDialog):
    """The cameras that can see ``place``; Enter tasks (an incident) or calls up (anything else)."""

    sig_tasked = Signal(object)  # CameraSnapshot as the command returned it
    sig_callup_requested = Signal(object, object, object)  # CameraSnapshot, preset, incident id
    sig_message = Signal(str)

    def __init__(
        self,
        gateway: CameraGateway,
        place: Place,
        sightings: Sequence[Sighting],
        cameras: dict[int, CameraSnapshot],
        *,
        may_task: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Which cameras can see this?")
        self.gateway, self.place, self.sightings, self.cameras = gateway, place, list(sightings), cameras
        self.tasks_to = place.reference if may_task else None
        self._pending = TaskSet()
        self.task: asyncio.Future[Any] | None = None
        self.heading = QLabel(f"Cameras that can see {shown_line(place.label)}")
        self.heading.setObjectName("panelTitle")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.list = self._make_list()
        self.hint = QLabel(self._hint())
        self.hint.setWordWrap(True)
        self.error = QLabel("")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.FORM_ERROR};")
        self.error.hide()
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.list, self.hint, self.error):
            layout.addWidget(widget, 1 if widget is self.list else 0)
        if not self.sightings:
            self.heading.setText(
                f"No camera can see {shown_line(place.label)}: none has it within its range and view."
            )
            self.list.hide()
            self.hint.setText("Escape closes.")
        self.setMinimumSize(self._line_width(), MIN_HEIGHT if self.sightings else 0)
        self.list.sig_chosen.connect(self.choose)
        self.list.doubleClicked.connect(self._on_list_double_clicked)

    def _make_list(self) -> SightingList:
        view = SightingList()
        # The window's style sheet sets every widget's font size (and the text scale with it), so a
        # QFont set here is ignored: the size is the sheet's, read once the dialog is polished.
        self.ensurePolished()
        points = QFontInfo(self.font()).pointSizeF() * LARGE
        view.setStyleSheet(f"QListWidget {{ font-size: {points:.1f}pt; }}")
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for sighting in self.sightings:
            item = QListWidgetItem(sighting_line(sighting))
            if sighting.camera.status != "working":
                item.setForeground(QBrush(QColor(theme.AMBER)))
            view.addItem(item)
        if self.sightings:
            view.setCurrentRow(0)
        return view

    def _line_width(self) -> int:
        """Wide enough for the longest line in the large font, within the screen."""
        self.list.ensurePolished()
        metrics = QFontMetrics(self.list.font())
        widest = max((metrics.horizontalAdvance(sighting_line(s)) for s in self.sightings), default=0)
        screen = self.screen().availableGeometry().width() if self.screen() is not None else MIN_WIDTH
        return max(MIN_WIDTH, min(widest + LINE_MARGIN_PX, screen - LINE_MARGIN_PX))

    def _hint(self) -> str:
        if self.tasks_to:
            return f"↑↓ choose · Enter: task the camera to {self.tasks_to} · Escape closes"
        return "↑↓ choose · Enter: call the camera up · Escape closes"

    def _on_list_double_clicked(self, _index: object) -> None:
        self.choose()

    def chosen(self) -> Sighting | None:
        row = self.list.currentRow()
        return self.sightings[row] if 0 <= row < len(self.sightings) else None

    def choose(self) -> None:
        """Enter: task the chosen camera to the incident, or call it up."""
        sighting = self.chosen()
        if sighting is None or (self.task is not None and not self.task.done()):
            return
        camera = self.cameras.get(sighting.camera.camera_id)
        if self.tasks_to is None:
            if camera is not None:
                self.sig_callup_requested.emit(camera, sighting.preset, self.place.incident_id)
            self.accept()
            return
        self.task = self._pending.spawn(self._task(sighting, self.tasks_to))

    async def _task(self, sighting: Sighting, reference: str) -> None:
        try:
            camera = await self.gateway.task_camera(sighting.camera.number, reference, sighting.preset)
        except ControlroomError as why:
            self.error.setText(f"Camera {shown_line(sighting.camera.number)} not tasked: {why}")
            self.error.show()
            return
        self.sig_message.emit(
            f"CCTV: camera {shown_line(camera.number)}"
            + (f", preset {shown_line(camera.tasked_preset)}" if camera.tasked_preset else "")
            + f" on {reference}"
        )
        self.sig_tasked.emit(camera)
        self.accept()
