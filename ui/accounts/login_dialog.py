"""``LoginDialog``: who is at the console, checked before the window opens.

The name and password go to ``controlroom.users.accounts.authenticate``, which counts
failures, slows the account's and this console's next tries down after a few and
writes every attempt to the audit trail; its person-readable refusal (tries left,
seconds to wait, disabled) is shown in the dialog as plain text. The dialog is
awaited, never ``exec()``-ed: a nested event loop inside a running qasync task would
block every other coroutine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.errors import AuthenticationError, ControlroomError
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from controlroom.users.accounts import authenticate
from controlroom.writes import utcnow
from ui.common.dialog_parts import accept_cancel, error_label


class LoginDialog(QDialog):
    """Name and password; Enter logs in, Cancel (or Escape) gives up."""

    sig_logged_in = Signal(object)  # Actor

    def __init__(
        self,
        db: Database,
        *,
        name: str = "",
        where: str = "window",
        clock: Callable[[], datetime] = utcnow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.where = where
        self.clock = clock
        self.actor: Actor | None = None
        self.secret: str | None = None
        self._task: asyncio.Future[Any] | None = None
        self._answer: asyncio.Future[Actor | None] | None = None
        self.setWindowTitle("controlroom — log in")
        self.setObjectName("loginDialog")
        self.setMinimumWidth(440)
        heading = QLabel("City-centre night safety — control room")
        heading.setObjectName("detailHeader")
        where_label = QLabel(f"Database: {db.display_url}")
        where_label.setObjectName("formHint")
        where_label.setTextFormat(Qt.TextFormat.PlainText)
        where_label.setWordWrap(True)
        self.name = QLineEdit(name)
        self.name.setPlaceholderText("your user name, e.g. jsmith")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Password", self.password)
        self.error = error_label()
        self.login_button = QPushButton("&Log in")
        buttons = accept_cancel(self, self.login_button, self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(where_label)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.finished.connect(self._on_finished)
        (self.password if name else self.name).setFocus()

    async def ask(self) -> Actor | None:
        """Show the dialog and wait: the logged-in actor, or None if cancelled."""
        self._answer = asyncio.get_running_loop().create_future()
        self.open()
        (self.password if self.name.text() else self.name).setFocus()
        return await self._answer

    def submit(self) -> None:
        """Check the name and password (Enter in either field, or Log in)."""
        if self._task is not None and not self._task.done():
            return
        name, password = self.name.text().strip(), self.password.text()
        if not name or not password:
            self.error.setText("type your user name and password")
            (self.name if not name else self.password).setFocus()
            return
        self.error.setText("checking…")
        self.login_button.setEnabled(False)
        self._task = asyncio.ensure_future(self._check(name, password))

    async def _check(self, name: str, password: str) -> None:
        try:
            actor = await authenticate(self.db, name, password, now=self.clock(), where=self.where)
        except AuthenticationError as exc:
            self._refused(str(exc))
            return
        except (ControlroomError, OSError) as exc:
            self._refused(f"cannot check the login: {exc}")
            return
        finally:
            self.login_button.setEnabled(True)
        self.actor = actor
        # Kept for this session only: a PostgreSQL console connects as the user's own login.
        self.secret = password
        self.sig_logged_in.emit(actor)
        self.accept()

    def _refused(self, message: str) -> None:
        self.error.setText(message)
        self.password.clear()
        self.password.setFocus()

    def _on_finished(self, _result: int) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_result(self.actor)
