"""``FootageForm``: one small keyboard-first form (mark, view, lock, unlock, request, release).

Each field has its error line beside it. What can be checked without the database
(a blank field, a time or date that does not read) is said before anything is sent;
the core's refusal (the clip ends before it starts, an unknown camera, a lock date
within the camera's retention, a release without recipient) is put beside the field
it is about, found by the words the core uses for that field, or under the form if
it concerns none. The form stays open on a refusal and closes when the write is kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.errors import ControlroomError, ValidationError
from controlroom.core.local_time import on_uk_clock
from ui.common.dialog_parts import accept_cancel, error_label
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line

Submit = Callable[[Mapping[str, Any]], Awaitable[str]]
ERROR_WIDTH = 380  # the error beside a field: room for the core's sentence in a few lines


@dataclass(frozen=True, slots=True)
class Field:
    """One field: its name, its label, what it holds, and the words of the core's refusals about it."""

    name: str
    label: str
    kind: str = "text"  # "text", "time" (UK clock), "date", or "choice"
    words: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    hint: str = ""


class FootageForm(QDialog):
    """A form whose accept sends its values to ``submit``; ``sig_done`` carries the result's words."""

    sig_done = Signal(str)

    def __init__(
        self, title: str, fields: Sequence[Field], accept_text: str, submit: Submit, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.fields = {f.name: f for f in fields}
        self.submit = submit
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        self.form_error = error_label()
        self._pending = TaskSet()
        grid = QGridLayout()
        for row, field in enumerate(fields):
            edit: QLineEdit | QComboBox
            if field.kind == "choice":
                edit = QComboBox()
                edit.addItems([shown_line(c) for c in field.choices])
            else:
                edit = QLineEdit()
                edit.setPlaceholderText(field.hint)
            label = QLabel(field.label)
            label.setBuddy(edit)
            self.inputs[field.name] = edit
            self.errors[field.name] = error_label()
            self.errors[field.name].setFixedWidth(ERROR_WIDTH)
            grid.addWidget(label, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(self.errors[field.name], row, 2)
        grid.setColumnMinimumWidth(1, 320)
        self.accept_button = QPushButton(accept_text)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.form_error)
        layout.addWidget(accept_cancel(self, self.accept_button, self._on_accept))

    def fill(self, **values: str) -> None:
        """Type ``values`` into the fields (a test, or a value the dialog already knows)."""
        for name, value in values.items():
            edit = self.inputs[name]
            if isinstance(edit, QComboBox):
                edit.setCurrentIndex(self.fields[name].choices.index(value))
            else:
                edit.setText(value)

    def error_of(self, name: str) -> str:
        return self.errors[name].text()

    def _on_accept(self) -> None:
        for label in (*self.errors.values(), self.form_error):
            label.setText("")
            label.setMinimumHeight(0)
        values: dict[str, Any] = {}
        for name, field in self.fields.items():
            try:
                values[name] = self._value(field)
            except ValidationError as why:
                self._say(self.errors[name], str(why))
        if any(label.text() for label in self.errors.values()):
            self.inputs[next(n for n, label in self.errors.items() if label.text())].setFocus()
            return
        self.accept_button.setEnabled(False)
        self._pending.spawn(self._send(values))

    def _value(self, field: Field) -> Any:
        edit = self.inputs[field.name]
        if isinstance(edit, QComboBox):
            return field.choices[edit.currentIndex()] if edit.currentIndex() >= 0 else ""
        text = edit.text().strip()
        if not text:
            raise ValidationError(f"{field.label.replace('&', '').rstrip(':')} is empty: fill it in")
        if field.kind == "time":
            try:
                return on_uk_clock(datetime.fromisoformat(text.replace(" ", "T", 1)))
            except ValueError:
                raise ValidationError(
                    f"{shown_line(text)!s} is not a date and time; write e.g. 2026-11-27 22:50"
                ) from None
        if field.kind == "date":
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise ValidationError(f"{shown_line(text)!s} is not a date; write e.g. 2027-06-01") from None
        return edit.text()

    async def _send(self, values: Mapping[str, Any]) -> None:
        try:
            said = await self.submit(values)
        except ControlroomError as why:
            self._place(str(why))
            return
        finally:
            self.accept_button.setEnabled(True)
        self.sig_done.emit(said)
        self.accept()

    def _place(self, message: str) -> None:
        """The refusal beside the field it is about, or under the form."""
        lowered = message.lower()
        for name, field in self.fields.items():
            if any(word in lowered for word in field.words):
                self._say(self.errors[name], message)
                self.inputs[name].setFocus()
                return
        self._say(self.form_error, message)

    def _say(self, label: QLabel, message: str) -> None:
        """Show ``message`` whole: a top-level dialog does not grow for a wrapped label by itself."""
        label.setText(message)
        label.setMinimumHeight(label.heightForWidth(label.width()))
        self.adjustSize()
