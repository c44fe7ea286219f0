"""``HandoverLink``: shift handover in the window — its keys, its dialogs, and the feed.

Ctrl+H opens the outgoing operator's draft (``HandoverDraftDialog``), Ctrl+Alt+H the history
(``HandoverHistoryDialog``); both are Window menu entries made through the registry, so a
role without ``handover.draft`` / ``handover.read`` is not offered them. A given handover
opens read-only with Acknowledge (``HandoverRecordDialog``) from the alert stack's line
(the shell connects ``AlertStack.sig_handover_opened`` to ``open_handover``), from the
history, and after a login.

After a login: the incoming operator logs in at the console (the outgoing one locks it
and chooses "Switch user", or closes the window); when the feed's first snapshot holds a
handover that waits for acknowledgement, was not given by this user and is addressed to
them or to anyone, it opens by itself, newest first — the acknowledgement is the first
thing the incoming operator must do, and the line on the alert stack stays until then.
Only for a real login: in set-up mode (no users) there is nobody to hand over to.

The link follows the feed for the handovers' state (``Snapshot.handovers`` and
``Diff.handover_changes``): an open read-only handover shows at once that it was
acknowledged at another console.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from controlroom.core.snapshots import Diff, HandoverSnapshot, Snapshot
from controlroom.handover.records import HandoverRecord
from ui.common.actions import ActionRegistry
from ui.common.tasks import TaskSet
from ui.feed.controller import FeedController
from ui.handover.action_specs import OPEN_DRAFT, OPEN_HISTORY
from ui.handover.draft_view import HandoverDraftDialog
from ui.handover.gateway import HandoverGateway
from ui.handover.history import HandoverHistoryDialog
from ui.handover.printing import HandoverPrinter
from ui.handover.record_view import HandoverRecordDialog


class HandoverLink(QObject):
    """Owns the handover dialogs (one of each at a time) and opens them."""

    sig_message = Signal(str)  # for the status bar

    def __init__(
        self, window: QWidget, gateway: HandoverGateway, *, registry: ActionRegistry, menu: QMenu
    ) -> None:
        super().__init__(window)
        self.window = window
        self.gateway = gateway
        self.draft: HandoverDraftDialog | None = None
        self.history: HandoverHistoryDialog | None = None
        self.record: HandoverRecordDialog | None = None
        self.handovers: dict[int, HandoverSnapshot] = {}
        self.printer = HandoverPrinter(gateway, window)
        self.printer.sig_message.connect(self._on_printer_message)
        # Where a print goes: Qt's save dialog (a test answers with a path of its own).
        self.ask_path: Callable[[str], str] = self._ask_path
        self._looked_after_login = False
        self._tasks = TaskSet()
        registry.menu_entry(OPEN_DRAFT, menu, window, self.open_draft)
        registry.menu_entry(OPEN_HISTORY, menu, window, self.open_history)

    def follow(self, feed: FeedController) -> None:
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    # -- the feed --------------------------------------------------------------------

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.handovers = {h.id: h for h in snapshot.handovers}
        for handover in snapshot.handovers:
            self._apply(handover)
        if not self._looked_after_login:
            self._looked_after_login = True
            waiting = self.waiting_for_me()
            if waiting:
                self.open_handover(waiting[0].id)

    def _on_feed_diff_received(self, diff: Diff) -> None:
        if diff.changes and self.draft is not None and shiboken6.isValid(self.draft):
            self.draft.live_state_changed(len(diff.changes))
        for change in diff.handover_changes():
            if change.handover is not None:
                self.handovers[change.entity_id] = change.handover
                self._apply(change.handover)

    def _apply(self, handover: HandoverSnapshot) -> None:
        if self.record is not None and shiboken6.isValid(self.record):
            self.record.apply_snapshot(handover)

    def waiting_for_me(self) -> list[HandoverSnapshot]:
        """Handovers this console's user should acknowledge now, newest first."""
        actor = self.gateway.commands.actor
        if actor.role is None or not actor.may("handover.acknowledge"):
            return []
        waiting = [
            h
            for h in self.handovers.values()
            if not h.acknowledged and h.given_by != actor.name and h.to_user in (None, actor.name)
        ]
        return sorted(waiting, key=lambda h: h.given_at, reverse=True)

    # -- the dialogs -----------------------------------------------------------------

    def open_draft(self) -> HandoverDraftDialog:
        """Ctrl+H: the draft (the one already open, with its notes, or a new one drafted now)."""
        if self.draft is None or not shiboken6.isValid(self.draft):
            dialog = HandoverDraftDialog(self.gateway, self.window)
            dialog.sig_given.connect(self._on_draft_given)
            dialog.sig_print_requested.connect(self._on_draft_print_requested)
            self.draft = dialog
            dialog.refresh()
        dialog = self.draft
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.tree.setFocus()
        return dialog

    def open_history(self) -> HandoverHistoryDialog:
        """Ctrl+Alt+H: the history, with the search text ready and the latest handovers listed."""
        if self.history is None or not shiboken6.isValid(self.history):
            self.history = HandoverHistoryDialog(self.gateway, self.window)
            self.history.sig_open_requested.connect(self.open_handover)
            self.history.sig_print_requested.connect(self.print_handover)
        self.history.open_history()
        return self.history

    def open_handover(self, handover_id: int) -> HandoverRecordDialog:
        """The handover ``handover_id`` read-only, with Acknowledge when it waits."""
        if self.record is not None and shiboken6.isValid(self.record):
            if self.record.handover_id == handover_id:
                self.record.show()
                self.record.raise_()
                self.record.activateWindow()
                return self.record
            self.record.close()
        dialog = HandoverRecordDialog(self.gateway, handover_id, self.window)
        dialog.sig_acknowledged.connect(self._on_record_acknowledged)
        dialog.sig_print_requested.connect(self.print_handover)
        self.record = dialog
        dialog.load()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _on_draft_given(self, record: HandoverRecord) -> None:
        snapshot = record.snapshot
        self.handovers[snapshot.id] = snapshot
        self.sig_message.emit(
            f"{snapshot.reference} handed over — it waits on the alert stack for acknowledgement"
        )
        if self.draft is not None and shiboken6.isValid(self.draft):
            self.draft.hide()
            self.draft.deleteLater()
        self.draft = None  # the next Ctrl+H drafts afresh

    def _on_record_acknowledged(self, record: HandoverRecord) -> None:
        self.sig_message.emit(
            f"{record.snapshot.reference} acknowledged by {record.snapshot.acknowledged_by}"
        )

    # -- printing --------------------------------------------------------------------

    def _on_draft_print_requested(self) -> None:
        dialog = self.draft
        if dialog is None or dialog.draft is None:
            self.sig_message.emit("wait for the draft before printing it")
            return
        path = self.ask_path("handover-draft.pdf")
        if path:
            self.print_draft(path)

    def print_draft(self, path: str) -> asyncio.Future[Any] | None:
        """Print the draft shown, with the notes typed, to ``path``."""
        dialog = self.draft
        if dialog is None or dialog.draft is None:
            return None
        notes, item_notes, to = dialog.typed()
        return self._tasks.spawn(self.printer.print_draft(dialog.draft, notes, item_notes, to, path))

    def print_handover(self, handover_id: int, path: str | None = None) -> asyncio.Future[Any] | None:
        """Print a given handover to ``path`` (asked for when not given)."""
        if path is None:
            snapshot = self.handovers.get(handover_id)
            name = f"handover-{snapshot.reference}.pdf" if snapshot is not None else "handover.pdf"
            path = self.ask_path(name)
            if not path:
                return None
        return self._tasks.spawn(self.printer.print_handover(handover_id, path))

    def _on_printer_message(self, text: str) -> None:
        self.sig_message.emit(text)
        if self.draft is not None and shiboken6.isValid(self.draft) and self.draft.isVisible():
            self.draft.status.setText(text)  # the dialog is in front of the status bar

    def _ask_path(self, name: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.window, "Print the handover to a PDF", name, "PDF (*.pdf)")
        return path
