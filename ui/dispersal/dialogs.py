"""Forms for s.34 authorisations and s.35 directions.

``ZoneDialog`` records an inspector's authorisation: the locality is drawn on the
map (each click a corner, corners drag to edit, Backspace undoes the last) or
taken from a saved zone. ``DirectionDialog`` records a direction given in a zone
in force, where it was given typed (a venue, a street or LAT,LON) or clicked on
the map. The rules (48 hours, inspector rank, inside the locality, age) live in
the core; a refusal is shown in the form with its section, naming the form's
fields rather than command-line flags, and nothing typed is lost. Nothing risky
is pre-filled: the apparent age (it decides s.35(7)) and, with several zones in
force, the zone must be given. Both forms are laid out in two columns so they fit
a 768-pixel-high screen.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from PySide6.QtCore import QDateTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from controlroom.commands import Commands
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import VenueSnapshot, ZoneSnapshot
from controlroom.dispersal.directions import DirectionSpec
from controlroom.dispersal.zones import ZoneSpec
from ui.common.dialog_parts import MapClickAnswer, MapPointPicker, PinBoard, place_completer
from ui.map.bridge import MapBridge
from ui.patrols.flag_dialog import _AsyncDialog, place_finder


def _when(edit: QDateTimeEdit) -> datetime:
    moment = edit.dateTime().toPython()
    assert isinstance(moment, datetime)  # noqa: S101 - QDateTime.toPython gives a datetime
    return moment.astimezone(UTC)


def _two_columns(
    rows: Sequence[tuple[str, QWidget]], split: int, below: Sequence[QWidget] = ()
) -> QFormLayout:
    """Rows ``[:split]`` on the left, the rest on the right, then ``below`` across both:
    a long form that fits a 768-pixel-high screen."""
    outer = QFormLayout()
    columns = QHBoxLayout()
    for part in (rows[:split], rows[split:]):
        column = QFormLayout()
        for label, widget in part:
            column.addRow(label, widget)
        columns.addLayout(column, 1)
    outer.addRow(columns)
    for widget in below:
        outer.addRow(widget)
    return outer


def parse_person_number(text: str) -> int | None:
    """``""`` → None (a new person); ``"12"`` or ``"#12"`` → 12; anything else is refused."""
    digits = text.strip().removeprefix("#").strip()
    if not digits:
        return None
    if not digits.isdigit() or int(digits) == 0:
        raise ValidationError(
            f"Known person no.: {text.strip()!r} is not a person's number; type digits only "
            "(e.g. 12), or leave it empty for a new person described under Person"
        )
    return int(digits)


def _date_time_edit(moment: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime(moment.astimezone()))
    edit.setDisplayFormat("ddd dd MMM yyyy HH:mm")
    edit.setCalendarPopup(True)
    return edit


class ZoneDialog(_AsyncDialog):
    """Authorise a dispersal zone (s.34) with its locality drawn on the map."""

    FIELD_WORDS: ClassVar[Mapping[str, str]] = {
        "log": "Log number",
        "grounds": "Grounds",
        "rights": "Art. 10/11 consideration",
        "officer": "Authorising officer",
        "hours": "For",
        "name": "Name",
    }
    WHAT = "authorisation"

    def __init__(
        self,
        commands: Commands,
        bridge: MapBridge,
        saved: Sequence[ZoneSnapshot],
        parent: QWidget | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.bridge = bridge
        self.polygon: list[tuple[float, float]] = []
        self.setWindowTitle("Authorise a dispersal zone (s.34)")
        self.setMinimumWidth(560)
        start = now or datetime.now(UTC)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Bedford Place and London Road")
        self.officer = QLineEdit()
        self.officer.setPlaceholderText("Rank, number, name — inspector or above, e.g. Insp 1234 Jane Smith")
        self.reuse = QComboBox()
        # Polygons stay on the Python side: the combo only holds the labels.
        self._saved_polygons: list[tuple[tuple[float, float], ...]] = [()]
        self.reuse.addItem("Draw a new locality on the map")
        for zone in saved:
            self.reuse.addItem(f"Same locality as: {zone.name}")
            self._saved_polygons.append(zone.polygon)
        self.corners = QLabel("")
        self.corners.setObjectName("formHint")
        self.starts = _date_time_edit(start)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0.5, 72)  # the core refuses more than 48 h with the section
        self.hours.setDecimals(1)
        self.hours.setValue(12)
        self.hours.setSuffix(" h")
        self.grounds = QLineEdit()
        self.grounds.setPlaceholderText(
            "Why the powers may be necessary (harassment, alarm, distress; crime, disorder)"
        )
        self.rights = QLineEdit()
        self.rights.setPlaceholderText("Regard to Articles 10 and 11 (expression, assembly)")
        self.log_number = QLineEdit()
        self.area = QLineEdit()
        self.area.setPlaceholderText("The locality in words, e.g. bounded by ...")
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("Authorising &officer", self.officer)
        form.addRow("&Locality", self.reuse)
        form.addRow("", self.corners)
        form.addRow("&Starts", self.starts)
        form.addRow("&For", self.hours)
        form.addRow("&Grounds", self.grounds)
        form.addRow("Art. 10/11 &consideration", self.rights)
        form.addRow("Log n&umber", self.log_number)
        form.addRow("Area in &words", self.area)
        self._setup(form, "&Authorise")
        self.reuse.currentIndexChanged.connect(self._on_reuse_changed)
        bridge.sig_zone_drawn.connect(self._on_zone_drawn)
        undo = QShortcut(QKeySequence("Ctrl+Z"), self)
        # A lambda, not the bound method: connecting a shortcut straight to a method of
        # the object shared over QWebChannel stopped messages reaching the page.
        undo.activated.connect(lambda: self.bridge.undo_corner())
        self.finished.connect(lambda _r: self._stop())
        bridge.start_drawing()
        self._show_corners()

    def _extra_state(self) -> object:
        return tuple(self.polygon)

    def _stop(self) -> None:
        self.bridge.stop_drawing()
        self.bridge.sig_zone_drawn.disconnect(self._on_zone_drawn)

    def _on_reuse_changed(self) -> None:
        self.bridge.start_drawing(list(self._saved_polygons[max(0, self.reuse.currentIndex())]))

    def _on_zone_drawn(self, points_json: str) -> None:
        self.polygon = [(float(a), float(b)) for a, b in json.loads(points_json)]
        self._show_corners()

    def _show_corners(self) -> None:
        count = len(self.polygon)
        self.corners.setText(
            f"{count} corner{'s' * (count != 1)} — click the map to add, drag to move, Ctrl+Z undoes the last"
        )

    def _action(self) -> Callable[[], Awaitable[Any]]:
        if len(self.polygon) < 3:
            raise ValidationError("draw the locality: click at least three corners on the map (s.34(1))")
        starts = _when(self.starts)
        spec = ZoneSpec(
            name=self.name.text(),
            polygon=list(self.polygon),
            starts_at=starts,
            ends_at=starts + timedelta(hours=self.hours.value()),
            officer=self.officer.text(),
            grounds=self.grounds.text(),
            rights_consideration=self.rights.text(),
            log_number=self.log_number.text(),
            area_in_words=self.area.text(),
        )
        return lambda: self.commands.authorise_zone(spec)


class DirectionDialog(_AsyncDialog):
    """Record an s.35 direction given in a zone in force; the paperwork prints after."""

    FIELD_WORDS: ClassVar[Mapping[str, str]] = {
        "hours": "Excluded for",
        "description": "Person",
        "subject": "Known person no.",
        "officer": "Officer",
        "grounds": "Grounds",
        "at": "Given at",
        "zone": "Zone in force",
    }
    WHAT = "direction"

    def __init__(
        self,
        commands: Commands,
        zones: Sequence[ZoneSnapshot],
        parent: QWidget | None = None,
        *,
        bridge: MapBridge | None = None,
        venues: Sequence[VenueSnapshot] = (),
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.bridge = bridge
        self.places = place_finder(commands, venues)
        self.part: list[tuple[float, float]] = []
        self._drawing = False
        self._point: tuple[float, float] | None = None
        self.setWindowTitle("Direction to leave an area (s.35)")
        self.setMinimumWidth(960)
        self.zone = QComboBox()
        if len(zones) > 1:  # with one zone in force there is nothing to choose wrongly
            self.zone.addItem("Choose the zone…", None)
        for zone in zones:
            self.zone.addItem(zone.name, zone.id)
        self.where = QLineEdit()
        self.where.setPlaceholderText("Venue, street, or LAT,LON — or click the map")
        place_completer(self.where, self.places.names(), self)
        self.where_label = QLabel("")
        self.where_label.setObjectName("formHint")
        self.description = QLineEdit()
        self.description.setPlaceholderText("The person: clothing, build, distinguishing features")
        # A line, not a spin box: a spin box kept the digits of whatever was typed
        # ("PC 1" became person #1); a wrong number is refused with a message instead.
        self.subject = QLineEdit()
        self.subject.setPlaceholderText("empty: a new person, from the description")
        self.subject.setMaxLength(12)
        self.age = QSpinBox()
        self.age.setRange(0, 120)
        self.age.setSpecialValueText("not given")  # 0: must be typed (under 16 → s.35(7))
        self.age.setValue(0)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0.5, 72)  # the core refuses more than 48 h with the section
        self.hours.setDecimals(1)
        self.hours.setValue(24)
        self.hours.setSuffix(" h")
        self.officer = QLineEdit()
        self.officer.setPlaceholderText("Constable in uniform: rank, number, name, e.g. PC 4521 Sam Patel")
        self.behaviour = QLineEdit()
        self.behaviour.setPlaceholderText("What he did (e.g. following lone women, touching)")
        self.grounds = QLineEdit()
        self.grounds.setPlaceholderText("Why the direction is necessary")
        self.leave_minutes = QSpinBox()
        self.leave_minutes.setRange(0, 120)
        self.leave_minutes.setValue(10)
        self.leave_minutes.setSuffix(" min")
        self.leave_minutes.setSpecialValueText("no time set")
        self.route = QLineEdit()
        self.route.setPlaceholderText("Route to leave by (optional)")
        self.items = QLineEdit()
        self.items.setPlaceholderText("Items surrendered (s.37), separated by ;")
        self.warning_given = QCheckBox("&Told that failing to comply is an offence (s.35(6))")
        self.warning_given.setChecked(True)
        self.written = QCheckBox("&Written notice given (s.35(4))")
        self.written.setChecked(True)
        self.no_written_reason = QLineEdit()
        self.no_written_reason.setPlaceholderText("Why written notice was not practicable")
        self.part_only = QCheckBox("Exclude from part of the zone o&nly: draw it on the map (s.35(1))")
        self.part_only.setEnabled(bridge is not None)
        self.part_label = QLabel("")
        self.part_label.setObjectName("formHint")
        self.part_words = QLineEdit()
        self.part_words.setPlaceholderText("The part in words (for the notice)")
        self.part_words.setEnabled(False)
        # Each Alt letter once: "&Officer" alone has O ("Known person no." once shared it,
        # and typing an officer's name there linked the direction to a stranger).
        rows = [
            ("&Zone in force", self.zone),
            ("&Given at", self.where),
            ("", self.where_label),
            ("&Person", self.description),
            ("&Known person no.", self.subject),
            ("Apparent &age", self.age),
            ("&Excluded for", self.hours),
            ("&Officer", self.officer),
            ("&Behaviour", self.behaviour),
            ("G&rounds", self.grounds),
            ("&Leave within", self.leave_minutes),
            ("Ro&ute", self.route),
            ("&Items", self.items),
            ("No notice be&cause", self.no_written_reason),
            ("Part in wor&ds", self.part_words),
            ("", self.part_label),
        ]
        ticks = (self.warning_given, self.written, self.part_only)
        self._setup(_two_columns(rows, 10, ticks), "&Save direction")
        self.part_only.toggled.connect(self._on_part_toggled)
        self.finished.connect(lambda _r: self._on_part_toggled(False))
        if bridge is not None:
            pins: PinBoard = bridge
            self.picker = MapPointPicker(self, bridge.sig_map_clicked, pins, self.set_point)

    def _extra_state(self) -> object:
        return (self._point, tuple(self.part))

    def _on_part_toggled(self, drawing: bool) -> None:
        if self.bridge is None:
            return
        self.part_words.setEnabled(drawing)
        if drawing and not self._drawing:
            self._drawing = True
            self.bridge.sig_zone_drawn.connect(self._on_part_drawn)
            self.bridge.start_drawing(self.part)
            self.part_label.setText("Click the map at each corner")
        elif not drawing and self._drawing:
            self._drawing = False
            self.bridge.stop_drawing()
            self.bridge.sig_zone_drawn.disconnect(self._on_part_drawn)
            self.part_label.setText("")
            self.part = []

    def _on_part_drawn(self, points_json: str) -> None:
        self.part = [(float(a), float(b)) for a, b in json.loads(points_json)]
        count = len(self.part)
        self.part_label.setText(f"{count} corner{'s' * (count != 1)} — click the map for more")

    def set_point(self, lat: float, lon: float) -> MapClickAnswer:
        """A point clicked on the map (not while the excluded part is drawn); the next field.

        A point outside the operating area is refused with a message and changes nothing else.
        """
        if self._drawing:
            return MapClickAnswer(None, taken=False)  # the click is a corner of the part
        try:
            spot = self.places.at_point(lat, lon, within_m=0)  # where it was given, exactly
        except ValidationError as exc:
            self.show_error(str(exc))
            return MapClickAnswer(self.where, taken=False)
        self._point = (spot.lat, spot.lon)
        self.where.setText(spot.label)
        self.where_label.setText(f"Point set on the map: {lat:.5f}, {lon:.5f}")
        self.error.setText("")
        return MapClickAnswer(self.description, taken=True)

    def _where(self) -> tuple[float, float]:
        text = self.where.text().strip()
        if self._point is not None and (not text or not self.places.recognises(text)):
            return self._point
        if not text:
            raise ValidationError(
                "say where the direction was given: a venue, a street, LAT,LON, or click the map (s.35(1))"
            )
        where = self.places.resolve(text)
        return (where.lat, where.lon)

    def _action(self) -> Callable[[], Awaitable[Any]]:
        if self.zone.count() == 0:
            raise ValidationError(
                "no dispersal zone is in force: an inspector must authorise one first (s.34)"
            )
        if self.zone.currentData() is None:
            self.zone.setFocus()
            raise ValidationError("Zone in force: choose the zone the direction was given in")
        point = self._where()
        subject_id = parse_person_number(self.subject.text())
        if self.age.value() == 0:
            self.age.setFocus()
            raise ValidationError("Apparent age: type how old the person looks (under 16: s.35(7) applies)")
        part = self.part if self.part_only.isChecked() else None
        if part is not None and len(part) < 3:
            raise ValidationError("draw the part of the zone: click at least three corners on the map")
        given = datetime.now(UTC)
        minutes = self.leave_minutes.value()
        spec = DirectionSpec(
            zone=int(self.zone.currentData()),
            at=point,
            apparent_age=self.age.value(),
            officer=self.officer.text(),
            grounds=self.grounds.text(),
            exclusion_hours=self.hours.value(),
            behaviour=self.behaviour.text(),
            description=self.description.text() if subject_id is None else None,
            subject_id=subject_id,
            given_at=given,
            leave_by=given + timedelta(minutes=minutes) if minutes else None,
            route=self.route.text().strip() or None,
            offence_warning_given=self.warning_given.isChecked(),
            written_notice_given=self.written.isChecked(),
            no_written_notice_reason=None if self.written.isChecked() else self.no_written_reason.text(),
            surrendered_items=[i.strip() for i in self.items.text().split(";") if i.strip()],
            exclusion_polygon=part,
            exclusion_in_words=(self.part_words.text().strip() or None) if part else None,
        )
        return lambda: self.commands.give_direction(spec)
