"""``DecisionsPanel``: the Decisions dock — tonight's decision log, keyboard-first.

The list follows the feed (``DecisionTableModel``: newest first, applied as diffs) and is
narrowed by words and by a linked incident (``DecisionFilter``). On the list: Enter reads the
selected decision with its revision chain (``DecisionView``), N records a new one
(``DecisionForm``, its links pre-filled from the incident selected on the board), R revises
the selected one, P prints the decision log — of the incident typed in the incident filter,
else of tonight — to a PDF through the core's paper, as the command line prints it.

There is no edit and no delete: the log is append-only, and the dock says so. An operator
may revise only their own decisions; the core refuses anything else whatever the window
offers, and the window does not invite it (R says whose decision it is instead).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.domain import operational_night
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import DecisionSnapshot, Diff, Snapshot
from ui.common.actions import ActionRegistry, ActionSpec
from ui.common.justification_dialog import JustificationDialog
from ui.common.table_fit import fit_table
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line
from ui.decisions.action_specs import NEW_DECISION, PRINT_DECISIONS, READ_DECISION, REVISE_DECISION
from ui.decisions.form import DecisionForm
from ui.decisions.gateway import DecisionGateway
from ui.decisions.model import (
    AUTHOR,
    REFERENCE,
    REVISION,
    SUBJECT,
    TIME,
    DecisionFilter,
    DecisionTableModel,
)
from ui.decisions.printing import DecisionLogPrinter
from ui.decisions.view import DecisionView
from ui.feed.controller import FeedController

APPEND_ONLY = "Decisions cannot be changed: revise to record a later decision."
KEYS = "Enter read · N new · R revise · P print"
LIST_MIN_ROWS = 3
DOCK_SHARE = 0.45  # of the window's height, when F10 brings the dock up in a short stack


class DecisionsPanel(QWidget):
    """The night's decisions and the keys to read, record, revise and print them."""

    sig_message = Signal(str)  # for the status bar
    sig_printed = Signal(str)  # the PDF written
    sig_count_changed = Signal(int)  # decisions listed (the dock's title shows it)

    def __init__(
        self,
        gateway: DecisionGateway,
        *,
        registry: ActionRegistry,
        selected_incident: Callable[[], str | None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.gateway = gateway
        self.registry = registry
        self.selected_incident = selected_incident
        self.form: DecisionForm | None = None
        self.view: DecisionView | None = None
        self._select_on_arrival: int | None = None
        self._tasks = TaskSet()
        self.printer = DecisionLogPrinter(gateway, self)
        self.printer.sig_message.connect(self.say)
        self.printer.sig_printed.connect(self.sig_printed)
        self.model = DecisionTableModel(self)
        self.proxy = DecisionFilter(self)
        self.proxy.setSourceModel(self.model)
        # The dock's own title says "Decisions" and how many tonight; one line under it, that they stay.
        self.note = QLabel(APPEND_ONLY)
        self.note.setObjectName("formHint")
        self.note.setWordWrap(True)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("filter: words, reference, author")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.textChanged.connect(self.proxy.set_text)
        self.incident_filter = QLineEdit()
        self.incident_filter.setPlaceholderText("linked incident")
        self.incident_filter.setClearButtonEnabled(True)
        self.incident_filter.textChanged.connect(self.proxy.set_incident)
        for edit in (self.text_filter, self.incident_filter):
            edit.returnPressed.connect(self.focus_list)
        self.table = self._make_table()
        # What the dock last said goes to the window's status bar (``sig_message``): a line of
        # its own here took the list's last row at 1366x768.
        self.last_message = ""
        self.buttons: dict[str, QPushButton] = {}
        self.shortcuts: dict[str, Any] = {}
        buttons = QHBoxLayout()
        # No mnemonics: the window's Alt letters are its menus' and tabs' (tests/ui/shell/test_actions.py).
        for spec, text, slot in (
            (NEW_DECISION, "New  N", self.open_new),
            (REVISE_DECISION, "Revise  R", self.open_revise),
            (READ_DECISION, "Read  Enter", self.open_read),
            (PRINT_DECISIONS, "Print…  P", self.ask_print),
        ):
            self.shortcuts[spec.name] = registry.shortcut(spec, self.table, slot)
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, s=slot: s())
            buttons.addWidget(button)
            self.buttons[spec.name] = button
        buttons.addStretch(1)
        filters = QHBoxLayout()
        filters.addWidget(self.text_filter, 3)
        filters.addWidget(self.incident_filter, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.note)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("decisionList")
        table.setModel(self.proxy)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.setToolTip(KEYS)
        fit_table(
            table,
            {
                REFERENCE: "D-0000",
                TIME: "23:59",
                SUBJECT: "Close Velvet Fox's door",
                REVISION: "revised by D-0000",
                AUTHOR: "supervisor_1",
            },
        )
        # Never squeezed to a row or two by the docks around it (1366x768, tabbed under the map).
        rows = table.verticalHeader().defaultSectionSize() * LIST_MIN_ROWS
        table.setMinimumHeight(rows + table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth())
        return table

    # -- the feed ----------------------------------------------------------------------

    def follow(self, feed: FeedController) -> None:
        """Keep the list current from the feed (the snapshot, then diffs)."""
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        chosen = self.selected_decision()
        self.model.reset(snapshot.decisions)
        if chosen is not None:
            self.select_decision(chosen.id)
        self._count()

    def _on_feed_diff_received(self, diff: Diff) -> None:
        decisions = [c.decision for c in diff.decision_changes() if c.decision is not None]
        if not decisions:
            return
        self.model.apply(decisions)
        self._count()
        if self._select_on_arrival is not None and self.select_decision(self._select_on_arrival):
            self._select_on_arrival = None
        self._on_selection_changed()

    def _count(self) -> None:
        count = self.model.rowCount()
        self.sig_count_changed.emit(count)

    # -- the list ----------------------------------------------------------------------

    def make_room(self, dock: QDockWidget) -> None:
        """Give the docked list its rows: tabbed under the map at 1366x768 it would get two."""
        window = dock.parentWidget()
        if dock.isFloating() or not isinstance(window, QMainWindow):
            return
        wanted = max(self.minimumSizeHint().height() + dock.height() - self.height(), 0)
        wanted = max(wanted, int(window.height() * DOCK_SHARE))
        if dock.height() < wanted:
            window.resizeDocks([dock], [wanted], Qt.Orientation.Vertical)

    def focus_list(self) -> None:
        """The keyboard on the list, its current row selected (the dock's first stop)."""
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)
        self.table.setFocus()

    def selected_decision(self) -> DecisionSnapshot | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.decision_at(self.proxy.mapToSource(index).row())

    def select_decision(self, decision_id: int) -> bool:
        row = self.model.row_of(decision_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def decision_rows(self) -> list[tuple[str, ...]]:
        """The rows as shown (after the filter), each cell's text: what a reader sees."""
        columns = range(self.proxy.columnCount())
        return [
            tuple(str(self.proxy.index(row, column).data() or "") for column in columns)
            for row in range(self.proxy.rowCount())
        ]

    def _on_table_current_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._on_selection_changed()

    def _on_selection_changed(self) -> None:
        decision = self.selected_decision()
        revise = self.buttons[REVISE_DECISION.name]
        revise.setEnabled(decision is not None and self.may_revise(decision))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        # The role is applied after the dock is made: each button follows its key's offer.
        for spec in (NEW_DECISION, REVISE_DECISION, READ_DECISION, PRINT_DECISIONS):
            self.buttons[spec.name].setVisible(self.registry.may(spec.needs))
        if not self.gateway.on_the_feed and self.registry.may(READ_DECISION.needs):
            self.read_tonight()

    def read_tonight(self) -> asyncio.Future[Any]:
        """Tonight's decisions read from the log, for a role the feed does not bring them to."""
        self.note.setText(f"{APPEND_ONLY} Read from the log when shown (not live).")
        return self._tasks.spawn(self._read_tonight())

    async def _read_tonight(self) -> None:
        try:
            decisions = await self.gateway.night(self.tonight())
        except ControlroomError as refusal:
            self.say(f"tonight's decisions could not be read: {refusal}")
            return
        if shiboken6.isValid(self):
            # A new read of the log, not a change to the one shown: a reset is right here.
            self.model.reset(decisions)
            self._count()

    # -- record and revise -------------------------------------------------------------

    def tonight(self) -> date:
        return operational_night(self.gateway.commands.clock())

    def may_revise(self, decision: DecisionSnapshot) -> bool:
        """Supervisors revise any decision; an operator only their own (the core's rule)."""
        actor = self.gateway.actor
        return self._offered(REVISE_DECISION) and (
            actor.role != "operator" or decision.recorded_by == actor.name
        )

    def _offered(self, spec: ActionSpec) -> bool:
        return self.registry.may(spec.needs)

    def open_new(self) -> DecisionForm | None:
        """N: a new decision, linked to the incident selected on the board (else the whole night)."""
        if not self._offered(NEW_DECISION):
            return None
        incident = self.selected_incident()
        return self._open_form(
            lambda: DecisionForm(self.gateway.record, self.tonight(), incident=incident, parent=self.window())
        )

    def open_revise(self) -> DecisionForm | None:
        """R: a later decision revising the selected one, pre-filled from it."""
        decision = self.selected_decision()
        if decision is None:
            self.say("Choose the decision to revise first (Up/Down on the list)")
            return None
        if decision.revised_by:
            latest = decision.revised_by[-1]
            self.say(f"{decision.reference} is already revised by {latest}: revise {latest} instead")
            return None
        if not self.may_revise(decision):
            self.say(
                f"{decision.reference} is {shown_line(decision.recorded_by)}'s decision: an operator revises "
                "only their own; ask a supervisor"
            )
            return None
        return self._open_form(
            lambda: DecisionForm(self.gateway.record, self.tonight(), revising=decision, parent=self.window())
        )

    def _open_form(self, make: Callable[[], DecisionForm]) -> DecisionForm:
        open_form = self.form
        if open_form is not None and shiboken6.isValid(open_form) and open_form.isVisible():
            if open_form.guard.changed():
                # One form at a time, and typed words are never thrown away by a second key.
                self.say("A decision form is open with words typed: record it or cancel it first")
                open_form.raise_()
                open_form.activateWindow()
                return open_form
            open_form.guard.discard_now()
        form = self.form = make()
        form.sig_recorded.connect(self._on_form_recorded)
        back_to = self.table
        form.finished.connect(lambda _r: back_to.setFocus() if shiboken6.isValid(back_to) else None)
        form.show()
        form.activateWindow()
        return form

    def _on_form_recorded(self, decision: DecisionSnapshot) -> None:
        revises = f", revising {decision.revises_reference}" if decision.revises_reference else ""
        self.say(f"{decision.reference} recorded{revises}: {shown_line(decision.subject)}")
        if not self.select_decision(decision.id):
            self._select_on_arrival = decision.id  # it comes with the feed's next diff

    # -- read --------------------------------------------------------------------------

    def open_read(self) -> asyncio.Future[Any] | None:
        """Enter: the selected decision read-only, with its revision chain (read from the core)."""
        decision = self.selected_decision()
        if decision is None:
            self.say("Choose a decision to read first (Up/Down on the list)")
            return None
        return self._tasks.spawn(self._read(decision.reference))

    async def _read(self, reference: str) -> DecisionView | None:
        try:
            chain = await self.gateway.chain(reference)
        except ControlroomError as refusal:
            self.say(f"{reference} could not be read: {refusal}")
            return None
        if not shiboken6.isValid(self):
            return None
        if self.view is not None and shiboken6.isValid(self.view):
            self.view.close()
        self.view = DecisionView(chain, self.window())
        self.view.show()
        self.view.activateWindow()
        return self.view

    # -- print -------------------------------------------------------------------------

    def print_scope(self) -> tuple[date | None, str | None]:
        """What P prints: the incident typed in the incident filter, else tonight."""
        incident = self.incident_filter.text().strip()
        return (None, incident) if incident else (self.tonight(), None)

    def ask_print(self) -> None:
        """P: choose the file, then say why and for whom (logged), then the PDF is written."""
        if not self._offered(PRINT_DECISIONS):
            return
        night, incident = self.print_scope()
        name = f"decision-log-{incident or night}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Print the decision log", name, "PDF (*.pdf)")
        if path:
            self.print_to(path)

    def print_to(self, path: str) -> asyncio.Future[Any]:
        """Print the log (``print_scope``) to ``path``, once the disclosure is logged."""
        night, incident = self.print_scope()
        return self._tasks.spawn(self.printer.print_log(path, night=night, incident=incident))

    @property
    def disclosure(self) -> JustificationDialog | None:
        """The why-and-for-whom question of the print under way, if any."""
        return self.printer.disclosure

    def say(self, text: str) -> None:
        if not shiboken6.isValid(self):
            return
        self.last_message = text
        self.sig_message.emit(text)
