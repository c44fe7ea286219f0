"""``CameraForm``: add a camera to the register, or change one, from the Cameras panel (N / E).

Keyboard first: every field has an Alt letter, Enter saves from any one-line field, Escape
on a changed form asks before throwing it away. The form checks only what it must to
build a ``CameraSpec`` (a number that does not read); every rule of the register —
inside the operating area, a view angle of 1–360°, a range over 0 and at most 1,000 m,
no preset on a fixed camera, a number already taken, a stream URL of another scheme —
is the core's (``controlroom.cameras.records.check_spec``), and its refusal is shown
beside the field its ``CameraFieldError.field`` names, in the window's words, with
what was typed kept and nothing written.

An edit is saved with the version it was based on: when another console saved the camera
in between, the form says so and shows the camera as it is now.

On an edit the sharing agreement starts as recorded (the camera's snapshot carries it); a
field left blank keeps the agreement recorded, text typed there replaces it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from controlroom.cameras.records import (
    DEFAULT_RETENTION_DAYS,
    MAX_RETENTION_DAYS,
    CameraFieldError,
    CameraRecord,
    CameraSpec,
    PresetSpec,
)
from controlroom.core.errors import ControlroomError, StaleVersionError
from controlroom.core.snapshots import CameraSnapshot, VenueSnapshot
from ui.cameras.gateway import CameraGateway
from ui.common.dialog_parts import DiscardGuard, accept_cancel, error_label, in_window_words
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line, shown_lines

OWNERS = (
    ("council", "Council"),
    ("venue", "Venue (licensed premises)"),
    ("transport", "Transport"),
    ("police", "Police"),
    ("other", "Other owner (sharing agreement)"),
)
KINDS = (("fixed", "Fixed"), ("ptz", "PTZ"), ("dome", "Dome"))
PRESET_COLUMNS = ("Preset", "Heading °", "Angle °", "Range m")
# The field whose error line shows a refusal about a field that shares its row.
SHARED_ROW = {"lon": "lat", "angle": "heading", "range_m": "heading"}
# Words the core's messages use for command-line flags, named as this form names them.
FIELD_WORDS = {"venue": "Venue", "at": "Position", "heading": "View", "angle": "View", "range": "View"}
ERROR_WIDTH = 330  # the error beside a field: the core's sentence in three or four lines
INPUT_WIDTH = 480  # a preset's name beside three numbers, in the large font
PRESET_ROWS_SHOWN = 4


class UnreadableFieldError(Exception):
    """Something typed that does not read, found before anything is sent."""

    def __init__(self, field: str, message: str, widget: QWidget | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.widget = widget


class CameraForm(QDialog):
    """Add a camera (``camera`` None) or change one; ``sig_saved`` carries the saved record."""

    sig_saved = Signal(object)  # CameraRecord

    def __init__(
        self,
        gateway: CameraGateway,
        venues: Sequence[VenueSnapshot],
        parent: QWidget | None = None,
        *,
        camera: CameraSnapshot | None = None,
        at: tuple[float, float] | None = None,
    ) -> None:
        super().__init__(parent)
        self.gateway = gateway
        self.venues = sorted(venues, key=lambda v: v.name.casefold())
        self.editing = camera is not None
        self.version = camera.version if camera is not None else None
        self.setWindowTitle(f"Camera {shown_line(camera.number)}" if camera else "Add a camera")
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.form_error = error_label()
        self._pending = TaskSet()
        self._saving: asyncio.Future[Any] | None = None
        self._make_fields()
        grid = self._make_grid()
        self.save_button = QPushButton("&Save")
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.form_error)
        layout.addWidget(accept_cancel(self, self.save_button, self.save))
        self.owner.currentIndexChanged.connect(self._on_owner_changed)
        if camera is not None:
            self.fill_from(camera)
        elif at is not None:
            self.lat.setText(f"{at[0]:.6f}")
            self.lon.setText(f"{at[1]:.6f}")
        self._on_owner_changed()
        (self.name if self.editing else self.number).setFocus()
        self.guard = DiscardGuard(self, "camera", self._preset_rows)

    # -- building ----------------------------------------------------------------------

    def _make_fields(self) -> None:
        self.number = QLineEdit()
        self.number.setPlaceholderText("e.g. CC21")
        self.number.setReadOnly(self.editing)  # the number names the camera: it stays
        self.name = QLineEdit()
        self.name.setPlaceholderText("Where it is, e.g. Above Bar / Bargate")
        self.owner = _choices(OWNERS)
        self.venue = QComboBox()
        self.venue.addItem("Choose the venue…", None)
        for venue in self.venues:
            self.venue.addItem(shown_line(venue.name), venue.name)
        self.agreement = QLineEdit()
        self.agreement.setPlaceholderText(
            "Kept as recorded; type to replace it" if self.editing else "Which agreement, e.g. ISA 2025/14"
        )
        self.lat, self.lon = QLineEdit(), QLineEdit()
        self.lat.setPlaceholderText("LAT e.g. 50.9040")
        self.lon.setPlaceholderText("LON e.g. -1.4040")
        self.kind = _choices(KINDS)
        self.heading, self.angle, self.range_m = QLineEdit(), QLineEdit(), QLineEdit()
        for edit, hint in ((self.heading, "heading °"), (self.angle, "angle °"), (self.range_m, "range m")):
            edit.setPlaceholderText(hint)
        self.presets = self._make_presets_table()
        self.stream_url = QLineEdit()
        self.stream_url.setPlaceholderText("rtsp://, http(s):// or file:// — or leave blank")
        self.retention = QSpinBox()
        self.retention.setRange(1, MAX_RETENTION_DAYS)
        self.retention.setValue(DEFAULT_RETENTION_DAYS)
        self.retention.setSuffix(" days")
        self.add_preset_button = QPushButton("&Add preset")
        self.remove_preset_button = QPushButton("Remove p&reset")
        for button in (self.add_preset_button, self.remove_preset_button):
            button.setAutoDefault(False)  # Enter saves the form, whichever button was pressed last
        self.add_preset_button.clicked.connect(self.add_preset_row)
        self.remove_preset_button.clicked.connect(self._on_remove_preset_clicked)

    def _make_presets_table(self) -> QTableWidget:
        table = QTableWidget(0, len(PRESET_COLUMNS))
        table.setHorizontalHeaderLabels(PRESET_COLUMNS)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(PRESET_COLUMNS)):  # numbers: as wide as their heading, the rest for names
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setTabKeyNavigation(False)  # Tab leaves the table for the next field
        rows = table.verticalHeader().defaultSectionSize() * PRESET_ROWS_SHOWN
        table.setFixedHeight(rows + table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth())
        return table

    def _make_grid(self) -> QGridLayout:
        position = _row_of(self.lat, self.lon)
        view = _row_of(self.heading, self.angle, self.range_m)
        presets = QVBoxLayout()
        presets.addWidget(self.presets)
        presets.addLayout(_row_of(self.add_preset_button, self.remove_preset_button, stretch=True))
        rows: list[tuple[str, str, QWidget, Any]] = [
            ("number", "&Number", self.number, None),
            ("name", "Na&me", self.name, None),
            ("owner", "&Owner", self.owner, None),
            ("venue", "&Venue", self.venue, None),
            ("sharing_agreement", "Sharing a&greement", self.agreement, None),
            ("lat", "&Position", self.lat, position),
            ("kind", "&Kind", self.kind, None),
            ("heading", "V&iew (fixed)", self.heading, view),
            ("presets", "Pr&esets (PTZ, dome)", self.presets, presets),
            ("stream_url", "Stream &URL", self.stream_url, None),
            ("retention_days", "Re&tention", self.retention, None),
        ]
        grid = QGridLayout()
        grid.setColumnMinimumWidth(1, INPUT_WIDTH)
        for row, (field, text, first, layout) in enumerate(rows):
            label = QLabel(text)
            label.setBuddy(first)
            self.inputs[field] = first
            self.errors[field] = error_label()
            self.errors[field].setFixedWidth(ERROR_WIDTH)
            # Level with its field (which Qt centres in a row that an error beside it made taller);
            # the presets' label stays at the top of the table.
            at = Qt.AlignmentFlag.AlignTop if field == "presets" else Qt.AlignmentFlag.AlignVCenter
            grid.addWidget(label, row, 0, at)
            if layout is None:
                grid.addWidget(first, row, 1)
            else:
                grid.addLayout(layout, row, 1)
            grid.addWidget(self.errors[field], row, 2, Qt.AlignmentFlag.AlignTop)
        return grid

    # -- filling -----------------------------------------------------------------------

    def fill_from(self, camera: CameraSnapshot | CameraRecord) -> None:
        """Show ``camera`` in the fields (an edit, or the camera as another console saved it)."""
        self.version = camera.version
        self.number.setText(camera.number)
        self.name.setText(camera.name)
        self.owner.setCurrentIndex(max(0, self.owner.findData(camera.owner)))
        venue = next((v.name for v in self.venues if v.id == camera.venue_id), None)
        self.venue.setCurrentIndex(max(0, self.venue.findData(venue)))
        self.agreement.setText(getattr(camera, "sharing_agreement", ""))
        self.lat.setText(f"{camera.lat:.6f}")
        self.lon.setText(f"{camera.lon:.6f}")
        self.kind.setCurrentIndex(max(0, self.kind.findData(camera.kind)))
        for edit, value in (
            (self.heading, camera.heading),
            (self.angle, camera.angle),
            (self.range_m, camera.range_m),
        ):
            edit.setText("" if value is None else f"{value:g}")
        self.presets.setRowCount(0)
        for preset in camera.presets:
            self.add_preset_row(
                preset.name, f"{preset.heading:g}", f"{preset.angle:g}", f"{preset.range_m:g}"
            )
        self.stream_url.setText(camera.stream_url or "")
        self.retention.setValue(camera.retention_days)

    def add_preset_row(self, *texts: str) -> int:
        """A new preset row (with ``texts`` in its cells); the keyboard goes to its name."""
        row = self.presets.rowCount()
        self.presets.insertRow(row)
        for column in range(len(PRESET_COLUMNS)):
            text = texts[column] if column < len(texts) else ""
            self.presets.setItem(row, column, QTableWidgetItem(text))
        self.presets.setCurrentCell(row, 0)
        if not texts:
            self.presets.setFocus()
            self.presets.editItem(self.presets.currentItem())
        return row

    def _on_remove_preset_clicked(self) -> None:
        row = self.presets.currentRow()
        if row >= 0:
            self.presets.removeRow(row)
            self.presets.setFocus()

    def _on_owner_changed(self) -> None:
        owner = self.owner.currentData()
        self.venue.setEnabled(owner == "venue")
        self.agreement.setEnabled(owner == "other")

    def _preset_rows(self) -> object:
        return tuple(self._cells(row) for row in range(self.presets.rowCount()))

    def _cells(self, row: int) -> tuple[str, ...]:
        items = (self.presets.item(row, c) for c in range(len(PRESET_COLUMNS)))
        return tuple(item.text().strip() if item is not None else "" for item in items)

    # -- saving ------------------------------------------------------------------------

    def error_of(self, field: str) -> str:
        """The error line beside ``field`` (a core field name: number, lat, heading, presets…)."""
        return self.errors[SHARED_ROW.get(field, field)].text()

    def reject(self) -> None:
        """Escape, Cancel or closing: a changed form asks first (``DiscardGuard``)."""
        if self.guard.may_close():
            super().reject()

    def save(self) -> None:
        """Check what reads, then send it to the core command; refusals beside their fields."""
        if self._saving is not None and not self._saving.done():
            return
        if self.presets.state() == QAbstractItemView.State.EditingState:
            # Enter in a preset cell reaches the dialog before the cell's text is committed
            # (the delegate commits it queued): it finishes the cell; the next Enter saves.
            return
        for label in (*self.errors.values(), self.form_error):
            label.setText("")
        try:
            spec = self.spec()
        except UnreadableFieldError as problem:
            self._say(problem.field, str(problem))
            if problem.widget is not None:
                problem.widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.save_button.setEnabled(False)
        self._saving = self._pending.spawn(self._send(spec))

    def spec(self) -> CameraSpec:
        """The camera as typed; a ``UnreadableFieldError`` for a number that does not read."""
        owner = self.owner.currentData()
        return CameraSpec(
            number=self.number.text(),
            name=self.name.text(),
            owner=owner,
            lat=_number(self.lat, "lat", "the latitude (LAT), e.g. 50.9040"),
            lon=_number(self.lon, "lat", "the longitude (LON), e.g. -1.4040"),
            kind=self.kind.currentData(),
            heading=_optional(self.heading, "heading", "the heading, e.g. 90"),
            angle=_optional(self.angle, "heading", "the view angle, e.g. 60"),
            range_m=_optional(self.range_m, "heading", "the range in metres, e.g. 150"),
            stream_url=self.stream_url.text(),
            venue=self.venue.currentData() if owner == "venue" else None,
            sharing_agreement=self.agreement.text() if owner == "other" else "",
            retention_days=self.retention.value(),
            presets=self._presets(),
        )

    def _presets(self) -> tuple[PresetSpec, ...]:
        presets = []
        for row in range(self.presets.rowCount()):
            name, *numbers = self._cells(row)
            if not name and not any(numbers):
                continue  # a row added and left empty
            values = []
            for column, text in zip(PRESET_COLUMNS[1:], numbers, strict=True):
                try:
                    values.append(float(text))
                except ValueError:
                    shown = f"“{shown_line(text)}”" if text else "blank"
                    raise UnreadableFieldError(
                        "presets", f"Preset row {row + 1}: {column} is {shown}; give a number"
                    ) from None
            presets.append(PresetSpec(name, *values))
        return tuple(presets)

    async def _send(self, spec: CameraSpec) -> None:
        try:
            if self.editing and self.version is not None:
                record = await self.gateway.update_camera(spec.number, self._changes(spec), self.version)
            else:
                record = await self.gateway.add_camera(spec)
        except CameraFieldError as refusal:
            self._say(refusal.field, str(refusal))
            return
        except StaleVersionError as stale:
            self._show_current(stale)
            return
        except ControlroomError as refusal:
            self._say("", str(refusal))
            return
        finally:
            self.save_button.setEnabled(True)
        self.sig_saved.emit(record)
        self.accept()

    def _changes(self, spec: CameraSpec) -> dict[str, Any]:
        keep = {"number", "status"}
        if self.editing and spec.owner == "other" and not spec.sharing_agreement.strip():
            keep.add("sharing_agreement")  # blank on an edit: the agreement recorded stays
        return {name: getattr(spec, name) for name in CameraSpec.__dataclass_fields__ if name not in keep}

    def _show_current(self, stale: StaleVersionError) -> None:
        current = stale.current
        if isinstance(current, CameraRecord):
            self.fill_from(current)
            self.guard.mark_unchanged()
        self._say(
            "",
            f"Camera {current.number if isinstance(current, CameraRecord) else ''} was changed at another "
            "console while you were editing; nothing was saved. The form now shows it as it is: "
            "make your change again and save.",
        )

    def _say(self, field: str, message: str) -> None:
        """``message`` beside ``field`` (under the form if it names none); the keyboard goes there."""
        row = SHARED_ROW.get(field, field)
        label = self.errors.get(row, self.form_error)
        label.setText(shown_lines(in_window_words(message, FIELD_WORDS)))
        label.setMinimumHeight(label.heightForWidth(label.width()) if label is not self.form_error else 0)
        focus = {"lon": self.lon, "angle": self.angle, "range_m": self.range_m}.get(field) or self.inputs.get(
            row
        )
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.adjustSize()


def _choices(options: Sequence[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    for value, text in options:
        box.addItem(text, value)
    return box


def _row_of(*widgets: QWidget, stretch: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    if stretch:
        row.addStretch(1)
    return row


def _optional(edit: QLineEdit, field: str, what: str) -> float | None:
    return None if not edit.text().strip() else _number(edit, field, what)


def _number(edit: QLineEdit, field: str, what: str) -> float:
    """``what``: the value and an example, e.g. "the heading, e.g. 90"."""
    text = edit.text().strip()
    try:
        return float(text)
    except ValueError:
        shown = f"“{shown_line(text)}”" if text else "blank"
        value, example = what.split(", e.g. ")
        raise UnreadableFieldError(
            field, f"{value[0].upper()}{value[1:]} is {shown}; give a number, e.g. {example}", edit
        ) from None
