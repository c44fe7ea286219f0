"""``DecisionForm``: record a decision — or revise one — in the National Decision Model's parts.

Each part has a label that says what to write there, and its own error line under it: the
core refuses a decision with a ``DecisionInputError`` naming the field (``.field``), and its
sentence is put there, in the core's words, with the keyboard in that field. What was typed
stays; nothing is written. Ctrl+Enter records (Enter in a text box starts a new line, Tab
moves on); Escape asks before throwing typed words away.

Links are pre-filled: the incident selected on the board, or the whole night when none is.
A revision is pre-filled from the decision it revises ("Revises D-…"), which stays as it was:
the log is append-only, and the new entry is recorded after it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import DecisionSnapshot
from controlroom.decisions.records import SUBJECT_LIMIT, DecisionInputError, NewDecision
from ui.common.dialog_parts import DiscardGuard, error_label, in_window_words
from ui.common.screen_fit import fit_to_screen
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line
from ui.decisions.action_specs import RECORD_KEYS
from ui.decisions.model import short_reference

Submit = Callable[[NewDecision], Awaitable[DecisionSnapshot]]

# (field, label that says what to write, placeholder) — the NDM's parts in its order.
TEXT_PARTS: tuple[tuple[str, str, str], ...] = (
    ("information", "Information and intelligence", "what was known, and from where, when you decided"),
    ("assessment", "Threat and risk assessment", "what the threat and the risk were judged to be"),
    ("powers_policy", "Powers and policy", "the powers, law or policy considered (may be blank)"),
    ("options", "Options considered (and why rejected)", "the other courses, and why not (may be blank)"),
    ("decision", "Decision and rationale: the decision", "what was decided: the action to be taken"),
    ("rationale", "Decision and rationale: the rationale", "why this course, against the options"),
)
LINK_FIELDS = ("incidents", "zones", "directions", "nights")
LABELS = {
    "subject": "Subject",
    **{name: label for name, label, _hint in TEXT_PARTS},
    "incidents": "Incidents",
    "zones": "s.34 zones",
    "directions": "s.35 directions",
    "nights": "Whole night",
}
# The core's messages serve the command line too: its flags become this form's fields.
FLAG_FIELDS = {
    "subject": LABELS["subject"],
    "information": LABELS["information"],
    "assessment": LABELS["assessment"],
    "powers": LABELS["powers_policy"],
    "options": LABELS["options"],
    "decision": "Decision",
    "rationale": "Rationale",
    "incident": LABELS["incidents"],
    "zone": LABELS["zones"],
    "direction": LABELS["directions"],
    "night": LABELS["nights"],
    "revises": "Revises",
}
TEXT_LINES = 4  # each NDM box shows four lines; it scrolls beyond
FORM_WIDTH, FORM_HEIGHT = 1180, 700


class DecisionForm(QDialog):
    """The NDM parts and the links; ``sig_recorded`` carries the decision the core kept."""

    sig_recorded = Signal(object)  # DecisionSnapshot

    def __init__(
        self,
        submit: Submit,
        tonight: date,
        *,
        incident: str | None = None,
        revising: DecisionSnapshot | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.submit = submit
        self.tonight = tonight
        self.revising = revising
        self._pending = TaskSet()
        self.setObjectName("decisionForm")
        self.setWindowTitle(
            f"Revise {revising.reference}" if revising is not None else "Record a decision (NDM)"
        )
        self.heading = QLabel(self._heading_text())
        self.heading.setObjectName("detailHeader")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.inputs: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.form_error = error_label()
        self.form_error.hide()
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        self.subject = QLineEdit()
        self.subject.setMaxLength(SUBJECT_LIMIT)
        self.subject.setPlaceholderText("what was decided, in a line")
        self._place(grid, "subject", self.subject, 0, 0)
        for n, (name, _label, hint) in enumerate(TEXT_PARTS):
            box = QPlainTextEdit()
            box.setPlaceholderText(hint)
            box.setTabChangesFocus(True)
            # The lines, the document's margins and the stylesheet's padding and focus border.
            lines = box.fontMetrics().lineSpacing() * TEXT_LINES
            box.setFixedHeight(lines + 2 * round(box.document().documentMargin()) + 16)
            row, column = (n + 1, 0) if n < 3 else (n - 3, 1)
            self._place(grid, name, box, row, column)
        self.incidents = QLineEdit()
        self.incidents.setPlaceholderText("references, e.g. SOT-20261127-0042, SOT-20261127-0043")
        self.zones = QLineEdit()
        self.zones.setPlaceholderText("zone numbers, e.g. 3")
        self.directions = QLineEdit()
        self.directions.setPlaceholderText("direction numbers, e.g. 12, 14")
        self.night = QCheckBox(f"The whole night of {tonight:%a %d/%m/%Y}")
        self._make_links(grid)
        self.record_button = QPushButton("Record  Ctrl+Enter")
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self.record)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.record_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        for keys in RECORD_KEYS:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.record)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self._fill(incident)
        self.guard = DiscardGuard(self, "decision", self._typed)
        fit_to_screen(self, FORM_WIDTH, FORM_HEIGHT)

    def _heading_text(self) -> str:
        if self.revising is None:
            return "Record a decision — the National Decision Model's parts. It cannot be changed afterwards."
        return (
            f"Revises {self.revising.reference} ({shown_line(self.revising.subject)}). "
            f"{short_reference(self.revising.reference)} stays as it was: this is recorded after it."
        )

    def _place(
        self, grid: QGridLayout, name: str, edit: QLineEdit | QPlainTextEdit, row: int, column: int
    ) -> None:
        cell = QVBoxLayout()
        cell.setSpacing(2)
        label = QLabel(LABELS[name])
        label.setObjectName("formLabel")
        label.setStyleSheet("font-weight: bold;")
        label.setBuddy(edit)
        self.inputs[name] = edit
        self.errors[name] = error_label()
        self.errors[name].hide()  # an empty message takes no room
        cell.addWidget(label)
        cell.addWidget(edit)
        cell.addWidget(self.errors[name])
        cell.addStretch(1)  # a short field keeps to the top of a row its neighbour makes taller
        grid.addLayout(cell, row, column)

    def _make_links(self, grid: QGridLayout) -> None:
        links = QGridLayout()
        links.setHorizontalSpacing(10)
        title = QLabel("Linked to")
        title.setStyleSheet("font-weight: bold;")
        links.addWidget(title, 0, 0, 1, 2)
        for row, (name, edit) in enumerate(
            (("incidents", self.incidents), ("zones", self.zones), ("directions", self.directions)), start=1
        ):
            label = QLabel(LABELS[name])
            label.setBuddy(edit)
            self.inputs[name] = edit
            self.errors[name] = error_label()
            self.errors[name].hide()
            links.addWidget(label, 2 * row - 1, 0)
            links.addWidget(edit, 2 * row - 1, 1)
            links.addWidget(self.errors[name], 2 * row, 1)
        links.addWidget(self.night, 7, 1)
        self.errors["nights"] = error_label()
        self.errors["nights"].hide()
        links.addWidget(self.errors["nights"], 8, 1)
        links.setColumnStretch(1, 1)
        grid.addLayout(links, 3, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    def _fill(self, incident: str | None) -> None:
        revising = self.revising
        if revising is None:
            if incident:
                self.incidents.setText(incident)
            self.night.setChecked(not incident)
            self.subject.setFocus()
            return
        self.subject.setText(revising.subject)
        for name, _label, _hint in TEXT_PARTS:
            self.fill(**{name: getattr(revising, name)})
        self.incidents.setText(", ".join(link.label for link in revising.linked("incident")))
        self.zones.setText(", ".join(str(link.target_id) for link in revising.linked("zone")))
        self.directions.setText(", ".join(str(link.target_id) for link in revising.linked("direction")))
        nights = {link.label for link in revising.linked("night")}
        self.night.setChecked(self.tonight.isoformat() in nights)
        self.subject.setFocus()

    # -- what was typed ----------------------------------------------------------------

    def text_of(self, name: str) -> str:
        edit = self.inputs[name]
        return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()

    def fill(self, **values: str) -> None:
        """Type ``values`` into the fields (tests, or what the dock already knows)."""
        for name, value in values.items():
            edit = self.inputs[name]
            if isinstance(edit, QPlainTextEdit):
                edit.setPlainText(value)
            else:
                edit.setText(value)

    def error_of(self, name: str) -> str:
        return self.errors[name].text() if name in self.errors else self.form_error.text()

    def _typed(self) -> tuple[str, ...]:
        return tuple(self.text_of(name) for name in self.inputs)

    def new_decision(self) -> NewDecision:
        """The decision as typed; numbers that do not read are refused like the core's refusals."""
        return NewDecision(
            subject=self.text_of("subject"),
            information=self.text_of("information"),
            assessment=self.text_of("assessment"),
            powers_policy=self.text_of("powers_policy"),
            options=self.text_of("options"),
            decision=self.text_of("decision"),
            rationale=self.text_of("rationale"),
            incidents=tuple(r.strip() for r in self.text_of("incidents").split(",") if r.strip()),
            zones=_numbers("zones", self.text_of("zones"), "zone"),
            directions=_numbers("directions", self.text_of("directions"), "direction"),
            nights=(self.tonight,) if self.night.isChecked() else (),
            revises=self.revising.reference if self.revising is not None else None,
        )

    # -- recording ---------------------------------------------------------------------

    def record(self) -> None:
        """Ctrl+Enter: send the decision to the core (once at a time)."""
        if not self.record_button.isEnabled():
            return
        self._clear()
        try:
            new = self.new_decision()
        except DecisionInputError as refusal:
            self.say(refusal.field, str(refusal))
            return
        self.record_button.setEnabled(False)
        self._pending.spawn(self._send(new))

    async def _send(self, new: NewDecision) -> None:
        try:
            kept = await self.submit(new)
        except DecisionInputError as refusal:
            self.say(refusal.field, in_window_words(str(refusal), FLAG_FIELDS))
            return
        except ControlroomError as refusal:
            self.say("", in_window_words(str(refusal), FLAG_FIELDS))
            return
        finally:
            self.record_button.setEnabled(True)
        self.sig_recorded.emit(kept)
        self.guard.discard_now()  # kept: nothing typed is lost by closing

    def say(self, field: str, message: str) -> None:
        """``message`` under ``field`` (under the form when it names none) and the keyboard there."""
        label = self.errors.get(field, self.form_error)
        label.setText(message)
        label.show()
        edit = self.inputs.get(field)
        if edit is not None:
            edit.setFocus()
        elif field == "nights":
            self.night.setFocus()

    def _clear(self) -> None:
        for label in (*self.errors.values(), self.form_error):
            label.setText("")
            label.hide()

    def reject(self) -> None:
        if self.guard.may_close():
            super().reject()


def _numbers(field: str, text: str, what: str) -> tuple[int, ...]:
    numbers = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if not part.isdigit():
            raise DecisionInputError(
                field,
                f"{shown_line(part)!r} is not a {what} number; write numbers separated by commas, e.g. 3, 5",
            )
        numbers.append(int(part))
    return tuple(numbers)
