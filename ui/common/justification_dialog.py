"""``JustificationDialog``: why (and for whom) before personal data is shown or handed over.

DPA 2018 s.62(2) logs a consultation's justification and s.62(3) a disclosure's
justification and recipients. The dialog runs the logging coroutine itself when
OK is pressed: a refusal (no reason given, not permitted) is shown in the dialog
and nothing is shown or printed; Cancel logs nothing. Like the login it is
awaited (``ask``), never ``exec()``-ed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.errors import ControlroomError
from ui.common.dialog_parts import accept_cancel, error_label

# Submit(justification, recipient or None) -> whatever the caller needs next.
Submit = Callable[[str, str | None], Awaitable[Any]]
ICO = "Information Commissioner's Office"


class JustificationDialog(QDialog):
    """A reason (and, for a disclosure, a recipient); OK runs ``submit``."""

    def __init__(
        self,
        title: str,
        explanation: str,
        submit: Submit,
        *,
        recipients: Sequence[str] | None = None,
        ok_text: str = "&Continue",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.submit_action = submit
        self.result_value: Any = None
        self._done = False
        self._task: asyncio.Future[Any] | None = None
        self._answer: asyncio.Future[Any] | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        about = QLabel(explanation)
        about.setTextFormat(Qt.TextFormat.PlainText)
        about.setWordWrap(True)
        self.justification = QLineEdit()
        self.justification.setPlaceholderText("e.g. incident SO-0412: checking a breach of direction")
        self.justification.setMaxLength(1000)
        form = QFormLayout()
        form.addRow("&Why", self.justification)
        self.recipient: QComboBox | None = None
        if recipients is not None:
            self.recipient = QComboBox()
            self.recipient.setEditable(True)
            self.recipient.addItems(list(recipients))
            line = self.recipient.lineEdit()
            if line is not None:
                line.setMaxLength(300)
            form.addRow("&Recipient", self.recipient)
        self.error = error_label()
        self.ok_button = QPushButton(ok_text)
        buttons = accept_cancel(self, self.ok_button, self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.finished.connect(self._on_finished)

    async def ask(self) -> tuple[bool, Any]:
        """Show and wait: (True, what ``submit`` returned) or (False, None) if cancelled."""
        self._answer = asyncio.get_running_loop().create_future()
        self.open()
        self.justification.setFocus()
        return await self._answer  # type: ignore[no-any-return]

    def submit(self) -> None:
        if self._task is not None and not self._task.done():
            return
        why = self.justification.text().strip()
        to = self.recipient.currentText().strip() if self.recipient is not None else None
        if not why:
            self.error.setText("say why: the reason is written to the audit trail (DPA 2018 s.62)")
            self.justification.setFocus()
            return
        if self.recipient is not None and not to:
            self.error.setText("say who receives it: the recipient is written to the audit trail")
            return
        self.error.setText("")
        self.ok_button.setEnabled(False)
        self._task = asyncio.ensure_future(self._run(why, to))

    async def _run(self, why: str, to: str | None) -> None:
        try:
            self.result_value = await self.submit_action(why, to)
        except ControlroomError as exc:
            self.error.setText(str(exc))
            return
        finally:
            self.ok_button.setEnabled(True)
        self._done = True
        self.accept()

    def _on_finished(self, _result: int) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_result((self._done, self.result_value if self._done else None))
