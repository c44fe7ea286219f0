"""Dialogs for flagged locations and unit positions, keyboard first.

``FlagDialog`` flags a venue or a point (typed, or clicked on the map) with a
behaviour code, a reason and an expiry. ``ConvertFlagDialog`` turns a flag into
an incident. ``LocateUnitDialog`` places a unit at a venue or typed coordinates
(for a unit that radios its position in). Each saves through ``Commands``
and shows a refusal inside the dialog with nothing typed lost.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from controlroom.commands import Commands
from controlroom.core.domain import Behaviour, Category, Source, grade_label
from controlroom.core.errors import ControlroomError, ValidationError
from controlroom.core.snapshots import FlagSnapshot, UnitSnapshot, VenueSnapshot

LAT_LON = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
# The incident category an operator most often records for each behaviour.
CATEGORY_FOR = {
    Behaviour.HARASSMENT.value: Category.HARASSMENT.value,
    Behaviour.UNWANTED_TOUCHING.value: Category.UNWANTED_SEXUAL_BEHAVIOUR.value,
}


class _AsyncDialog(QDialog):
    """A dialog whose save runs a coroutine; it closes only when the save succeeds."""

    sig_saved = Signal(object)

    def _setup(self, form: QFormLayout, save_text: str) -> None:
        self.error = QLabel("")
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton(save_text)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        # Enter saves from any one-line field: only the save button may be the default.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.save_button.setDefault(True)
        self._task: asyncio.Future[Any] | None = None

    def save(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self.error.setText("")
        try:
            action = self._action()
        except ValidationError as exc:
            self.error.setText(str(exc))
            return
        self._task = asyncio.ensure_future(self._run(action))

    def _action(self) -> Callable[[], Awaitable[Any]]:
        raise NotImplementedError

    async def _run(self, action: Callable[[], Awaitable[Any]]) -> None:
        self.save_button.setEnabled(False)
        try:
            saved = await action()
        except ControlroomError as exc:
            self.error.setText(str(exc))
            return
        finally:
            self.save_button.setEnabled(True)
        self.sig_saved.emit(saved)
        self.accept()


def _venue_completer(edit: QLineEdit, venues: Sequence[VenueSnapshot], parent: QWidget) -> None:
    completer = QCompleter(sorted(v.name for v in venues), parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    edit.setCompleter(completer)


def parse_point(text: str) -> tuple[float, float] | None:
    """``"50.9035, -1.4040"`` → (lat, lon); None if the text is not coordinates."""
    match = LAT_LON.match(text)
    return (float(match.group(1)), float(match.group(2))) if match else None


class FlagDialog(_AsyncDialog):
    """Flag a venue or a point where worrying behaviour was seen."""

    def __init__(
        self, commands: Commands, venues: Sequence[VenueSnapshot], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self._venues = {v.name.lower(): v for v in venues}
        self._point: tuple[float, float] | None = None
        self.setWindowTitle("Flag a location")
        self.setMinimumWidth(480)
        self.place = QLineEdit()
        self.place.setPlaceholderText("Venue name, LAT,LON, or a place — then click the map")
        _venue_completer(self.place, venues, self)
        self.point_label = QLabel("")
        self.point_label.setObjectName("formHint")
        self.behaviour = QComboBox()
        for code in Behaviour:
            self.behaviour.addItem(code.label, code.value)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("What was seen, by whom (e.g. CCTV: man following lone woman)")
        self.reason.setMaxLength(1000)
        self.expires = QSpinBox()
        self.expires.setRange(5, 720)
        self.expires.setSingleStep(15)
        self.expires.setValue(120)
        self.expires.setSuffix(" min")
        form = QFormLayout()
        form.addRow("&Where", self.place)
        form.addRow("", self.point_label)
        form.addRow("&Behaviour", self.behaviour)
        form.addRow("&Reason", self.reason)
        form.addRow("&Expires in", self.expires)
        self._setup(form, "&Flag")

    def set_point(self, lat: float, lon: float) -> None:
        """A point clicked on the map."""
        self._point = (lat, lon)
        self.point_label.setText(f"Point set on the map: {lat:.5f}, {lon:.5f}")

    def _action(self) -> Callable[[], Awaitable[Any]]:
        text = self.place.text().strip()
        venue = self._venues.get(text.lower())
        typed = parse_point(text)
        common: dict[str, Any] = {
            "behaviour": self.behaviour.currentData(),
            "reason": self.reason.text(),
            "expires_in_minutes": self.expires.value(),
        }
        if venue is not None and self._point is None:
            return lambda: self.commands.flag_location(venue=venue.name, **common)
        point = self._point or typed
        if point is None:
            raise ValidationError(
                "say where: choose a venue from the list, type LAT,LON, or click the map to set the point"
            )
        place = None if typed is not None and self._point is None else (text or None)
        return lambda: self.commands.flag_location(at=point, place=place, **common)


class ConvertFlagDialog(_AsyncDialog):
    """Turn a flag into an incident (its units move to the incident)."""

    def __init__(self, commands: Commands, flag: FlagSnapshot, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.commands = commands
        self.flag = flag
        behaviour = Behaviour.of(flag.behaviour)
        self.setWindowTitle(f"Flag {flag.id} → incident")
        self.setMinimumWidth(480)
        heading = QLabel(f"⚑ {behaviour.label} · {flag.place}")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.category = QComboBox()
        for category in Category:
            self.category.addItem(category.label, category.value)
        self.category.setCurrentIndex(
            self.category.findData(CATEGORY_FOR.get(flag.behaviour, Category.PREDATORY_BEHAVIOUR.value))
        )
        self.source = QComboBox()
        for source in Source:
            self.source.addItem(source.label, source.value)
        self.source.setCurrentIndex(self.source.findData(Source.CCTV.value))
        self.grade = QComboBox()
        for grade in (2, 1, 3, 4):
            self.grade.addItem(grade_label(grade), grade)
        self.summary = QLineEdit(f"Flagged: {behaviour.label} — {flag.reason}"[:2000])
        self.summary.setMaxLength(2000)
        form = QFormLayout()
        form.addRow(heading)
        form.addRow("&Category", self.category)
        form.addRow("S&ource", self.source)
        form.addRow("&Grade", self.grade)
        form.addRow("&Summary", self.summary)
        self._setup(form, "&Make incident")

    def _action(self) -> Callable[[], Awaitable[Any]]:
        values = {
            "category": self.category.currentData(),
            "source": self.source.currentData(),
            "grade": self.grade.currentData(),
            "summary": self.summary.text(),
        }
        return lambda: self.commands.convert_flag(self.flag.id, **values)


class LocateUnitDialog(_AsyncDialog):
    """Place a unit at a venue or typed coordinates (its radioed position)."""

    def __init__(
        self,
        commands: Commands,
        unit: UnitSnapshot,
        venues: Sequence[VenueSnapshot],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.unit = unit
        self._venues = {v.name.lower(): v for v in venues}
        self.setWindowTitle(f"Where is {unit.callsign}?")
        self.setMinimumWidth(420)
        self.where = QLineEdit()
        self.where.setPlaceholderText("Venue name, or LAT,LON e.g. 50.9035,-1.4040")
        _venue_completer(self.where, venues, self)
        form = QFormLayout()
        form.addRow("&Location", self.where)
        self._setup(form, "&Move")

    def _action(self) -> Callable[[], Awaitable[Any]]:
        text = self.where.text().strip()
        venue = self._venues.get(text.lower())
        point = (venue.lat, venue.lon) if venue is not None else parse_point(text)
        if point is None:
            raise ValidationError(
                f"{text!r} is neither a venue nor LAT,LON; e.g. Bedford Place or 50.9035,-1.4040"
            )
        return lambda: self.commands.update_unit(self.unit.callsign, at=point)
