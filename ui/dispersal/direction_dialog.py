"""``DirectionDialog``: an s.35 direction as the constable gave it on the street.

The form records what s.38 asks and what makes the direction lawful: the time given
on the street (UK clock, editable; leave-by counts from it, not from when it is typed
in), who gave it and in what capacity (s.35(1): a constable in uniform; s.40: a PCSO
only with the chief officer's designation), the grounds (s.35(2)) apart from why the
direction is necessary (s.35(3)), the s.36 restrictions, the offence warning (s.35(6))
and the written notice (s.35(5)(a)), and any surrender (s.37). Every legal question
starts unanswered: the operator answers each, so nothing is recorded by default. A
person whose direction is still running is flagged: a second direction is a variation
or a breach, not a fresh 48 hours, and needs a supervisor's reason. The rules live in
the core; a refusal is shown in the form, naming its fields, with nothing typed lost.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from controlroom.commands import Commands
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import DirectionSnapshot, VenueSnapshot, ZoneSnapshot
from controlroom.dispersal.directions import DirectionSpec
from ui.common.dialog_parts import MapClickAnswer, MapPointPicker, PinBoard, place_completer
from ui.common.screen_fit import fit_to_screen
from ui.dispersal.direction_checks import (
    CAPACITIES,
    PCSO,
    SPECIAL,
    answered_notice,
    check_capacity,
    check_surrender,
    parse_person_number,
    picket_words,
    plain_clothes_words,
    running_words,
    split_items,
)
from ui.dispersal.form_parts import AnswerBox, UkTimeField, outside_warning, side_by_side, two_columns
from ui.map.bridge import MapBridge
from ui.patrols.flag_dialog import _AsyncDialog, place_finder

__all__ = ["DirectionDialog", "parse_person_number"]


class _Hint(QLabel):
    """A hint line that takes no room while it says nothing (the form must fit 768 px at 1.4x)."""

    def __init__(self) -> None:
        super().__init__("")
        self.setObjectName("formHint")
        self.setTextFormat(Qt.TextFormat.PlainText)  # it may quote what was typed
        self.setWordWrap(True)
        self.setVisible(False)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setVisible(bool(text))


def _hint() -> QLabel:
    return _Hint()


def _line(placeholder: str, limit: int = 1000) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(limit)
    return edit


class DirectionDialog(_AsyncDialog):
    """Record an s.35 direction given in a zone in force; the paperwork prints after."""

    FIELD_WORDS: ClassVar[Mapping[str, str]] = {
        "hours": "Excluded for",
        "description": "Person",
        "subject": "Known person no.",
        "officer": "Officer",
        "grounds": "Grounds",
        "necessity": "Necessity",
        "at": "Place given",
        "given-at": "Time given",
        "zone": "Zone in force",
        "in-uniform": "In uniform",
        "special": "Capacity",
        "pcso-designation": "Designation ref.",
        "access-kept": "Access kept",
        "picket-or-procession": "Picket / procession",
        "belief": "Belief",
        "surrender-in-writing": "Surrender in writing",
        "refused": "Refused",
        "items": "Items",
        "supervisor": "Supervisor",
        "supervisor-reason": "Supervisor's reason",
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
        running: Sequence[DirectionSnapshot] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.bridge = bridge
        self.places = place_finder(commands, venues)
        self.running = tuple(running)
        self._clock = clock
        self.part: list[tuple[float, float]] = []
        self._drawing = False
        self._point: tuple[float, float] | None = None
        self.setWindowTitle("Direction to leave an area (s.35)")
        self.setMinimumWidth(960)
        self._make_where_and_who(zones)
        self._make_officer()
        self._make_answers()
        self._make_surrender()
        self._make_part()
        self._lay_out()
        self.part_only.toggled.connect(self._on_part_toggled)
        self.finished.connect(lambda _r: self._on_part_toggled(False))
        self.subject.textChanged.connect(self._on_subject_changed)
        self.in_uniform.currentIndexChanged.connect(self._on_in_uniform_changed)
        self.picket.currentIndexChanged.connect(self._on_picket_changed)
        self.capacity.currentIndexChanged.connect(self._on_capacity_changed)
        for answer, reason in (
            (self.warning_given, self.no_warning_reason),
            (self.written, self.no_written_reason),
        ):
            answer.currentIndexChanged.connect(
                lambda _i, a=answer, r=reason: r.setEnabled(a.answer() is False)
            )
        self.surrender_in_writing.currentIndexChanged.connect(
            lambda _i: self.no_written_surrender.setEnabled(self.surrender_in_writing.answer() is False)
        )
        self.part_words.textChanged.connect(self._show_area_warning)
        self._on_subject_changed(self.subject.text())
        if bridge is not None:
            pins: PinBoard = bridge
            self.picker = MapPointPicker(self, bridge.sig_map_clicked, pins, self.set_point)

    # -- fields ------------------------------------------------------------------

    def _make_where_and_who(self, zones: Sequence[ZoneSnapshot]) -> None:
        self.zone = QComboBox()
        if len(zones) > 1:  # with one zone in force there is nothing to choose wrongly
            self.zone.addItem("Choose the zone…", None)
        for zone in zones:
            self.zone.addItem(zone.name, zone.id)
        self.given_time = UkTimeField("Time given (on the street)", self._clock(), clock=self._clock)
        self.where = _line("Venue, street, or LAT,LON — or click the map", 300)
        place_completer(self.where, self.places.names(), self)
        self.where_label = _hint()
        self.description = _line("The person: clothing, build, distinguishing features", 2000)
        # A line, not a spin box: a spin box kept the digits of whatever was typed
        # ("PC 1" became person #1); a wrong number is refused with a message instead.
        self.subject = _line("empty: a new person, from the description", 12)
        self.running_flag = QLabel("")
        self.running_flag.setObjectName("formError")
        self.running_flag.setTextFormat(Qt.TextFormat.PlainText)
        self.running_flag.setWordWrap(True)
        self.age = QSpinBox()
        self.age.setRange(0, 120)
        self.age.setSpecialValueText("not given")  # 0: must be typed (under 16 → s.35(7))
        self.age.setValue(0)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0.5, 72)  # the core refuses more than 48 h with the section
        self.hours.setDecimals(1)
        self.hours.setValue(24)
        self.hours.setSuffix(" h")
        self.leave_minutes = QSpinBox()
        self.leave_minutes.setRange(0, 120)
        self.leave_minutes.setValue(10)
        self.leave_minutes.setSuffix(" min after the time given")
        self.leave_minutes.setSpecialValueText("no time set")
        self.route = _line("Route to leave by (optional)")

    def _make_officer(self) -> None:
        self.officer = _line("Rank, number, name, e.g. PC 4521 Sam Patel", 200)
        self.capacity = QComboBox()
        self.capacity.addItem("— choose —", None)
        for value, text in CAPACITIES:
            self.capacity.addItem(text, value)
        self.designation = _line("PCSO: the chief officer's designation ref. (s.40)", 100)
        self.designation.setEnabled(False)
        self.in_uniform = AnswerBox("Yes, in uniform", "No, plain clothes")
        self.uniform_note = _hint()
        self.behaviour = _line("What he did (e.g. following lone women, touching)", 4000)
        self.grounds = _line("Why he is suspected of contributing (s.35(2))", 4000)
        self.necessity = _line("Why the direction is necessary (s.35(3))", 4000)

    def _make_answers(self) -> None:
        self.access_kept = AnswerBox("Yes, access kept", "No, it stops access")
        self.access_kept.setToolTip(
            "s.36(2)-(3): the direction does not stop him reaching where he lives, work or a contract "
            "of services he must attend, a court, tribunal or enactment's requirement, education or "
            "training, or medical treatment, at the time he must be there."
        )
        self.picket = AnswerBox("Yes, picketing or procession", "No, neither")
        self.picket.setToolTip(
            "s.36(4): one of a group peacefully picketing (TULRCA 1992 s.220), or in a public "
            "procession notified under (or exempt from) Public Order Act 1986 s.11."
        )
        self.picket_note = _hint()
        self.warning_given = AnswerBox("Yes, told", "No")
        self.no_warning_reason = _line("Why he was not told (not practicable)")
        self.no_warning_reason.setEnabled(False)
        self.written = AnswerBox("Yes, given", "No")
        self.no_written_reason = _line("Why written notice was not practicable")
        self.no_written_reason.setEnabled(False)
        self.supervisor = _line("Supervisor: rank, number, name", 200)
        self.supervisor_reason = _line("Why a further direction, not a variation (supervisor's reason)")

    def _make_surrender(self) -> None:
        self.items = _line("Items surrendered (s.37), separated by ;")
        self.belief = _line("Belief: used / likely to be used in the behaviour (s.37(1))")
        self.surrender_in_writing = AnswerBox("In writing", "Not in writing")
        self.no_written_surrender = _line("Why not in writing (not practicable)")
        self.no_written_surrender.setEnabled(False)
        self.refused = _line("Items he refused to surrender (s.39(3) offence), separated by ;")

    def _make_part(self) -> None:
        self.part_only = QCheckBox("E&xclude from part of the zone only: draw it on the map (s.35(5)(b))")
        self.part_only.setEnabled(self.bridge is not None)
        self.part_label = _hint()
        self.part_words = _line("The part in words (for the notice)")
        self.part_words.setEnabled(False)
        self.area_warning = _hint()

    def _lay_out(self) -> None:
        # Each Alt letter once: "&Officer" alone has O ("Known person no." once shared it,
        # and typing an officer's name there linked the direction to a stranger).
        rows = [
            ("&Zone in force", self.zone),
            ("&Time given", self.given_time),
            ("Place &given", self.where),
            ("", self.where_label),
            ("&Person", self.description),
            ("&Known person no.", self.subject),
            ("Apparent &age", self.age),
            ("&Excluded for", self.hours),
            ("&Leave within", self.leave_minutes),
            ("Ro&ute", self.route),
            ("&Items", self.items),
            ("Belie&f (s.37)", self.belief),
            (
                "Surrender gi&ven in writing",
                side_by_side(self.surrender_in_writing, self.no_written_surrender),
            ),
            ("Refuse&d", self.refused),
            ("&Officer", self.officer),
            ("&Capacity", side_by_side(self.capacity, self.designation)),
            ("In uniform (s.35(&1))", self.in_uniform),
            ("", self.uniform_note),
            ("&Behaviour", self.behaviour),
            ("G&rounds (s.35(2))", self.grounds),
            ("&Necessity (s.35(3))", self.necessity),
            ("Access kept (s.36(&2)-(3))", self.access_kept),
            ("Picket / procession (s.36(&4))", self.picket),
            ("", self.picket_note),
            ("Offence &warning told (s.35(6))", side_by_side(self.warning_given, self.no_warning_reason)),
            ("Written notice (s.35(&5)(a))", side_by_side(self.written, self.no_written_reason)),
        ]
        self.supervisor_row = side_by_side(self.supervisor, self.supervisor_reason)
        self.supervisor_row.setVisible(False)
        part_row = side_by_side(self.part_only, self.part_words)
        below = (self.running_flag, self.supervisor_row, part_row, self.part_label, self.area_warning)
        form = two_columns(rows, 14, below)
        self._setup(form, "&Save direction")
        # An empty hint row would still take the form's row spacing: hide the row itself.
        for hint in self.findChildren(_Hint):
            hint.setVisible(False)
        # As wide as the form asks at this text size, never wider than the screen.
        hint_size = self.sizeHint()
        fit_to_screen(self, max(hint_size.width(), 1100), hint_size.height())

    # -- what the form shows as it is filled in ---------------------------------------

    def running_for(self, subject_id: int | None) -> list[DirectionSnapshot]:
        """Directions still running for the person chosen (a new person has none)."""
        if subject_id is None:
            return []
        now = self._clock()
        return [d for d in self.running if d.subject_id == subject_id and d.active(now)]

    def _on_subject_changed(self, text: str) -> None:
        try:
            subject_id = parse_person_number(text)
        except ValidationError:
            subject_id = None
        running = self.running_for(subject_id)
        self.running_flag.setText(running_words(running))
        self.running_flag.setVisible(bool(running))
        self.supervisor_row.setVisible(bool(running))

    def _on_in_uniform_changed(self) -> None:
        self.uniform_note.setText(plain_clothes_words() if self.in_uniform.answer() is False else "")

    def _on_picket_changed(self) -> None:
        self.picket_note.setText(picket_words() if self.picket.answer() is True else "")

    def _on_capacity_changed(self) -> None:
        self.designation.setEnabled(self.capacity.currentData() == PCSO)

    def _show_area_warning(self) -> None:
        words = self.part_words.text() if self.part_only.isChecked() else ""
        self.area_warning.setText(outside_warning(words, self.part))

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
        self._show_area_warning()

    def _on_part_drawn(self, points_json: str) -> None:
        self.part = [(float(a), float(b)) for a, b in json.loads(points_json)]
        count = len(self.part)
        self.part_label.setText(f"{count} corner{'s' * (count != 1)} — click the map for more")
        self._show_area_warning()

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

    # -- saving ----------------------------------------------------------------------

    def _where(self) -> tuple[float, float]:
        text = self.where.text().strip()
        if self._point is not None and (not text or not self.places.recognises(text)):
            return self._point
        if not text:
            self.where.setFocus()
            raise ValidationError(
                "Place given: say where the direction was given: a venue, a street, LAT,LON, "
                "or click the map (s.35(1))"
            )
        where = self.places.resolve(text)
        return (where.lat, where.lon)

    def _zone_id(self) -> int:
        if self.zone.count() == 0:
            raise ValidationError(
                "no dispersal zone is in force: an inspector must authorise one first (s.34)"
            )
        if self.zone.currentData() is None:
            self.zone.setFocus()
            raise ValidationError("Zone in force: choose the zone the direction was given in")
        return int(self.zone.currentData())

    def _supervisor(self, subject_id: int | None) -> tuple[str | None, str | None]:
        running = self.running_for(subject_id)
        if not running:
            return None, None
        who, why = self.supervisor.text().strip(), self.supervisor_reason.text().strip()
        if not who or not why:
            (self.supervisor if not who else self.supervisor_reason).setFocus()
            raise ValidationError(
                f"{running[0].reference} is still running: a further direction needs the supervisor "
                "who agreed it and their reason (fill in Supervisor and the reason beside it)"
            )
        return who, why

    def _action(self) -> Callable[[], Awaitable[Any]]:
        zone = self._zone_id()
        given = self.given_time.moment()
        point = self._where()
        subject_id = parse_person_number(self.subject.text())
        if self.age.value() == 0:
            self.age.setFocus()
            raise ValidationError("Apparent age: type how old the person looks (under 16: s.35(7) applies)")
        capacity, designation = check_capacity(
            self.officer.text(),
            self.capacity.currentData(),
            self.designation.text(),
            self.in_uniform.answer(),
        )
        # s.36(2)-(4), uniform, designation and s.37 are refused by the core, in the CLI's words.
        warned, no_warning = answered_notice(
            self.warning_given.answer(), self.no_warning_reason.text(), "Offence warning told", "s.35(6)"
        )
        written, no_written = answered_notice(
            self.written.answer(), self.no_written_reason.text(), "Written notice", "s.35(5)(a)"
        )
        items, refused = split_items(self.items.text()), split_items(self.refused.text())
        in_writing, no_writing = check_surrender(
            items,
            refused,
            self.belief.text(),
            self.surrender_in_writing.answer(),
            self.no_written_surrender.text(),
        )
        supervisor, supervisor_reason = self._supervisor(subject_id)
        part = self.part if self.part_only.isChecked() else None
        if part is not None and len(part) < 3:
            raise ValidationError("draw the part of the zone: click at least three corners on the map")
        minutes = self.leave_minutes.value()
        spec = DirectionSpec(
            zone=zone,
            at=point,
            apparent_age=self.age.value(),
            officer=self.officer.text(),
            grounds=self.grounds.text(),
            necessity=self.necessity.text(),
            exclusion_hours=self.hours.value(),
            behaviour=self.behaviour.text(),
            description=self.description.text() if subject_id is None else None,
            subject_id=subject_id,
            given_at=given,
            # From the time given on the street, not from when it is typed in here.
            leave_by=given + timedelta(minutes=minutes) if minutes else None,
            route=self.route.text().strip() or None,
            in_uniform=self.in_uniform.answer(),
            special_constable=capacity == SPECIAL,
            pcso_designation=designation,
            access_kept=self.access_kept.answer(),
            picket_or_procession=self.picket.answer(),
            offence_warning_given=warned,
            no_offence_warning_reason=no_warning,
            written_notice_given=written,
            no_written_notice_reason=no_written,
            surrendered_items=items,
            refused_items=refused,
            surrender_belief=(self.belief.text().strip() or None) if items or refused else None,
            surrender_in_writing=in_writing,
            no_written_surrender_reason=no_writing,
            supervisor=supervisor,
            supervisor_reason=supervisor_reason,
            exclusion_polygon=part,
            exclusion_in_words=(self.part_words.text().strip() or None) if part else None,
        )
        return lambda: self.commands.give_direction(spec)
