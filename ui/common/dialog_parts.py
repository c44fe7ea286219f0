"""Parts every keyboard-first form dialog shares.

Its error line and button row; ``DiscardGuard``, which asks before a changed
form is thrown away (beside the form, not over it); ``in_window_words``, which names the form's fields where a
core message names command-line flags; ``place_completer`` for Where fields; and
``MapPointPicker``, which turns every map click into the form's point (or its
refusal) and gives the keyboard back to the form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, Protocol

from PySide6.QtCore import QObject, Qt, SignalInstance
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from controlroom.core.errors import ValidationError
from controlroom.venues.places import PlaceFinder

# "(--log)", "--subject ID", "--at LAT,LON", "--hours": a flag and the placeholder after it.
_FLAG = re.compile(r"\(?--([a-z][a-z-]*)(?: ([A-Z][A-Z,]*)\b)?\)?")


def error_label() -> QLabel:
    """The red line that says what is wrong; plain text, because it may quote what was typed."""
    label = QLabel("")
    label.setObjectName("formError")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def accept_cancel(dialog: QDialog, accept: QPushButton, on_accept: Callable[[], None]) -> QDialogButtonBox:
    """Cancel plus ``accept``; Enter presses ``accept`` only (no other button auto-defaults)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    buttons.addButton(accept, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.accepted.connect(on_accept)
    buttons.rejected.connect(dialog.reject)
    for button in buttons.findChildren(QPushButton):
        button.setAutoDefault(False)
    accept.setDefault(True)
    return buttons


def in_window_words(message: str, fields: Mapping[str, str]) -> str:
    """``message`` with each command-line flag replaced by the form field it stands for.

    The core's messages serve the command line too ("the grounds (--grounds)"); a
    window names its own fields instead (``fields``: flag name without dashes →
    field label, e.g. ``{"grounds": "Grounds"}``). A flag the form has no field for
    becomes plain words: its value's form if it has one ("LAT,LON"), else its name.
    """

    def field(match: re.Match[str]) -> str:
        whole, name, value = match.group(0), match.group(1), match.group(2)
        label = fields.get(name)
        words = f"“{label}”" if label else (value if value and "," in value else name.replace("-", " "))
        return f"({words})" if whole.startswith("(") and whole.endswith(")") else words

    return _FLAG.sub(field, message)


def place_completer(edit: QLineEdit, names: Iterable[str], parent: QObject) -> QCompleter:
    """Complete venue and street names anywhere in the name, any case ("queen" → Queensway)."""
    completer = QCompleter(list(names), parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    edit.setCompleter(completer)
    return completer


def form_state(dialog: QWidget) -> tuple[Any, ...]:
    """What the person has entered in ``dialog``: every field's text, choice and tick."""
    state: list[Any] = []
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, QLineEdit | QAbstractSpinBox):
            state.append(widget.text())
        elif isinstance(widget, QComboBox):
            state.append(widget.currentIndex())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state.append(widget.isChecked())
    return tuple(state)


class DiscardGuard(QObject):
    """Asks "Discard this …?" before a changed form closes; an unchanged form closes at once.

    The question is window-modal and opened, not exec'd: a nested event loop would
    stop the change feed (and alerts) while the operator decides. Escape or Enter on
    the question keeps editing; only "Discard" throws the form away.
    """

    def __init__(self, dialog: QDialog, what: str, extra: Callable[[], object] = lambda: None) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.what = what
        self._extra = extra
        self._baseline = self._state()
        self._discarding = False
        self.question: QMessageBox | None = None

    def _state(self) -> tuple[Any, ...]:
        return (form_state(self.dialog), self._extra())

    def mark_unchanged(self) -> None:
        """What is in the form now counts as untouched (e.g. after filling it for an edit)."""
        self._baseline = self._state()

    def changed(self) -> bool:
        return self._state() != self._baseline

    def may_close(self) -> bool:
        """True if the dialog may close now; otherwise ask, and close it if the answer is Discard."""
        if self._discarding or not self.changed():
            return True
        if self.question is not None and self.question.isVisible():
            return False
        question = QMessageBox(
            QMessageBox.Icon.Question,
            f"Discard this {self.what}?",
            f"Discard this {self.what}? What you typed will be lost.",
            QMessageBox.StandardButton.NoButton,
            self.dialog,
        )
        question.setTextFormat(Qt.TextFormat.PlainText)
        self.keep = question.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
        self.discard = question.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        question.setDefaultButton(self.keep)
        question.setEscapeButton(self.keep)
        question.setWindowModality(Qt.WindowModality.WindowModal)
        question.buttonClicked.connect(self._on_question_answered)
        self.question = question
        place_clear_of(question, self.dialog)
        question.open()
        return False

    def discard_now(self) -> None:
        """Close without asking: the person already chose to throw their input away."""
        self._discarding = True
        self.dialog.reject()

    def _on_question_answered(self, button: QAbstractButton) -> None:
        if button is self.discard:
            self.discard_now()
        else:
            self.dialog.activateWindow()


def place_clear_of(window: QWidget, dialog: QWidget, gap: int = 8) -> None:
    """Move ``window`` (not yet shown) just below ``dialog``, or just above it, on the same screen.

    Qt centres a question over its parent: over a small dialog it covers every field,
    and the dialog looks emptied while the person decides whether to throw its
    contents away. Where neither side has room, Qt's centring is left as it is.
    """
    screen = dialog.screen().availableGeometry()
    frame = dialog.frameGeometry()
    window.adjustSize()
    title_bar = frame.height() - dialog.height()  # ``window`` gets the same decoration
    width, height = window.width(), window.height() + title_bar
    x = max(screen.left(), min(frame.center().x() - width // 2, screen.right() + 1 - width))
    if frame.bottom() + gap + height <= screen.bottom():
        window.move(x, frame.bottom() + gap)
    elif frame.top() - gap - height >= screen.top():
        window.move(x, frame.top() - gap - height)


class PinBoard(Protocol):
    """The map's one "point being chosen" pin (``MapBridge``)."""

    def show_pin(self, lat: float, lon: float) -> None: ...

    def clear_pin(self) -> None: ...


class MapClickAnswer(NamedTuple):
    """What a form did with a map click: the field to type in next, and whether it took the point.

    A point it refused (outside the operating area) gets no pin: a pin there would
    look like the place the report will be filed at.
    """

    next_field: QWidget | None
    taken: bool


class ClickedPlace(NamedTuple):
    """A map click taken into a Where field: the point behind a typed description, if any."""

    point: tuple[float, float] | None  # None: Where now names the venue or point clicked


def place_from_click(
    places: PlaceFinder, place: QLineEdit, point_label: QLabel, lat: float, lon: float
) -> ClickedPlace | None:
    """Fill Where from a map click; None when the point is outside the operating area.

    Where then names the venue clicked on, or the point as LAT,LON; a description typed
    before the click (not a venue, street or point) is kept, at the point clicked.
    Nothing changes for a refused point.
    """
    text = place.text().strip()
    if text and not places.recognises(text):
        if not places.area.contains(lat, lon):
            return None
        point_label.setText(f"Point set on the map: {lat:.5f}, {lon:.5f}")
        return ClickedPlace((lat, lon))
    try:
        spot = places.at_point(lat, lon)
    except ValidationError:
        return None
    place.setText(spot.label)
    point_label.setText(f"{'Venue' if spot.is_venue else 'Point'} clicked on the map")
    return ClickedPlace(None)


class MapPointPicker(QObject):
    """Every map click while ``dialog`` is open: its point, a pin, and the keyboard back in the form.

    A click leaves keyboard focus in the map view, where the next keys typed would
    pan the map and open popups while the form stays empty. So after ``on_point``
    has answered, the dialog is raised and activated and the field it names (the
    next one to fill, or Where after a refusal) gets the focus. Only a point taken
    moves the pin; a refused click leaves the last taken point's pin where it was,
    and the next click is handled like the first. The pin goes when the dialog does.
    """

    def __init__(
        self,
        dialog: QDialog,
        clicked: SignalInstance,
        pins: PinBoard,
        on_point: Callable[[float, float], MapClickAnswer],
    ) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.pins = pins
        self.on_point = on_point
        self._clicked = clicked
        clicked.connect(self._on_map_clicked)
        dialog.finished.connect(self._on_dialog_finished)

    def _on_map_clicked(self, lat: float, lon: float) -> None:
        if not self.dialog.isVisible():
            return
        answer = self.on_point(lat, lon)
        if answer.taken:
            self.pins.show_pin(lat, lon)
        if answer.next_field is None:
            return
        self.dialog.raise_()
        self.dialog.activateWindow()
        answer.next_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_dialog_finished(self, _result: int) -> None:
        self._clicked.disconnect(self._on_map_clicked)
        self.pins.clear_pin()
