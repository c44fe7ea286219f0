"""``IncidentDetailPanel``: the selected incident, its timeline and the next steps.

Everything shown that people typed goes into plain-text labels and list items.
The panel asks the ``IncidentGateway`` for the timeline when the selection changes
and, following the feed itself, whenever a new version of the selected incident
arrives (or a resynchronisation replaces the board). From the same feed it keeps
the last day's references, newest first, for the duplicate dialog to complete: the
number tail ("0021") is enough. A linked duplicate says so in its header. An incident
with a procedure shows its checklist (``ui.procedures``) above the timeline; the
timeline is reloaded when a step of the shown incident is marked (on any console).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.domain import Category, Source, Status, VenueLink, grade_label
from controlroom.core.errors import ControlroomError, ValidationError
from controlroom.core.snapshots import Diff, IncidentSnapshot, Snapshot
from controlroom.incidents.lifecycle import allowed_next
from controlroom.incidents.queries import IncidentDetail
from ui.common.actions import ActionRegistry
from ui.common.dialog_parts import DiscardGuard, accept_cancel, error_label
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line, shown_lines
from ui.feed.controller import FeedController
from ui.incidents.action_specs import (
    CALLER_BUTTON,
    DISPATCH,
    DUPLICATE_BUTTON,
    EDIT_BUTTON,
    MOVE_ON,
    REOPEN,
    STATUS_KEYS,
)
from ui.incidents.gateway import IncidentGateway
from ui.procedures.checklist import ChecklistPanel
from ui.procedures.steps import StepActions


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
        self.duplicate_dialog: DuplicateDialog | None = None
        self._known: dict[int, IncidentSnapshot] = {}  # for the duplicate dialog's completion
        self.header = _plain("Select an incident")
        self.header.setObjectName("detailHeader")
        self.fields = {
            name: _plain("")
            for name in (
                "Category",
                "Source",
                "Place",
                "Link to venue",
                "Summary",
                "Vulnerable person",
                "Person of concern",
                "Reporter",
                "THRIVE",
                "Ask for Angela",
                "Duplicate of",
            )
        }
        form = self.form = QFormLayout()
        for name, label in self.fields.items():
            form.addRow(name, label)
            form.setRowVisible(label, name in ALWAYS_SHOWN)
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
        self.checklist = ChecklistPanel()
        self.checklist.sig_checklist_changed.connect(self._on_checklist_changed)
        self.steps = StepActions(gateway.commands, self.checklist, registry=self.registry, parent=self)
        self.steps.sig_message.connect(self.sig_message)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(form)
        layout.addLayout(self.status_row)
        layout.addLayout(actions)
        # Steps and timeline share the room the timeline had: at 1366x768 the fields above
        # have none to give (both on top of each other squeezed the fields unreadable).
        self.steps_and_timeline = QTabWidget()
        self.steps_and_timeline.setObjectName("detailLower")
        # The procedure's name beside the tabs, cut to the room left (whole in its tooltip).
        self.steps_and_timeline.setCornerWidget(self.checklist.procedure)
        self.steps_and_timeline.addTab(self.checklist, STEPS_TAB)
        self.steps_and_timeline.addTab(self.timeline, TIMELINE_TAB)
        layout.addWidget(self.steps_and_timeline, 1)
        self._show_steps()
        self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> None:
        for button in (self.edit_button, self.caller_button, self.duplicate_button):
            button.setEnabled(enabled)

    # -- from the feed -------------------------------------------------------

    def follow(self, feed: FeedController) -> None:
        """Keep the shown incident current (connect after the incident list's model)."""
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)
        self.checklist.follow(feed)

    def _on_checklist_changed(self, incident_id: int) -> None:
        # A step marked adds a timeline line but leaves the incident's version alone.
        if self.incident is not None and self.incident.id == incident_id:
            self._show_steps()
            self._reload_timeline(self.incident.reference)

    def _show_steps(self) -> None:
        """The Steps tab while the shown incident has a checklist (in front when it first shows)."""
        shown = self.checklist.showing
        steps = self.steps_and_timeline.indexOf(self.checklist)
        self.steps_and_timeline.setTabText(steps, self.checklist.heading or STEPS_TAB)
        if shown and not self.steps_and_timeline.isTabVisible(steps):
            self.steps_and_timeline.setTabVisible(steps, True)
            self.steps_and_timeline.setCurrentIndex(steps)
        elif not shown:
            self.steps_and_timeline.setTabVisible(steps, False)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self._known = {i.id: i for i in snapshot.incidents}
        if self.incident is not None:  # after a resync the shown incident may have moved on
            shown = self.incident.id
            self.show_incident(next((i for i in snapshot.incidents if i.id == shown), None))

    def _on_feed_diff_received(self, diff: Diff) -> None:
        for change in diff.incident_changes():
            if change.incident is not None:
                self._known[change.entity_id] = change.incident
            else:
                self._known.pop(change.entity_id, None)
            shown = self.incident
            if shown is not None and change.entity_id == shown.id and change.incident is not None:
                self.show_incident(change.incident)

    # -- showing -------------------------------------------------------------

    def show_incident(self, incident: IncidentSnapshot | None) -> None:
        """Show this incident now and load its timeline."""
        self.incident = incident
        self.checklist.show_incident(incident.id if incident is not None else None)
        self._show_steps()
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
            "Link to venue": VenueLink.of(incident.venue_link).label if incident.venue_link else "",
            "Summary": incident.summary,
            "Vulnerable person": incident.vulnerable_person,
            "Person of concern": incident.person_of_concern,
            "Reporter": incident.reporter_contact,
            "THRIVE": thrive,
            "Ask for Angela": (incident.angela_outcome or "").replace("_", " "),
        }
        for name, value in values.items():
            self.fields[name].setText(shown_lines(value))
            self.form.setRowVisible(self.fields[name], bool(value) or name in ALWAYS_SHOWN)
        self._rebuild_status_buttons(incident)
        self._reload_timeline(incident.reference)

    def _reload_timeline(self, reference: str) -> None:
        if self._load is not None and not self._load.done():
            self._load.cancel()
        self._load = asyncio.ensure_future(self._load_timeline(reference))

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
            label = status.label
            if status is Status.ACKNOWLEDGED and incident.status in ("resolved", "closed"):
                label, key = REOPEN.text, REOPEN.key  # the key the list binds to reopening
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
        self.form.setRowVisible(self.fields["Duplicate of"], bool(detail.duplicate_of_reference))
        if detail.duplicate_of_reference:  # its own status says why its clock stopped
            shown = self.incident
            self.header.setText(
                f"{shown.reference} · {grade_label(shown.grade)} · "
                f"Duplicate of {detail.duplicate_of_reference} · v{shown.version}"
            )
        self.timeline.clear()
        for entry in detail.timeline:
            self.timeline.addItem(shown_line(f"{entry.local_time()}  {entry.actor}  {entry.describe()}"))
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

    def recent_references(self, incident: IncidentSnapshot) -> list[str]:
        """References reported in the day before ``incident`` (or after it), newest first."""
        since = incident.reported_at - RECENT
        recent = [i for i in self._known.values() if i.id != incident.id and i.reported_at >= since]
        recent.sort(key=lambda i: (i.reported_at, i.id), reverse=True)
        return [i.reference for i in recent]

    def _on_duplicate_clicked(self) -> None:
        incident = self.incident
        if incident is None:
            return
        if self.duplicate_dialog is not None:
            self.duplicate_dialog.close()
        dialog = DuplicateDialog(incident, self.recent_references(incident), self.link_duplicate, self)
        self.duplicate_dialog = dialog
        dialog.open()
        dialog.reference.setFocus()

    async def link_duplicate(self, incident: IncidentSnapshot, target: str) -> None:
        """Link ``incident`` as a duplicate of ``target``; a refusal is raised to the dialog."""
        await self.gateway.commands.link_duplicate(incident.reference, target, incident.version)
        self.sig_message.emit(f"{incident.reference}: closed as a duplicate of {target}")

    def _ask(self, title: str, label: str, on_text: Callable[[str], None]) -> QInputDialog:
        # Window-modal but not a nested event loop: the feed keeps running meanwhile.
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.textValueSelected.connect(on_text)
        dialog.open()
        return dialog


RECENT = timedelta(hours=24)
STEPS_TAB, TIMELINE_TAB = "Steps", "Timeline"  # no Alt letters: the window's are all taken
# Rows shown even when empty; the others only when they say something (an empty "THRIVE"
# row costs the checklist below a line at 1366x768).
ALWAYS_SHOWN = frozenset({"Category", "Source", "Place", "Summary"})


class DuplicateDialog(QDialog):
    """Which incident is this one a duplicate of? The reference completes from its number tail."""

    def __init__(
        self,
        incident: IncidentSnapshot,
        references: Sequence[str],
        link: Callable[[IncidentSnapshot, str], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.incident = incident
        self.references = list(references)
        self._link = link
        self._task: asyncio.Future[Any] | None = None
        self.setWindowTitle("Duplicate report")
        question = _plain(
            f"{incident.reference} is a duplicate of which incident? Linking closes "
            f"{incident.reference}: its target clock and alert stop; both records stay."
        )
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Its number is enough, e.g. 0021")
        completer = QCompleter(self.references, self)  # kept in the given order: newest first
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.reference.setCompleter(completer)
        self.error = error_label()
        self.link_button = QPushButton("&Link as duplicate")
        buttons = accept_cancel(self, self.link_button, self.save)
        form = QFormLayout()
        form.addRow(question)
        form.addRow("&Duplicate of", self.reference)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.guard = DiscardGuard(self, "link")

    def reject(self) -> None:
        if self.guard.may_close():
            super().reject()

    def target(self) -> str:
        """The full reference typed, or the one recent reference the typed tail ends."""
        typed = self.reference.text().strip().upper()
        if not typed:
            raise ValidationError("Duplicate of: type the other incident's reference or its number")
        if typed in self.references or typed.count("-") >= 2:
            return typed
        matches = [r for r in self.references if r.endswith(typed)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(f"no incident of the last day ends in {typed}; type its full reference")
        raise ValidationError(f"{typed} could be {', '.join(matches[:4])}: type more of the reference")

    def save(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self.error.setText("")
        try:
            target = self.target()
        except ValidationError as exc:
            self.error.setText(str(exc))
            return
        self._task = asyncio.ensure_future(self._save(target))

    async def _save(self, target: str) -> None:
        self.link_button.setEnabled(False)
        try:
            await self._link(self.incident, target)
        except ControlroomError as exc:
            self.error.setText(str(exc))
            return
        finally:
            self.link_button.setEnabled(True)
        self.accept()


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # typed text is never rich text
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
