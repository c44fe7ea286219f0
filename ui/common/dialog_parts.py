"""Parts every keyboard-first form dialog shares: its error line and its button row."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton


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
