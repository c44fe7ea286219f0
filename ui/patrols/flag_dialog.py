"""Dialogs for flagged locations and unit positions, keyboard first.

``FlagDialog`` flags a venue, a street or a point (typed, or clicked on the map)
with a behaviour code, a reason and an expiry. ``ConvertFlagDialog`` turns a flag
into an incident. ``LocateUnitDialog`` places a unit at a venue, a street or typed
coordinates (for a unit that radios its position in). Each saves through
``Commands`` and shows a refusal inside the dialog, in the dialog's own words,
with nothing typed lost; Escape on a changed dialog asks before discarding it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
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
from controlroom.venues.places import (
    OUTSIDE_CLICK,
    PlaceFinder,
    PlaceKind,
    load_streets,
    parse_point,
)
from ui.common.dialog_parts import (
    DiscardGuard,
    MapClickAnswer,
    MapPointPicker,
    PinBoard,
    error_label,
    in_window_words,
    place_completer,
    place_from_click,
)
from ui.map.bridge import MapBridge

__all__ = ["ConvertFlagDialog", "FlagDialog", "LocateUnitDialog", "parse_point"]
# The incident category each behaviour code is recorded as; a code missing here
# (a new one) leaves the category for the operator to choose.
CATEGORY_FOR = {
    Behaviour.HARASSMENT.value: Category.HARASSMENT.value,
    Behaviour.UNWANTED_TOUCHING.value: Category.UNWANTED_SEXUAL_BEHAVIOUR.value,
    **{
        b.value: Category.PREDATORY_BEHAVIOUR.value
        for b in (
            Behaviour.LOITERING,
            Behaviour.FOLLOWING,
            Behaviour.LEERING,
            Behaviour.ISOLATING,
            Behaviour.PLYING_WITH_DRINK,
        )
    },
}


class _AsyncDialog(QDialog):
    """A dialog whose save runs a coroutine; it closes only when the save succeeds.

    ``FIELD_WORDS`` names the dialog's field for each command-line flag a core
    refusal may mention (``in_window_words``). ``WHAT`` is what Escape offers to
    discard once something has been typed.
    """

    sig_saved = Signal(object)
    FIELD_WORDS: ClassVar[Mapping[str, str]] = {}
    WHAT: ClassVar[str] = "form"

    def _setup(self, form: QFormLayout, save_text: str) -> None:
        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        # Qt's "&Cancel" would take an Alt+C a field may need; Escape cancels anyway.
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancel")
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
        self.guard = DiscardGuard(self, self.WHAT, self._extra_state)

    def _extra_state(self) -> object:
        """What the person chose outside the dialog's fields (a point or corners on the map)."""
        return None

    def reject(self) -> None:
        """Escape, Cancel or closing: a changed dialog asks first (``DiscardGuard``)."""
        if self.guard.may_close():
            super().reject()

    def show_error(self, message: str) -> None:
        self.error.setText(in_window_words(message, self.FIELD_WORDS))

    def save(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self.error.setText("")
        try:
            action = self._action()
        except ValidationError as exc:
            self.show_error(str(exc))
            return
        self._task = asyncio.ensure_future(self._run(action))

    def _action(self) -> Callable[[], Awaitable[Any]]:
        raise NotImplementedError

    async def _run(self, action: Callable[[], Awaitable[Any]]) -> None:
        self.save_button.setEnabled(False)
        try:
            saved = await action()
        except ControlroomError as exc:
            self.show_error(str(exc))
            return
        finally:
            self.save_button.setEnabled(True)
        self.sig_saved.emit(saved)
        self.accept()


def place_finder(commands: Commands, venues: Sequence[VenueSnapshot]) -> PlaceFinder:
    """Venues and the shipped streets, inside the operating area the commands check."""
    return PlaceFinder(venues, load_streets(), commands.context.area)


class FlagDialog(_AsyncDialog):
    """Flag a venue, a street or a point where worrying behaviour was seen."""

    FIELD_WORDS: ClassVar[Mapping[str, str]] = {"venue": "Where", "at": "Where", "expires-in": "Expires in"}
    WHAT = "flag"

    def __init__(
        self,
        commands: Commands,
        venues: Sequence[VenueSnapshot],
        parent: QWidget | None = None,
        *,
        bridge: MapBridge | None = None,
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.places = place_finder(commands, venues)
        self._point: tuple[float, float] | None = None
        self.setWindowTitle("Flag a location")
        self.setMinimumWidth(480)
        self.place = QLineEdit()
        self.place.setPlaceholderText("Venue, street, or LAT,LON — or describe it and click the map")
        place_completer(self.place, self.places.names(), self)
        self.point_label = QLabel("")
        self.point_label.setObjectName("formHint")
        self.behaviour = QComboBox()
        # Nothing pre-chosen: a flag's behaviour code is what patrols are told to look for.
        self.behaviour.addItem("Choose a behaviour…", None)
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
        if bridge is not None:
            pins: PinBoard = bridge
            self.picker = MapPointPicker(self, bridge.sig_map_clicked, pins, self.set_point)

    def _extra_state(self) -> object:
        return self._point

    def set_point(self, lat: float, lon: float) -> MapClickAnswer:
        """A point clicked on the map: the field to type in next, and whether the point was taken.

        Where then names the venue clicked on, or the point as LAT,LON; a description
        typed before the click is kept as the place, at the point clicked. A point
        outside the operating area is refused with a message and changes nothing else.
        """
        clicked = place_from_click(self.places, self.place, self.point_label, lat, lon)
        if clicked is None:
            return self._refuse_point()
        self._point = clicked.point
        self.error.setText("")
        return MapClickAnswer(self.behaviour if self.behaviour.currentData() is None else self.reason, True)

    def _refuse_point(self) -> MapClickAnswer:
        self.show_error(OUTSIDE_CLICK)
        return MapClickAnswer(self.place, taken=False)

    def _action(self) -> Callable[[], Awaitable[Any]]:
        text = self.place.text().strip()
        described = self._point is not None and bool(text) and not self.places.recognises(text)
        where = None if described else self.places.resolve(text)
        if self.behaviour.currentData() is None:
            self.behaviour.setFocus()
            raise ValidationError("Behaviour: choose what was seen (type its first letters)")
        common: dict[str, Any] = {
            "behaviour": self.behaviour.currentData(),
            "reason": self.reason.text(),
            "expires_in_minutes": self.expires.value(),
        }
        if where is None and self._point is not None:
            point = self._point
            return lambda: self.commands.flag_location(at=point, place=text, **common)
        assert where is not None  # noqa: S101 - resolved above unless described
        if where.is_venue:
            return lambda: self.commands.flag_location(venue=where.label, **common)
        place = where.label if where.kind is not PlaceKind.POINT else None
        return lambda: self.commands.flag_location(at=(where.lat, where.lon), place=place, **common)


class ConvertFlagDialog(_AsyncDialog):
    """Turn a flag into an incident (its units move to the incident)."""

    WHAT = "incident"

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
        # Pre-chosen only where the behaviour says what it is; otherwise the operator chooses.
        self.category.addItem("Choose a category…", None)
        for category in Category:
            self.category.addItem(category.label, category.value)
        self.category.setCurrentIndex(max(0, self.category.findData(CATEGORY_FOR.get(flag.behaviour))))
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
        if self.category.currentData() is None:
            self.category.setFocus()
            raise ValidationError("Category: choose what happened (type its first letters)")
        values = {
            "category": self.category.currentData(),
            "source": self.source.currentData(),
            "grade": self.grade.currentData(),
            "summary": self.summary.text(),
        }
        return lambda: self.commands.convert_flag(self.flag.id, **values)


class LocateUnitDialog(_AsyncDialog):
    """Place a unit at a venue, a street or typed coordinates (its radioed position)."""

    FIELD_WORDS: ClassVar[Mapping[str, str]] = {"at": "Location"}
    WHAT = "unit position"

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
        self.places = place_finder(commands, venues)
        self.setWindowTitle(f"Where is {unit.callsign}?")
        self.setMinimumWidth(420)
        self.where = QLineEdit()
        self.where.setPlaceholderText("Venue, street, or LAT,LON e.g. 50.9035,-1.4040")
        place_completer(self.where, self.places.names(), self)
        form = QFormLayout()
        form.addRow("&Location", self.where)
        self._setup(form, "&Move")

    def _action(self) -> Callable[[], Awaitable[Any]]:
        where = self.places.resolve(self.where.text())
        return lambda: self.commands.update_unit(self.unit.callsign, at=(where.lat, where.lon))
