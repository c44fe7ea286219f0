"""The Cameras panel: the register as a live table, its faults, and the street coverage figure.

``CameraTableModel`` follows the change feed: the snapshot fills it (in number order),
each camera change updates its row in place (``dataChanged`` for that row) or inserts
a new camera where its number sorts; nothing resets the table but a resynchronisation.
A faulty or offline camera's status is marked and its open fault shown; "Tasked to"
names the incident (its reference, from the incident list) and the preset.

The coverage figure ("Streets covered by working cameras: 63 % of 4.1 km") is
recomputed by the gateway off the GUI thread whenever the cameras change; a newer
computation supersedes one still running, so the figure always matches the newest
register the panel has shown.

Keys on the table: Enter calls the camera up, F reports a fault, Shift+F clears its
faults, R releases it from its incident; N adds a camera and E changes the selected one
(supervisors and administrators). Selecting a row says which camera (``sig_camera_selected``),
so the window brings it into view on the map.

A coverage figure that arrives after the panel has gone (the window closed while the
worker thread was still counting) is dropped: it writes to no label that is gone.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from controlroom.cameras.coverage import Coverage
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import CameraSnapshot, Diff, Snapshot
from ui.cameras.action_specs import CALL_UP, CLEAR_FAULT, EDIT_CAMERA, NEW_CAMERA, RELEASE, REPORT_FAULT
from ui.cameras.gateway import CameraGateway
from ui.common import theme
from ui.common.actions import ActionRegistry
from ui.common.table_fit import fit_table
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line
from ui.feed.controller import FeedController

Index = QModelIndex | QPersistentModelIndex
# What an operator scans for first comes first: a dock at 1366 px wide shows about four columns.
COLUMNS = ("Number", "Status", "Tasked to", "Open fault", "Name", "Owner", "Kind")
NUMBER, STATUS, TASKED, FAULT, NAME, OWNER, KIND = range(len(COLUMNS))
STATUS_MARK = {"working": "working", "faulty": "⚠ faulty", "offline": "✖ offline"}
COVERAGE_WAITING = "Streets covered by working cameras: working it out…"


def coverage_words(figure: Coverage) -> str:
    """ "Streets covered by working cameras: 63 % of 4.1 km"."""
    if figure.street_metres <= 0:
        return "Streets covered by working cameras: no streets to measure"
    km = figure.street_metres / 1000
    return f"Streets covered by working cameras: {figure.share * 100:.0f} % of {km:.1f} km"


class CameraTableModel(QAbstractTableModel):
    """The register in number order; feed changes update a row in place or insert one."""

    def __init__(self, incident_reference: Callable[[int], str | None], parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CameraSnapshot] = []
        self._keys: list[tuple[str, int]] = []  # (number folded, id) per row, for bisect
        self._reference = incident_reference
        self._off = QBrush(QColor(theme.AMBER))
        self._muted = QBrush(QColor(theme.MUTED))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        camera, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(camera, column)
        if role == Qt.ItemDataRole.ForegroundRole and not camera.working:
            return self._off if column in (NUMBER, STATUS, FAULT) else self._muted
        return None

    def _text(self, camera: CameraSnapshot, column: int) -> str:
        # Names, owners' agreements and fault descriptions were typed by people: shown inert.
        if column == NUMBER:
            return shown_line(camera.number)
        if column == NAME:
            return shown_line(camera.name)
        if column == OWNER:
            return camera.owner
        if column == KIND:
            return camera.kind.upper() if camera.kind == "ptz" else camera.kind
        if column == STATUS:
            return STATUS_MARK.get(camera.status, camera.status)
        if column == FAULT:
            return shown_line("; ".join(camera.open_faults))
        if column == TASKED:
            return self.tasked_words(camera)
        return ""

    def tasked_words(self, camera: CameraSnapshot) -> str:
        if camera.tasked_incident_id is None:
            return ""
        reference = self._reference(camera.tasked_incident_id) or f"incident {camera.tasked_incident_id}"
        preset = f" · {shown_line(camera.tasked_preset)}" if camera.tasked_preset else ""
        return f"{reference}{preset}"

    def reset(self, cameras: Iterable[CameraSnapshot]) -> None:
        """Only for the first load and a resynchronisation."""
        self.beginResetModel()
        self._rows = sorted(cameras, key=_key)
        self._keys = [_key(c) for c in self._rows]
        self.endResetModel()

    def apply(self, cameras: Sequence[CameraSnapshot]) -> None:
        """Each camera's newest state: its row updated in place, or a new row where it sorts."""
        for camera in cameras:
            row = self.row_of(camera.id)
            if row is not None and camera.version < self._rows[row].version:
                continue  # an older state arriving late
            if row is not None and _key(camera) == self._keys[row]:
                self._rows[row] = camera
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                continue
            if row is not None:  # renumbered: it moves
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row], self._keys[row]
                self.endRemoveRows()
            at = bisect.bisect(self._keys, _key(camera))
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, camera)
            self._keys.insert(at, _key(camera))
            self.endInsertRows()

    def repaint_tasked(self) -> None:
        """Incident references may have arrived after the cameras tasked to them."""
        if self._rows:
            self.dataChanged.emit(self.index(0, TASKED), self.index(len(self._rows) - 1, TASKED))

    def row_of(self, camera_id: int) -> int | None:
        return next((r for r, c in enumerate(self._rows) if c.id == camera_id), None)

    def camera_at(self, row: int) -> CameraSnapshot:
        return self._rows[row]

    def cameras(self) -> list[CameraSnapshot]:
        return list(self._rows)


def _key(camera: CameraSnapshot) -> tuple[str, int]:
    return camera.number.casefold(), camera.id


class CamerasPanel(QWidget):
    """The register with its faults and coverage; keys act on the selected camera."""

    sig_callup_requested = Signal(object, object)  # CameraSnapshot, preset (str | None)
    sig_fault_requested = Signal(object)  # CameraSnapshot
    sig_clear_requested = Signal(object)  # CameraSnapshot
    sig_release_requested = Signal(object)  # CameraSnapshot
    sig_add_requested = Signal()
    sig_edit_requested = Signal(object)  # CameraSnapshot
    sig_camera_selected = Signal(int)  # the camera's id
    sig_coverage_changed = Signal(str)  # the figure in words
    sig_message = Signal(str)

    def __init__(
        self,
        gateway: CameraGateway,
        incident_reference: Callable[[int], str | None] = lambda _id: None,
        *,
        registry: ActionRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.gateway = gateway
        self.model = CameraTableModel(incident_reference, parent=self)
        self.coverage = QLabel(COVERAGE_WAITING)
        self.coverage.setObjectName("panelTitle")
        self.coverage.setWordWrap(True)  # never sets the window's minimum width
        # One line at the narrowest dock; the rest (Shift+C on the boards) in its tooltip.
        self.keys = QLabel("Enter call up · F fault · Shift+F clear · R release")
        self.keys.setToolTip(
            "On the camera list: Enter calls the camera up, F reports a fault, Shift+F clears its "
            "faults, R releases it from its incident; N adds a camera, E changes the selected one "
            "(supervisors). Shift+C on the incident, flag or dispersal "
            "board (Ctrl+Shift+C anywhere) asks which cameras can see the selected place."
        )
        self.keys.setWordWrap(True)
        self.table = self._make_table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.coverage)
        layout.addWidget(self.keys)
        layout.addWidget(self.table, 1)
        registry = registry or ActionRegistry(self)
        registry.shortcut(CALL_UP, self.table, self._on_callup_key)
        for spec, signal in (
            (REPORT_FAULT, self.sig_fault_requested),
            (CLEAR_FAULT, self.sig_clear_requested),
            (RELEASE, self.sig_release_requested),
            (EDIT_CAMERA, self.sig_edit_requested),
        ):
            registry.shortcut(spec, self.table, self._selected_emitter(signal))
        registry.shortcut(NEW_CAMERA, self.table, self.sig_add_requested.emit)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self._tasks = TaskSet()
        self._figure: asyncio.Future[Any] | None = None
        self.coverage_text = COVERAGE_WAITING

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        fit_table(
            table,
            {
                NUMBER: "CC120",
                STATUS: "✖ offline",
                TASKED: "SOT-20261127-0042 · North",
                FAULT: "No picture since 22:10",
                NAME: "Above Bar junction",
                OWNER: "transport",
            },
        )
        return table

    def follow(self, feed: FeedController) -> None:
        """Keep the table and the coverage figure current."""
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.model.reset(snapshot.cameras)
        self.gateway.forget_streets()
        self.recompute_coverage()

    def _on_feed_diff_received(self, diff: Diff) -> None:
        cameras = [c.camera for c in diff.camera_changes() if c.camera is not None]
        if diff.roads_changed:
            self.gateway.forget_streets()
        if cameras:
            self.model.apply(cameras)
        elif diff.incident_changes():
            self.model.repaint_tasked()
        if cameras or diff.roads_changed:
            self.recompute_coverage()

    def recompute_coverage(self) -> asyncio.Future[Any]:
        """Work the figure out again (off the GUI thread); a run still going is superseded."""
        if self._figure is not None and not self._figure.done():
            self._figure.cancel()
        self._figure = self._tasks.spawn(self._coverage(self.model.cameras()))
        return self._figure

    async def _coverage(self, cameras: list[CameraSnapshot]) -> None:
        try:
            figure = await self.gateway.coverage(cameras)
        except (ControlroomError, ValueError, OSError) as why:
            self._show_coverage(f"Streets covered by working cameras: not worked out ({why})")
            return
        self._show_coverage(coverage_words(figure))

    def _show_coverage(self, text: str) -> None:
        if not shiboken6.isValid(self.coverage):
            return  # the panel went while the figure was worked out on the worker thread
        self.coverage_text = text
        self.coverage.setText(text)
        self.sig_coverage_changed.emit(text)

    # -- the selected camera -----------------------------------------------------

    def selected_camera(self) -> CameraSnapshot | None:
        index = self.table.currentIndex()
        return self.model.camera_at(index.row()) if index.isValid() else None

    def select_camera(self, camera_id: int) -> bool:
        row = self.model.row_of(camera_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def camera_by_id(self, camera_id: int) -> CameraSnapshot | None:
        row = self.model.row_of(camera_id)
        return self.model.camera_at(row) if row is not None else None

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.sig_camera_selected.emit(self.model.camera_at(current.row()).id)

    def _on_callup_key(self) -> None:
        camera = self.selected_camera()
        if camera is not None:
            # Tasked: call it up at the preset it was tasked with, for that incident.
            self.sig_callup_requested.emit(camera, camera.tasked_preset)

    def _selected_emitter(self, signal: Any) -> Callable[[], None]:
        def emit() -> None:
            camera = self.selected_camera()
            if camera is not None:
                signal.emit(camera)

        return emit
