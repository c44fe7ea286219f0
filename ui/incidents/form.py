"""``IncidentForm``: record a new incident or edit one, at typing speed.

Tab order follows what an operator hears on the radio: where, what, who
reported it, how urgent, what happened; Enter saves from any one-line field.
Where takes a venue, a street of the street layer or a point typed as LAT,LON
(completed as typed), or a description with the point clicked on the map; a
click pins the point and hands the keyboard back to the form. An incident at a
venue says how it relates to it (Link to venue, below Where: "at venue" until
said; Alt+L, or Tab after the summary); without a venue the link is greyed out. Nothing risky is
pre-chosen: the category starts empty and must be chosen. A bad value is
explained inside the form and nothing typed is lost; Escape on a changed form
asks before throwing it away. An edit based on a version another console has
since changed is never applied over it: the form shows their change and lets
the operator choose.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.domain import Category, Source, VenueLink, grade_label
from controlroom.core.errors import ControlroomError, StaleVersionError, ValidationError
from controlroom.core.snapshots import IncidentSnapshot, VenueSnapshot
from controlroom.incidents.editing import ANGELA_OUTCOMES, THRIVE_KEYS, IncidentEdit
from controlroom.incidents.reporting import NewIncident
from controlroom.venues.places import OUTSIDE_CLICK, PlaceFinder, load_streets
from ui.common.dialog_parts import (
    DiscardGuard,
    MapClickAnswer,
    MapPointPicker,
    PinBoard,
    error_label,
    place_completer,
    place_from_click,
)
from ui.common.failures import failure_text
from ui.common.typed_text import shown_line
from ui.map.bridge import MapBridge
from ui.offline.gateway import OfflineGateway

_GRADES: list[int | None] = [None, 1, 2, 3, 4]
CHOOSE_CATEGORY = "Choose a category…"
NO_CATEGORY = "Choose a category (type its first letters)"
# Alt letters the fields above and the conflict panel (Keep &theirs, Save &mine) leave free.
_THRIVE_LABELS = {
    "threat": "Thr&eat",
    "harm": "&Harm",
    "risk": "Ris&k",
    "investigation": "&Investigation",
    "vulnerability": "V&ulnerability",
    "engagement": "E&ngagement",
}


class IncidentForm(QDialog):
    """New incident (``incident`` is None) or edit of ``incident``."""

    sig_saved = Signal(object)  # IncidentSnapshot

    def __init__(
        self,
        writes: OfflineGateway,
        venues: Sequence[VenueSnapshot],
        incident: IncidentSnapshot | None = None,
        parent: QWidget | None = None,
        *,
        bridge: MapBridge | None = None,
        places: PlaceFinder | None = None,
    ) -> None:
        super().__init__(parent)
        self.writes = writes
        self.incident = incident
        self.places = places or PlaceFinder(venues, load_streets(), writes.commands.context.area)
        self._point: tuple[float, float] | None = None
        self._task: asyncio.Future[Any] | None = None
        self.setWindowTitle(f"Edit {incident.reference}" if incident else "New incident")
        self.setMinimumWidth(620)
        self._build()
        if incident is not None:
            self._fill(incident)
        self.guard = DiscardGuard(self, "edit" if incident else "report", lambda: self._point)
        if bridge is not None and incident is None:
            pins: PinBoard = bridge
            self.picker = MapPointPicker(self, bridge.sig_map_clicked, pins, self.set_point)

    # -- layout --------------------------------------------------------------

    def _build(self) -> None:
        self.place = QLineEdit()
        self.place.setPlaceholderText("Venue, street or LAT,LON — or click the map")
        place_completer(self.place, self.places.names(), self)
        self.point_label = QLabel("")
        self.point_label.setObjectName("formHint")
        self.point_label.setTextFormat(Qt.TextFormat.PlainText)
        self.category = _combo([(CHOOSE_CATEGORY, None)] + [(c.label, c.value) for c in Category])
        self.category_error = error_label()
        self.category_error.setWordWrap(False)  # one line: a wrapped label in a form row is cut
        self.source = _combo([(s.label, s.value) for s in Source])
        self.grade = _combo([(grade_label(g), g) for g in _GRADES])
        self.summary = QLineEdit()
        self.summary.setPlaceholderText("What happened, in a line")
        self.summary.setMaxLength(2000)
        self.venue_link = _combo([(link.label, link.value) for link in VenueLink])
        self.venue_link.setEnabled(False)
        self.vulnerable = QLineEdit()
        self.vulnerable.setPlaceholderText("Vulnerable person: description, condition")
        self.concern = QLineEdit()
        self.concern.setPlaceholderText("Person of concern: clothing, build, features")
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("Reporter: name / role / callback")
        self.angela = _combo([("—", "")] + [(o.replace("_", " ").capitalize(), o) for o in ANGELA_OUTCOMES])
        self.thrive = {key: QLineEdit() for key in THRIVE_KEYS}
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note for the timeline (optional)")
        self.error = error_label()

        form = QFormLayout()
        form.addRow("&Where", self.place)
        form.addRow("", self.point_label)
        form.addRow("&Link to venue", self.venue_link)
        form.addRow("&Category", self.category)
        form.addRow("", self.category_error)
        form.addRow("S&ource", self.source)
        form.addRow("&Grade", self.grade)
        form.addRow("&Summary", self.summary)
        form.addRow("&Vulnerable person", self.vulnerable)
        form.addRow("&Person of concern", self.concern)
        form.addRow("&Reporter contact", self.contact)
        form.addRow("&Ask for Angela outcome", self.angela)
        thrive_box = QGroupBox("THRIVE")
        grid = QGridLayout(thrive_box)
        for index, (key, edit) in enumerate(self.thrive.items()):
            label = QLabel(_THRIVE_LABELS[key])
            label.setBuddy(edit)
            grid.addWidget(label, index // 2, (index % 2) * 2)
            grid.addWidget(edit, index // 2, (index % 2) * 2 + 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        # Qt's "&Cancel" would take Alt+C from Category; Escape cancels anyway.
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancel")
        self.save_button = QPushButton("Save" if self.incident else "Record")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.conflict = _ConflictPanel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(thrive_box)
        if self.incident is not None:
            layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.conflict)
        layout.addWidget(self.buttons)
        self.source.currentIndexChanged.connect(self._on_source_changed)
        self.category.currentIndexChanged.connect(lambda _i: self.category_error.setText(""))
        self._on_source_changed()
        # After the summary, not after Where: the radio order (where, what, who, how urgent,
        # what happened) stays as operators learnt it; Alt+L reaches the link at any time.
        QWidget.setTabOrder(self.summary, self.venue_link)
        QWidget.setTabOrder(self.venue_link, self.vulnerable)
        if self.incident is None:
            self.place.textChanged.connect(self._on_place_text_changed)
        # Enter saves from any one-line field: only the save button may be the default.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.save_button.setDefault(True)

    def _fill(self, incident: IncidentSnapshot) -> None:
        # Typed text is shown as it shows everywhere else (a bidi override spelled out, not
        # obeyed): an edit field would otherwise show "abc\u202eevil" as "abclive". A field left
        # as shown is not a change (``_edit`` compares what was shown).
        self.place.setText(shown_line(incident.place))
        _select(self.category, incident.category)
        _select(self.source, incident.source)
        _select(self.grade, incident.grade)
        self.summary.setText(shown_line(incident.summary))
        self.vulnerable.setText(shown_line(incident.vulnerable_person))
        self.concern.setText(shown_line(incident.person_of_concern))
        self.contact.setText(shown_line(incident.reporter_contact))
        _select(self.angela, incident.angela_outcome or "")
        # An edit keeps its place (only its words change), so the link is open only at a venue.
        self.venue_link.setEnabled(incident.venue_id is not None)
        _select(self.venue_link, incident.venue_link or VenueLink.AT_VENUE.value)
        for key, edit in self.thrive.items():
            edit.setText(shown_line((incident.thrive or {}).get(key, "")))

    def _on_place_text_changed(self, text: str) -> None:
        self.venue_link.setEnabled(text.strip().lower() in self.places.venues)

    def _on_source_changed(self) -> None:
        self.angela.setEnabled(self.source.currentData() == Source.ASK_FOR_ANGELA.value)

    def set_point(self, lat: float, lon: float) -> MapClickAnswer:
        """A point clicked on the map: the field to type in next, and whether the point was taken.

        Where then names the venue clicked on, or the point as LAT,LON; a description
        typed before the click (not a venue, street or point) is kept as the place. A
        point outside the operating area is refused with a message and changes nothing
        else; the next click is handled afresh.
        """
        if self.incident is not None:
            return MapClickAnswer(None, taken=False)  # an edit keeps its point; only its words change
        clicked = place_from_click(self.places, self.place, self.point_label, lat, lon)
        if clicked is None:
            return self._refuse_point()
        self._point = clicked.point
        self.error.setText("")
        if self.category.currentData() is None:
            return MapClickAnswer(self.category, taken=True)
        return MapClickAnswer(self.summary, taken=True)

    def _refuse_point(self) -> MapClickAnswer:
        self.error.setText(OUTSIDE_CLICK)
        return MapClickAnswer(self.place, taken=False)

    def reject(self) -> None:
        """Escape, Cancel or closing: a changed form asks first (``DiscardGuard``)."""
        if self.guard.may_close():
            super().reject()

    # -- saving --------------------------------------------------------------

    def save(self) -> None:
        """Validate and save asynchronously; the dialog closes only when saved."""
        if self._task is not None and not self._task.done():
            return
        self.error.setText("")
        self.category_error.setText("" if self.category.currentData() is not None else NO_CATEGORY)
        try:
            new = self._new_incident() if self.incident is None else None
        except ValidationError as exc:  # Where is not a place: said below, beside any other refusal
            self.error.setText(str(exc))
            self.place.setFocus()
            return
        if self.category_error.text():
            self.category.setFocus()
            return
        self._task = asyncio.ensure_future(self._save(expected_version=None, new=new))

    async def _save(self, expected_version: int | None, new: NewIncident | None = None) -> None:
        self.save_button.setEnabled(False)
        try:
            if self.incident is None:
                saved = await self.writes.report(new or self._new_incident())
            else:
                version = expected_version or self.incident.version
                saved = await self.writes.edit(self.incident.reference, self._edit(), version)
        except StaleVersionError as exc:
            self.conflict.show_conflict(str(exc), exc.current)  # type: ignore[arg-type]
            return
        except ControlroomError as exc:
            self.error.setText(str(exc))
            return
        except Exception as exc:  # a database or disk failure: said here, the form kept as typed
            said = failure_text(exc)
            if said is None:
                raise
            self.error.setText(said)
            return
        finally:
            self.save_button.setEnabled(True)
        self.sig_saved.emit(saved)
        self.accept()

    def save_over(self, current: IncidentSnapshot) -> None:
        """The operator chose to apply their change on top of the other console's."""
        self.conflict.hide()
        self._task = asyncio.ensure_future(self._save(expected_version=current.version))

    def _new_incident(self) -> NewIncident:
        """The report as typed; a ValidationError (in the window's words) if Where is not a place."""
        place = self.place.text().strip()
        common: dict[str, Any] = {
            "category": self.category.currentData(),
            "source": self.source.currentData(),
            "summary": self.summary.text(),
            "grade": self.grade.currentData(),
        }
        extras = self._edit()
        if self._point is not None and place and not self.places.recognises(place):
            lat, lon = self._point  # a description, and the point clicked for it
            return _with_details(NewIncident(lat=lat, lon=lon, place=place, **common), extras)
        where = self.places.resolve(place)
        if where.is_venue:
            new = NewIncident(venue=where.label, venue_link=self.venue_link.currentData(), **common)
        else:
            new = NewIncident(lat=where.lat, lon=where.lon, place=where.label, **common)
        return _with_details(new, extras)

    def _edit(self) -> IncidentEdit:
        """Only the fields that differ from the incident as opened."""
        values: dict[str, Any] = {
            "category": self.category.currentData(),
            "source": self.source.currentData(),
            "grade": self.grade.currentData(),
            "summary": self.summary.text(),
            "vulnerable_person": self.vulnerable.text(),
            "person_of_concern": self.concern.text(),
            "reporter_contact": self.contact.text(),
            "angela_outcome": self.angela.currentData(),
            "thrive": {k: e.text().strip() for k, e in self.thrive.items()},
        }
        if self.incident is not None:
            values["place"] = self.place.text()
            original = self.incident
            base_thrive = {k: shown_line((original.thrive or {}).get(k, "")) for k in THRIVE_KEYS}
            values = {
                k: v
                for k, v in values.items()
                if (base_thrive if k == "thrive" else _as_shown(getattr(original, k))) != (v or "")
            }
        if values.get("grade") is None:
            values.pop("grade", None)
        if self.incident is not None and self.incident.venue_id is not None:
            link = self.venue_link.currentData()
            if link != (self.incident.venue_link or VenueLink.AT_VENUE.value):
                values["venue_link"] = link
        note = self.note.text().strip()
        return IncidentEdit(**values, note=note or None)


def _as_shown(value: object) -> object:
    """A field's stored value as the form showed it (text through ``shown_line``)."""
    return shown_line(value) if isinstance(value, str) else (value or "")


def _with_details(new: NewIncident, extras: IncidentEdit) -> NewIncident:
    from dataclasses import replace

    thrive = extras.thrive if extras.thrive and any(extras.thrive.values()) else None
    return replace(
        new,
        thrive=thrive,
        vulnerable_person=extras.vulnerable_person or "",
        person_of_concern=extras.person_of_concern or "",
        reporter_contact=extras.reporter_contact or "",
        angela_outcome=extras.angela_outcome or None,
    )


class _ConflictPanel(QGroupBox):
    """Shown when another console saved first: their version, and the choice."""

    def __init__(self, form: IncidentForm) -> None:
        super().__init__("Someone else changed this incident")
        self.form = form
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.theirs = QLabel("")
        self.theirs.setWordWrap(True)
        self.theirs.setTextFormat(Qt.TextFormat.PlainText)
        self.use_theirs = QPushButton("Keep &theirs (discard mine)")
        self.save_mine = QPushButton("Save &mine over theirs")
        layout = QVBoxLayout(self)
        for widget in (self.message, self.theirs, self.use_theirs, self.save_mine):
            layout.addWidget(widget)
        self._current: IncidentSnapshot | None = None
        self.use_theirs.clicked.connect(lambda: form.guard.discard_now())  # the guard comes later
        self.save_mine.clicked.connect(lambda: self._current and form.save_over(self._current))
        self.hide()

    def show_conflict(self, message: str, current: IncidentSnapshot) -> None:
        self._current = current
        self.message.setText(message)
        self.theirs.setText(
            f"Now: {grade_label(current.grade)} · {current.status} · {current.place}\n{current.summary}"
        )
        self.show()
        self.save_mine.setFocus()


def _combo(items: Sequence[tuple[str, Any]]) -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    return combo


def _select(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)
