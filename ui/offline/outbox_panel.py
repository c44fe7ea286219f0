"""``OutboxPanel``: writes made offline, waiting to be sent or needing the operator.

Each row is one write from the local outbox, oldest first: pending ones are sent
when the database is back; conflicts (the database refused them on replay) stay
here with the reason until the operator retries them on the incident as it is now
or discards them. Nothing leaves this list without being applied or discarded.
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.offline.outbox import OutboxEntry, ReplayResult
from ui.common import theme
from ui.feed.controller import FeedController
from ui.offline.gateway import OfflineGateway

CONFLICT_COLOUR = QColor(theme.OUTBOX_CONFLICT)
RETRY_MS = 3000


class OutboxPanel(QWidget):
    """The pending / needs-attention list, with retry, discard and send-now."""

    sig_message = Signal(str)
    sig_counts_changed = Signal(int, int)  # pending, conflicts

    def __init__(self, writes: OfflineGateway, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.writes = writes
        self._tasks: set[asyncio.Future[Any]] = set()
        self.entries: list[OutboxEntry] = []
        self.help = QLabel("Changes made while the database was unreachable.")
        self.help.setToolTip(
            "Changes made while the database was unreachable. Pending ones are sent by themselves "
            "when it is back; a conflict was refused when sent — retry it on the incident as it is "
            "now, or discard it."
        )
        self.help.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._on_list_current_changed)
        self.send_button = QPushButton("&Send now")
        self.send_button.clicked.connect(self.replay)
        self.retry_button = QPushButton("&Retry")
        self.retry_button.setToolTip("Apply the refused change to the incident as it is now")
        self.retry_button.clicked.connect(self._on_retry_clicked)
        self.discard_button = QPushButton("&Discard")  # not Dis&card: Alt+C opens the Console menu
        self.discard_button.clicked.connect(self._on_discard_clicked)
        buttons = QHBoxLayout()
        for button in (self.send_button, self.retry_button, self.discard_button):
            buttons.addWidget(button)
        self.setMinimumWidth(0)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.help)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        # A write can be queued while the feed still looks connected (it timed out, or the
        # link dropped between polls): while online, pending writes are retried every few seconds.
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._on_retry_timeout)
        writes.add_outbox_listener(self.refresh)
        self.refresh()

    # -- showing -------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the outbox (a handful of rows from a local file)."""
        selected = self.selected()
        self.entries = self.writes.outbox_entries()
        self.list.clear()
        for entry in self.entries:
            item = QListWidgetItem(_line(entry))
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            if entry.is_conflict:
                item.setForeground(QBrush(CONFLICT_COLOUR))
            self.list.addItem(item)
            if selected is not None and entry.id == selected.id:
                self.list.setCurrentItem(item)
        self._on_list_current_changed(self.list.currentRow())
        pending = sum(1 for e in self.entries if not e.is_conflict)
        if pending and self.writes.online and not self._retry.isActive():
            self._retry.start()
        self.sig_counts_changed.emit(pending, len(self.entries) - pending)

    def selected(self) -> OutboxEntry | None:
        row = self.list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _on_list_current_changed(self, _row: int) -> None:
        entry = self.selected()
        self.retry_button.setEnabled(entry is not None and entry.is_conflict)
        self.discard_button.setEnabled(entry is not None)
        self.send_button.setEnabled(any(not e.is_conflict for e in self.entries) and self.writes.online)

    # -- acting --------------------------------------------------------------

    def follow(self, feed: FeedController) -> None:
        """Replay when the feed is back (connect after the gateway hears of it)."""
        feed.sig_connection_changed.connect(self._on_feed_connection_changed)

    def _on_feed_connection_changed(self, ok: bool, _message: str) -> None:
        self.on_connection_changed(ok)

    def on_connection_changed(self, ok: bool) -> None:
        """Back online: send what waits (the feed has just resynchronised)."""
        self._on_list_current_changed(self.list.currentRow())
        if ok:
            self.replay()

    def replay(self) -> asyncio.Future[Any]:
        task = asyncio.ensure_future(self._replay())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _replay(self) -> None:
        result = await self.writes.replay_outbox()
        if result is not None:
            self.sig_message.emit(_summary(result))

    def _on_retry_timeout(self) -> None:
        if self.writes.online:
            self.replay()

    def _on_retry_clicked(self) -> None:
        entry = self.selected()
        if entry is not None and entry.is_conflict:
            self.writes.retry_outbox_entry(entry.id)
            if self.writes.online:
                self.replay()

    def _on_discard_clicked(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.writes.discard_outbox_entry(entry.id)
            self.sig_message.emit(f"Discarded: {entry.describe()}")


def _line(entry: OutboxEntry) -> str:
    if entry.is_conflict:
        return f"⚠ NEEDS ATTENTION · {entry.local_time()} · {entry.describe()}\n    {entry.problem}"
    return f"⏳ pending · {entry.local_time()} · {entry.describe()}"


def _summary(result: ReplayResult) -> str:
    parts = []
    if result.applied:
        sent = ", ".join(snapshot.reference for _entry, snapshot in result.applied)
        parts.append(f"sent {len(result.applied)} change(s) made offline ({sent})")
    if result.conflicts:
        parts.append(f"{len(result.conflicts)} refused — see Pending")
    if result.interrupted:
        parts.append(f"stopped: {result.interrupted}")
    return "; ".join(parts) or "nothing to send"
