"""``StepActions``: marking, skipping and answering checklist steps, through the core's commands.

Every action is ``Commands.mark_step`` / ``Commands.skip_step`` on the Qt loop; nothing
here changes what the checklist shows — the feed brings the new checklist to every
console, this one included. A refusal (a supervisor's step marked on an operator's
login, a step already done, a closed incident) is shown in the core's own words: on the
status bar for a key, beside the reason for a skip (the dialog stays open with what was
typed). A question step is answered Yes or No, never just "done".
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.commands import Commands
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import StepSnapshot
from controlroom.procedures.checklist import next_step
from ui.common.actions import ActionRegistry
from ui.common.dialog_parts import DiscardGuard, accept_cancel, error_label
from ui.common.tasks import TaskSet
from ui.common.typed_text import typed_label
from ui.procedures.action_specs import (
    NEXT_DONE,
    NEXT_SKIP,
    STEP_DONE,
    STEP_DONE_ENTER,
    STEP_NO,
    STEP_SKIP,
    STEP_YES,
)
from ui.procedures.checklist import ChecklistPanel


class StepActions(QObject):
    """The checklist's keys (Space/Enter, S, Y/N) and the incident list's (K, Shift+K)."""

    sig_message = Signal(str)

    def __init__(
        self, commands: Commands, panel: ChecklistPanel, *, registry: ActionRegistry, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.panel = panel
        self.registry = registry
        self.window = parent
        self._tasks = TaskSet()
        self.skip_dialog: SkipDialog | None = None
        self.answer_dialog: AnswerDialog | None = None
        view = panel.view
        for spec, slot in (
            (STEP_DONE, self.done_current),
            (STEP_DONE_ENTER, self.done_current),
            (STEP_SKIP, self.skip_current),
            (STEP_YES, lambda: self.answer_current("yes")),
            (STEP_NO, lambda: self.answer_current("no")),
        ):
            registry.shortcut(spec, view, slot)

    def bind_list(self, incidents: QWidget, selected_incident_id: Callable[[], int | None]) -> None:
        """K and Shift+K on the incident list act on its selected incident's next step."""
        self.registry.shortcut(NEXT_DONE, incidents, lambda: self.done_next(selected_incident_id()))
        self.registry.shortcut(NEXT_SKIP, incidents, lambda: self.skip_next(selected_incident_id()))

    # -- which step ------------------------------------------------------------

    def _next(self, incident_id: int | None) -> StepSnapshot | None:
        checklist = self.panel.checklist(incident_id) if incident_id is not None else None
        if checklist is None:
            self.sig_message.emit("Select an incident with a procedure first (K marks its next step done)")
            return None
        step = next_step(checklist)
        if step is None:
            self.sig_message.emit(f"{self._reference(incident_id)}: every step is dealt with")
        return step

    def _reference(self, incident_id: int | None) -> str:
        return (self.panel.reference(incident_id) if incident_id is not None else None) or "?"

    # -- keys ------------------------------------------------------------------

    def done_next(self, incident_id: int | None) -> None:
        step = self._next(incident_id)
        if step is not None and incident_id is not None:
            self.done(incident_id, step)

    def skip_next(self, incident_id: int | None) -> None:
        step = self._next(incident_id)
        if step is not None and incident_id is not None:
            self.skip(incident_id, step)

    def done_current(self) -> None:
        step, incident_id = self.panel.current_step(), self.panel.incident_id
        if step is not None and incident_id is not None:
            self.done(incident_id, step)

    def skip_current(self) -> None:
        step, incident_id = self.panel.current_step(), self.panel.incident_id
        if step is not None and incident_id is not None:
            self.skip(incident_id, step)

    def answer_current(self, answer: str) -> None:
        step, incident_id = self.panel.current_step(), self.panel.incident_id
        if step is not None and incident_id is not None:
            self.run(self._mark(incident_id, step, answer))

    # -- the actions ------------------------------------------------------------

    def done(self, incident_id: int, step: StepSnapshot) -> None:
        """Mark ``step`` done; a question step asks Yes or No first."""
        if step.question and step.state == "pending":
            self.ask_answer(incident_id, step)
            return
        self.run(self._mark(incident_id, step, None))

    def run(self, action: Awaitable[Any]) -> asyncio.Future[Any]:
        return self._tasks.spawn(self._report(action))

    async def _report(self, action: Awaitable[Any]) -> None:
        try:
            message = await action
        except ControlroomError as exc:
            self.sig_message.emit(str(exc))
            return
        self.sig_message.emit(message)

    async def _mark(self, incident_id: int, step: StepSnapshot, answer: str | None) -> str:
        reference = self._reference(incident_id)
        await self.commands.mark_step(reference, step.number, answer=answer)
        said = f" (answer: {answer})" if answer else ""
        return f"{reference}: step {step.number} done{said}"

    async def skip_step(self, incident_id: int, step: StepSnapshot, reason: str) -> str:
        """Skip ``step`` with ``reason``; a refusal is raised to the dialog."""
        reference = self._reference(incident_id)
        await self.commands.skip_step(reference, step.number, reason)
        message = f"{reference}: step {step.number} skipped"
        self.sig_message.emit(message)
        return message

    def skip(self, incident_id: int, step: StepSnapshot) -> SkipDialog:
        """Ask why ``step`` is skipped (one dialog at a time)."""
        if self.skip_dialog is not None:
            self.skip_dialog.close()
        heading = f"Skip step {step.number} of {self._reference(incident_id)}: {step.text}"
        dialog = SkipDialog(heading, lambda reason: self.skip_step(incident_id, step, reason), self.window)
        self.skip_dialog = dialog
        dialog.open()
        dialog.reason.setFocus()
        return dialog

    def ask_answer(self, incident_id: int, step: StepSnapshot) -> AnswerDialog:
        if self.answer_dialog is not None:
            self.answer_dialog.close()
        heading = f"Step {step.number} of {self._reference(incident_id)}: {step.text}"
        dialog = AnswerDialog(heading, step.question or "", self.window)
        dialog.sig_answered.connect(lambda answer: self.run(self._mark(incident_id, step, answer)))
        self.answer_dialog = dialog
        dialog.open()
        return dialog


class SkipDialog(QDialog):
    """Why is this step skipped? The core's refusal shows beside the reason, which is kept."""

    def __init__(
        self, heading: str, skip: Callable[[str], Awaitable[Any]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Skip a step")
        self._skip = skip
        self._task: asyncio.Future[Any] | None = None
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. the person declined an ambulance and went home with a friend")
        self.reason.setMinimumWidth(520)
        self.error = error_label()
        self.skip_button = QPushButton("&Skip step")
        buttons = accept_cancel(self, self.skip_button, self.save)
        form = QFormLayout()
        form.addRow("&Reason", self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(typed_label(heading))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.guard = DiscardGuard(self, "reason")

    def reject(self) -> None:
        if self.guard.may_close():
            super().reject()

    def save(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self.error.setText("")
        self._task = asyncio.ensure_future(self._save(self.reason.text()))

    async def _save(self, reason: str) -> None:
        self.skip_button.setEnabled(False)
        try:
            await self._skip(reason)
        except ControlroomError as exc:
            self.error.setText(str(exc))
            self.adjustSize()  # the wrapped refusal's lines, not cut off at the dialog's edge
            self.reason.setFocus()
            return
        finally:
            self.skip_button.setEnabled(True)
        self.accept()


class AnswerDialog(QDialog):
    """A question step: Yes or No (the keys Y and N, or the buttons); Escape leaves it pending."""

    sig_answered = Signal(str)  # "yes" or "no"

    def __init__(self, heading: str, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Answer the step's question")
        self.setMinimumWidth(520)  # the question on a line or two, not a narrow column
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.yes = buttons.addButton("&Yes", QDialogButtonBox.ButtonRole.AcceptRole)
        self.no = buttons.addButton("&No", QDialogButtonBox.ButtonRole.AcceptRole)
        self.yes.clicked.connect(lambda: self._answer("yes"))
        self.no.clicked.connect(lambda: self._answer("no"))
        buttons.rejected.connect(self.reject)
        # Plain Y and N, as on the checklist: a dialog's mnemonics would want Alt.
        for key, answer in (("Y", "yes"), ("N", "no")):
            QShortcut(QKeySequence(key), self, lambda a=answer: self._answer(a))
        layout = QVBoxLayout(self)
        layout.addWidget(typed_label(heading))
        layout.addWidget(typed_label(f"? {question}"))
        layout.addWidget(buttons)

    def _answer(self, answer: str) -> None:
        self.sig_answered.emit(answer)
        self.accept()
