"""``HandoverRecordDialog``: a given handover, read-only, and the incoming operator's acknowledgement.

Opened from the alert stack's handover line (Enter), from the history (Enter), and by
itself right after a login when a handover is waiting for this user (``HandoverLink``).
It shows what was handed over exactly as it was stored — the sections with each item's
note, the overall notes, who gave it, when, and to whom — read through the core
(``show_handover``). Ctrl+Enter or A acknowledges it as the user logged in at this
console (``Commands.acknowledge_handover``); the core's refusal (the giver cannot
acknowledge their own handover; it was already acknowledged; it is addressed to someone
else) is shown beside the button in the core's words. The acknowledgement reaches every
console through the feed; this dialog follows the feed too (``apply_snapshot``), so a
handover acknowledged at another console says so here at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import HandoverSnapshot
from controlroom.handover.records import HandoverRecord
from ui.common import theme
from ui.common.dialog_parts import error_label
from ui.common.screen_fit import fit_to_screen
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line, shown_lines
from ui.handover.action_specs import ACKNOWLEDGE_KEYS, PRINT_KEY
from ui.handover.gateway import HandoverGateway
from ui.handover.notes_tree import HandoverTree

WIDTH, HEIGHT = 1200, 720
NOTES_LINES = 3
WAITING_STYLE = f"color: {theme.AMBER}; font-weight: bold;"
DONE_STYLE = f"color: {theme.GOOD}; font-weight: bold;"


def given_words(snapshot: HandoverSnapshot) -> str:
    """``H-2026-0001 — handed over by op1 at 02:10, to anyone but op1``."""
    at = snapshot.given_at.astimezone(LOCAL_TZ)
    to = (
        f"to {shown_line(snapshot.to_user)}"
        if snapshot.to_user
        else f"to anyone but {shown_line(snapshot.given_by)}"
    )
    by = shown_line(snapshot.given_by)
    return f"{snapshot.reference} — handed over by {by} at {at:%H:%M} on {at:%d/%m/%Y}, {to}"


def acknowledged_words(snapshot: HandoverSnapshot) -> str:
    """``Acknowledged by jsmith at 02:14`` or ``NOT YET ACKNOWLEDGED``."""
    if snapshot.acknowledged_at is None:
        return "NOT YET ACKNOWLEDGED"
    at = snapshot.acknowledged_at.astimezone(LOCAL_TZ)
    return f"Acknowledged by {shown_line(snapshot.acknowledged_by)} at {at:%H:%M} on {at:%d/%m/%Y}"


class HandoverRecordDialog(QDialog):
    """One given handover; Acknowledge for the incoming operator."""

    sig_loaded = Signal(object)  # HandoverRecord
    sig_acknowledged = Signal(object)  # HandoverRecord
    sig_refused = Signal(str)
    sig_print_requested = Signal(int)  # handover id

    def __init__(self, gateway: HandoverGateway, handover_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gateway = gateway
        self.handover_id = handover_id
        self.record: HandoverRecord | None = None
        self.snapshot: HandoverSnapshot | None = None
        self._tasks = TaskSet()
        self._acknowledging = False
        self.setWindowTitle("Shift handover")
        self.setObjectName("handoverRecord")
        self.heading = QLabel("Reading the handover…")
        self.heading.setObjectName("detailHeader")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.state = QLabel("")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.tree = HandoverTree(editable=False)
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * NOTES_LINES + 16)
        self.error = error_label()
        self.error.hide()
        self.acknowledge_button = QPushButton("&Acknowledge  Ctrl+Enter")
        self.acknowledge_button.setAutoDefault(False)
        self.acknowledge_button.clicked.connect(self.acknowledge)
        self.acknowledge_button.hide()  # offered once read, if it waits and the role may
        self.print_button = QPushButton("&Print to PDF…  Ctrl+P")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(lambda: self.sig_print_requested.emit(self.handover_id))
        self.print_button.setVisible(gateway.may("handover.print"))
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.acknowledge_button)
        notes_label = QLabel("Overall notes")
        notes_label.setObjectName("formHint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.state)
        layout.addWidget(self.tree, 1)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        for key in (*ACKNOWLEDGE_KEYS, "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.acknowledge)
        printing = QShortcut(QKeySequence(PRINT_KEY), self)
        printing.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        printing.activated.connect(lambda: self.sig_print_requested.emit(self.handover_id))
        fit_to_screen(self, WIDTH, HEIGHT)

    # -- reading ---------------------------------------------------------------------

    def load(self) -> asyncio.Future[Any]:
        """Read the handover as it was stored."""
        return self._tasks.spawn(self._load())

    async def _load(self) -> None:
        try:
            record = await self.gateway.show(self.handover_id)
        except ControlroomError as refusal:
            if shiboken6.isValid(self):
                self.heading.setText("The handover could not be read")
                self._say(str(refusal))
            return
        if shiboken6.isValid(self):
            self.show_record(record)

    def show_record(self, record: HandoverRecord) -> None:
        self.record = record
        self.tree.fill(record.content)
        self.notes.setPlainText(shown_lines(record.snapshot.notes) or "(none)")
        self.apply_snapshot(record.snapshot)
        self.tree.setFocus()
        self.sig_loaded.emit(record)

    def apply_snapshot(self, snapshot: HandoverSnapshot) -> None:
        """The handover's latest state from the feed (acknowledged here or at another console)."""
        if snapshot.id != self.handover_id:
            return
        self.snapshot = snapshot
        self.setWindowTitle(f"Shift handover {snapshot.reference}")
        self.heading.setText(given_words(snapshot))
        self.state.setText(acknowledged_words(snapshot))
        self.state.setStyleSheet(DONE_STYLE if snapshot.acknowledged else WAITING_STYLE)
        self.acknowledge_button.setVisible(self.may_acknowledge)

    @property
    def may_acknowledge(self) -> bool:
        """Whether Acknowledge is offered: it waits, and the role acknowledges handovers.

        Offered to the giver too: the core's refusal then says who must acknowledge it.
        """
        waiting = self.snapshot is not None and not self.snapshot.acknowledged
        return waiting and self.gateway.may("handover.acknowledge")

    # -- acknowledging ---------------------------------------------------------------

    def acknowledge(self) -> asyncio.Future[Any] | None:
        """Acknowledge as the user logged in at this console (Ctrl+Enter or A)."""
        if self._acknowledging or not self.may_acknowledge:
            return None
        self._acknowledging = True
        self.acknowledge_button.setEnabled(False)
        self._say("")
        return self._tasks.spawn(self._acknowledge())

    async def _acknowledge(self) -> None:
        try:
            record = await self.gateway.acknowledge(self.handover_id)
        except ControlroomError as refusal:
            if shiboken6.isValid(self):
                self._say(str(refusal))
                self.sig_refused.emit(str(refusal))
            return
        finally:
            if shiboken6.isValid(self):
                self._acknowledging = False
                self.acknowledge_button.setEnabled(True)
        if shiboken6.isValid(self):
            self.apply_snapshot(record.snapshot)
            self.sig_acknowledged.emit(record)

    def _say(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
