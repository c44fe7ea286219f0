"""``IncidentDetailPanel``: the selected incident, its timeline and the next steps.

Everything shown that people typed goes into plain-text labels and list items.
The panel asks the ``IncidentGateway`` for the timeline when the selection changes
and, following the feed itself, whenever a new version of the selected incident
arrives (or a resynchronisation replaces the board).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.domain import Category, Source, Status, grade_label
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import Diff, IncidentSnapshot, Snapshot
from controlroom.incidents.lifecycle import allowed_next
from controlroom.incidents.queries import IncidentDetail
from ui.common.actions import ActionRegistry
from ui.common.tasks import TaskSet
from ui.feed.controller import FeedController
from ui.incidents.action_specs import (
    CALLER_BUTTON,
    DISPATCH,
    DUPLICATE_BUTTON,
    EDIT_BUTTON,
    MOVE_ON,
    STATUS_KEYS,
)
from ui.incidents.gateway import IncidentGateway


class IncidentDetailPanel(QWidget):
    """Detail of one incident; actions go through the ``IncidentGateway``."""

    sig_edit_requested = Signal(object)  # IncidentSnapshot
    sig_message = Signal(str)  # for the status bar: result or error of an action
    sig_dispatch_requested = Signal()

    def __init__(
        self,
        gateway: IncidentGateway,
        *,
        registry: ActionRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.gateway = gateway
        # What this console's role may do: buttons it may not use are not offered.
        self.registry = registry or ActionRegistry(self)
        self.incident: IncidentSnapshot | None = None
        self.detail: IncidentDetail | None = None
        self._load: asyncio.Future[Any] | None = None
        self._actions = TaskSet()
        self.dialog: QInputDialog | None = None
        self.header = _plain("Select an incident")
        self.header.setObjectName("detailHeader")
        self.fields = {
            name: _plain("")
            for name in (
                "Category",
                "Source",
                "Place",
                "Summary",
                "Vulnerable person",
                "Person of concern",
                "Reporter",
                "THRIVE",
                "Ask for Angela",
                "Duplicate of",
            )
        }
        form = QFormLayout()
        for name, label in self.fields.items():
            form.addRow(name, label)
        self.status_row = QHBoxLayout()
        self.edit_button = self.registry.button(EDIT_BUTTON, QPushButton())
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.caller_button = self.registry.button(CALLER_BUTTON, QPushButton())
        self.caller_button.clicked.connect(self.prompt_caller_update)
        self.duplicate_button = self.registry.button(DUPLICATE_BUTTON, QPushButton())
        self.duplicate_button.clicked.connect(self._on_duplicate_clicked)
        actions = QHBoxLayout()
        for button in (self.edit_button, self.caller_button, self.duplicate_button):
            actions.addWidget(button)
        self.timeline = QListWidget()
        self.timeline.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(form)
        layout.addLayout(self.status_row)
        layout.addLayout(actions)
        layout.addWidget(QLabel("Timeline"))
        layout.addWidget(self.timeline, 1)
        self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> None:
        for button in (self.edit_button, self.caller_button, self.duplicate_button):
            button.setEnabled(enabled)

    # -- from the feed -------------------------------------------------------

    def follow(self, feed: FeedController) -> None:
        """Keep the shown incident current (connect after the incident list's model)."""
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        if self.incident is not None:  # after a resync the shown incident may have moved on
            shown = self.incident.id
            self.show_incident(next((i for i in snapshot.incidents if i.id == shown), None))

    def _on_feed_diff_received(self, diff: Diff) -> None:
        for change in diff.incident_changes():
            shown = self.incident
            if shown is not None and change.entity_id == shown.id and change.incident is not None:
                self.show_incident(change.incident)

    # -- showing -------------------------------------------------------------

    def show_incident(self, incident: IncidentSnapshot | None) -> None:
        """Show this incident now and load its timeline."""
        self.incident = incident
        if incident is None:
            self.header.setText("Select an incident")
            self._set_enabled(False)
            return
        self._set_enabled(True)
        self.header.setText(
            f"{incident.reference} · {grade_label(incident.grade)} · "
            f"{Status.of(incident.status).label} · v{incident.version}"
        )
        thrive = ", ".join(f"{k[0].upper()}: {v}" for k, v in (incident.thrive or {}).items() if v)
        values = {
            "Category": Category.of(incident.category).label,
            "Source": Source.of(incident.source).label,
            "Place": incident.place,
            "Summary": incident.summary,
            "Vulnerable person": incident.vulnerable_person,
            "Person of concern": incident.person_of_concern,
            "Reporter": incident.reporter_contact,
            "THRIVE": thrive,
            "Ask for Angela": (incident.angela_outcome or "").replace("_", " "),
        }
        for name, value in values.items():
            self.fields[name].setText(value)
        self._rebuild_status_buttons(incident)
        if self._load is not None and not self._load.done():
            self._load.cancel()
        self._load = asyncio.ensure_future(self._load_timeline(incident.reference))

    def _rebuild_status_buttons(self, incident: IncidentSnapshot) -> None:
        while self.status_row.count():
            item = self.status_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for status in allowed_next(Status.of(incident.status)):
            spec = (
                DISPATCH if status is Status.DISPATCHED else MOVE_ON.get(status, MOVE_ON[Status.ACKNOWLEDGED])
            )
            if not self.registry.may(spec.needs):
                continue
            key = STATUS_KEYS.get(status)
            label = (
                "Reopen"
                if status is Status.ACKNOWLEDGED and incident.status in ("resolved", "closed")
                else status.label
            )
            button = QPushButton(f"{label} [{key}]" if key else label)
            if status is Status.DISPATCHED:
                button.setText("Dispatch units… [D]")
                button.clicked.connect(self.sig_dispatch_requested.emit)
            else:
                button.clicked.connect(lambda _=False, s=status: self.set_status(s))
            self.status_row.addWidget(button)

    async def _load_timeline(self, reference: str) -> None:
        try:
            detail = await self.gateway.detail(reference)
        except ControlroomError as exc:
            self.sig_message.emit(str(exc))
            return
        # The window may have closed while the timeline was loading.
        if not shiboken6.isValid(self) or self.incident is None or self.incident.reference != reference:
            return
        self.detail = detail
        self.fields["Duplicate of"].setText(detail.duplicate_of_reference or "")
        self.timeline.clear()
        for entry in detail.timeline:
            self.timeline.addItem(f"{entry.local_time()}  {entry.actor}  {entry.describe()}")
        self.timeline.scrollToBottom()

    # -- actions -------------------------------------------------------------

    def set_status(self, status: Status) -> asyncio.Future[Any] | None:
        """Move the shown incident to ``status`` (one key on the list)."""
        incident = self.incident
        if incident is None:
            return None
        action = self.gateway.writes.set_status(incident.reference, status.value, incident.version)
        return self._spawn(action, f"{incident.reference}: {status.label}")

    def _spawn(self, action: Any, done_message: str) -> asyncio.Future[Any]:
        return self._actions.spawn(self._run(action, done_message))

    async def _run(self, action: Any, done_message: str) -> None:
        try:
            await action
        except ControlroomError as exc:
            self.sig_message.emit(str(exc))
            return
        self.sig_message.emit(done_message)

    def _on_edit_clicked(self) -> None:
        if self.incident is not None:
            self.sig_edit_requested.emit(self.incident)

    def prompt_caller_update(self) -> None:
        incident = self.incident
        if incident is None:
            return
        reference = incident.reference

        def record(text: str) -> None:
            if text.strip():
                self._spawn(
                    self.gateway.commands.record_caller_updated(reference, text),
                    f"{reference}: reporter update recorded",
                )

        self.dialog = self._ask("Reporter updated", f"What was the reporter told about {reference}?", record)

    def _on_duplicate_clicked(self) -> None:
        incident = self.incident
        if incident is None:
            return

        def link(other: str) -> None:
            if other.strip():
                target = other.strip().upper()
                action = self.gateway.commands.link_duplicate(incident.reference, target, incident.version)
                self._spawn(action, f"{incident.reference}: marked as duplicate of {target}")

        self.dialog = self._ask(
            "Duplicate report", f"{incident.reference} is a duplicate of which reference?", link
        )

    def _ask(self, title: str, label: str, on_text: Callable[[str], None]) -> QInputDialog:
        # Window-modal but not a nested event loop: the feed keeps running meanwhile.
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.textValueSelected.connect(on_text)
        dialog.open()
        return dialog


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # typed text is never rich text
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
