"""Failures in the window's words, from the same mapping the command line uses.

A refusal from the core (``ControlroomError``) is already a sentence for people. A
database or disk failure — read-only, full, damaged, locked, a duplicate key, a
server gone — is named by ``controlroom.storage.failures`` and shown here in the
window's words (whom to ask, and that what was typed is still on screen) instead
of escaping as a traceback on a terminal nobody watches. Anything else is left to
propagate: guessing at it would hide a bug.
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from controlroom.core.errors import ControlroomError, DatabaseUnavailableError
from controlroom.storage.failures import FailureKind, diagnose

START_TITLE = "controlroom — cannot start"
UNSAVED_TITLE = "controlroom — database problem"


def failure_text(exc: BaseException, url: str | None = None) -> str | None:
    """What to tell the operator about ``exc``; None for a failure nobody foresaw."""
    if isinstance(exc, ControlroomError):
        if isinstance(exc, DatabaseUnavailableError):
            failure = diagnose(exc, url)
            if failure is not None and failure.kind is not FailureKind.UNREACHABLE:
                return failure.for_window()
        return str(exc)
    failure = diagnose(exc, url)
    return failure.for_window() if failure is not None else None


def show_start_failure(exc: BaseException, url: str) -> None:
    """The dialog the window shows when it cannot open its database (it waits for OK)."""
    text = failure_text(exc, url)
    if text is not None:
        QMessageBox.critical(None, START_TITLE, text)


class FailureDialogs:
    """Shows a task's database failure in a dialog, in place of asyncio's traceback on stderr.

    Installed as the loop's exception handler: a failure the mapping names opens (or
    updates) one non-modal dialog; anything else goes to the loop's default handler.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, url: str, parent: QWidget | None = None) -> None:
        self.loop = loop
        self.url = url
        self.parent = parent
        self.dialog: QMessageBox | None = None
        loop.set_exception_handler(self._on_loop_exception)

    def _on_loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        text = failure_text(exc, self.url) if isinstance(exc, BaseException) else None
        if text is None:
            loop.default_exception_handler(context)
            return
        self.show(text)

    def show(self, text: str) -> None:
        if self.dialog is None:
            self.dialog = QMessageBox(QMessageBox.Icon.Warning, UNSAVED_TITLE, text, parent=self.parent)
            self.dialog.setObjectName("failureDialog")
        self.dialog.setText(text)
        self.dialog.open()  # not exec(): the console keeps running behind it
