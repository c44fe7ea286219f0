"""``HandoverDraftDialog``: the outgoing operator's handover — the draft, the notes, and giving it.

Opened with Ctrl+H. The draft is worked out by the core in the handover worker process
(``HandoverGateway.draft``) and shown as sections of items (``HandoverTree``); a note can
be written beside each item (Enter or F2), the overall notes below, and optionally who
takes over ("To"). Ctrl+Enter hands over exactly the draft shown, with those notes
(``Commands.give_handover``); F5 drafts again from the live state, keeping the notes of
the items still there; Ctrl+P prints the draft with its notes to a PDF.

A refusal from the core stands beside what it is about — an item's note (that item is
made current), the overall notes or the "To" field — in the core's words, and everything
typed stays. Closing the dialog (Escape) only hides it: Ctrl+H brings the same draft back
with its notes until it has been handed over.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ControlroomError
from controlroom.handover.content import HandoverContent
from controlroom.handover.records import HandoverRecord
from ui.common import theme
from ui.common.dialog_parts import error_label
from ui.common.screen_fit import fit_to_screen
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line
from ui.handover.action_specs import GIVE_KEY, PRINT_KEY, REFRESH_KEY
from ui.handover.gateway import HandoverGateway
from ui.handover.notes_tree import HandoverTree
from ui.handover.roomy_label import RoomyLabel

STALE_STYLE = f"color: {theme.AMBER};"
WIDTH, HEIGHT = 1200, 720  # fits a 1366x768 screen with the window's frame around it
NOTES_LINES = 3
OVERALL_MAX = 4000
_KEY = re.compile(r"'([a-z_]+:[0-9a-z_:]+)'")


class HandoverDraftDialog(QDialog):
    """The draft with notes; ``sig_given`` carries the stored handover."""

    sig_given = Signal(object)  # HandoverRecord
    sig_drafted = Signal(object)  # HandoverContent (tests and the status line wait on it)
    sig_refused = Signal(str)
    sig_print_requested = Signal()

    def __init__(self, gateway: HandoverGateway, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gateway = gateway
        self.draft: HandoverContent | None = None
        self._tasks = TaskSet()
        self._drafting: asyncio.Future[Any] | None = None
        self._giving = False
        self.setWindowTitle("Hand over the shift")
        self.setObjectName("handoverDraft")
        self.heading = QLabel("Drafting the handover from the live state…")
        self.heading.setObjectName("detailHeader")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel("")
        self.status.setObjectName("formHint")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        # Said when the feed brings changes after the draft was worked out.
        self.stale = QLabel("")
        self.stale.setTextFormat(Qt.TextFormat.PlainText)
        self.stale.setStyleSheet(STALE_STYLE)
        self.stale.hide()
        self._changes_since = 0
        self.tree = HandoverTree(editable=True)
        self.item_error = error_label()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("what the incoming operator must know that is not beside an item")
        line = self.notes.fontMetrics().lineSpacing()
        self.notes.setFixedHeight(line * NOTES_LINES + 16)
        self.notes_error = error_label()
        self.to_user = QLineEdit()
        self.to_user.setPlaceholderText(
            "optional: the incoming user's login (anyone else may acknowledge if blank)"
        )
        self.to_user.setMaxLength(100)
        self.to_error = error_label()
        self.error = error_label()
        self._make_layout()
        self._make_keys()

    def _make_layout(self) -> None:
        form = QFormLayout()
        notes_label = RoomyLabel("Overall &notes")
        notes_label.setBuddy(self.notes)
        form.addRow(notes_label, self.notes)
        form.addRow("", self.notes_error)
        to_label = RoomyLabel("&To (incoming)")
        to_label.setBuddy(self.to_user)
        form.addRow(to_label, self.to_user)
        form.addRow("", self.to_error)
        self.refresh_button = QPushButton(f"&Refresh draft  {REFRESH_KEY}")
        self.print_button = QPushButton("&Print to PDF…  Ctrl+P")
        self.give_button = QPushButton("Hand &over  Ctrl+Enter")
        self.close_button = QPushButton("Close")
        for button in (self.refresh_button, self.print_button, self.give_button, self.close_button):
            button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.refresh)
        self.print_button.clicked.connect(self.sig_print_requested.emit)
        self.give_button.clicked.connect(self.give)
        self.close_button.clicked.connect(self.close)
        self.print_button.setVisible(self.gateway.may("handover.print"))
        self.give_button.setVisible(self.gateway.may("handover.give"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.give_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.status)
        layout.addWidget(self.stale)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.item_error)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        for label in (self.item_error, self.notes_error, self.to_error, self.error):
            label.hide()  # an empty message takes no room
        fit_to_screen(self, WIDTH, HEIGHT)

    def _make_keys(self) -> None:
        for key, slot in (
            (REFRESH_KEY, self.refresh),
            (GIVE_KEY, self.give),
            ("Ctrl+Enter", self.give),  # the keypad's Enter
            (PRINT_KEY, self.sig_print_requested.emit),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- the draft -------------------------------------------------------------------

    def refresh(self) -> asyncio.Future[Any]:
        """Draft again from the live state, keeping the notes of the items still there."""
        self.tree.commit_open_editor()
        if self._drafting is not None and not self._drafting.done():
            return self._drafting
        self.status.setText("Drafting the handover from the live state…")
        self._drafting = self._tasks.spawn(self._draft())
        return self._drafting

    async def _draft(self) -> None:
        try:
            draft = await self.gateway.draft()
        except (ControlroomError, OSError) as refusal:
            if shiboken6.isValid(self):
                self._say(self.error, f"could not draft the handover: {refusal}")
                self.status.setText("Nothing drafted: see below.")
            return
        if shiboken6.isValid(self):
            self.show_draft(draft)

    def show_draft(self, draft: HandoverContent) -> None:
        """Show ``draft``; notes typed for items still in it are kept beside them."""
        typed = self.tree.notes()
        self.draft = draft
        self.tree.fill(draft, typed)
        dropped = sorted(set(typed) - set(self.tree.item_keys()))
        drafted = draft.drafted_at.astimezone(LOCAL_TZ)
        items = len(draft.keys())
        self.heading.setText(
            f"Handover drafted {drafted:%H:%M} by {shown_line(draft.drafted_by)} — "
            f"night of {draft.night:%a %d %b %Y} — {items} item{'s' * (items != 1)}"
        )
        said = "Enter or F2 writes a note beside an item; Ctrl+Enter hands over; F5 drafts again."
        if dropped:
            said = (
                f"{len(dropped)} note{'s' * (len(dropped) != 1)} dropped: "
                f"{', '.join(dropped)} no longer in the draft. " + said
            )
        if draft.contains_personal:
            said += " It names people: printing it is a disclosure (you will be asked why and for whom)."
        self.status.setText(said)
        self._changes_since = 0
        self.stale.hide()
        self.sig_drafted.emit(draft)

    def live_state_changed(self, changes: int) -> None:
        """The feed brought ``changes`` since the draft: say so (the draft is not redone by itself,
        so rows do not move under the operator's typing)."""
        if self.draft is None or changes <= 0:
            return
        self._changes_since += changes
        count = self._changes_since
        self.stale.setText(
            f"The live state has changed since this draft ({count} change{'s' * (count != 1)}): "
            "F5 drafts again, keeping your notes."
        )
        self.stale.show()

    # -- giving ----------------------------------------------------------------------

    def typed(self) -> tuple[str, dict[str, str], str | None]:
        """The overall notes, the item notes and the incoming user as typed now."""
        self.tree.commit_open_editor()
        to = self.to_user.text().strip() or None
        return self.notes.toPlainText(), self.tree.notes(), to

    def give(self) -> asyncio.Future[Any] | None:
        """Hand over the draft shown, with the notes typed (Ctrl+Enter)."""
        if self._giving or not self.gateway.may("handover.give"):
            return None
        if self.draft is None:
            self._say(self.error, "wait for the draft: there is nothing to hand over yet")
            return None
        notes, item_notes, to = self.typed()
        if len(notes) > OVERALL_MAX:
            self._say(
                self.notes_error,
                f"the overall notes are {len(notes)} characters; keep them under {OVERALL_MAX}",
            )
            self.notes.setFocus()
            return None
        self._clear_errors()
        self._giving = True
        self.give_button.setEnabled(False)
        self.status.setText("Handing over…")
        return self._tasks.spawn(self._give(self.draft, notes, item_notes, to))

    async def _give(
        self, draft: HandoverContent, notes: str, item_notes: dict[str, str], to: str | None
    ) -> None:
        try:
            record: HandoverRecord = await self.gateway.give(draft, notes, item_notes, to)
        except ControlroomError as refusal:
            if shiboken6.isValid(self):
                self.refused(str(refusal), getattr(refusal, "field", None))
            return
        finally:
            if shiboken6.isValid(self):
                self._giving = False
                self.give_button.setEnabled(True)
        if shiboken6.isValid(self):
            self.status.setText(f"{record.snapshot.reference} handed over — awaiting acknowledgement")
            self.sig_given.emit(record)

    def refused(self, message: str, field: str | None = None) -> None:
        """Put the core's ``message`` beside what it is about; nothing typed is touched.

        ``field`` is the core's name for it (``notes``, ``to_user``, ``item:<key>``); a refusal
        without one is placed by the words the core uses.
        """
        self.status.setText("Not handed over: see the message beside the field.")
        if field is not None and self._say_beside(field, message):
            self.sig_refused.emit(message)
            return
        # Without a field: an item the message names by its key, else the form as a whole.
        key = next((k for k in _KEY.findall(message) if k in self.tree.item_keys()), None)
        if key is None or not self._say_beside(f"item:{key}", message):
            self._say(self.error, message)
        self.sig_refused.emit(message)

    def _say_beside(self, field: str, message: str) -> bool:
        """``message`` beside the field the core named; False if this form has no such field."""
        key = field.removeprefix("item:")
        if field.startswith("item:") and key in self.tree.item_keys():
            self._say(self.item_error, f"{self.tree.item_text(key)}: {message}")
            self.tree.go_to(key)
            self.tree.setFocus()
        elif field == "notes":
            self._say(self.notes_error, message)
            self.notes.setFocus()
        elif field == "to_user":
            self._say(self.to_error, message)
            self.to_user.setFocus()
        else:
            return False
        return True

    def _say(self, label: QLabel, message: str) -> None:
        label.setText(message)
        label.setVisible(bool(message))

    def _clear_errors(self) -> None:
        for label in (self.item_error, self.notes_error, self.to_error, self.error):
            self._say(label, "")
