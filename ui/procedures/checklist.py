"""``ChecklistPanel``: the shown incident's procedure steps, as the feed last described them.

The panel keeps every incident's checklist (incident id → ``ChecklistSnapshot``) from the
feed's snapshot and from each diff — a checklist change carries the whole checklist, so
it replaces the one kept — and shows the one of the incident the detail panel shows. It
never reads the database: a step marked on any console (this one included) shows here
when the feed brings it, never before.

Each step is one row of two lines: its number, state mark (✓ done, ⤼ skipped, — not
applicable, ○ pending, · waiting on a question) and text; then who does it, its due time
on the UK clock and the time left ("4 min left", amber within five minutes; "overdue 4
min", red), or who marked it and when, and a skipped step's reason. A question step asks
its question. The rows' clocks move once a second (``tick``) while the panel is shown.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.snapshots import ChecklistSnapshot, Diff, Snapshot, StepSnapshot
from controlroom.procedures.checklist import is_overdue, next_step
from ui.common import theme
from ui.common.typed_text import shown_line
from ui.feed.controller import FeedController

Index = QModelIndex | QPersistentModelIndex
STEP_ROLE = Qt.ItemDataRole.UserRole + 1
DUE_SOON = timedelta(minutes=5)  # amber from here on: time to chase it
TICK_MS = 1000
STATE_MARKS = {"done": "✓", "skipped": "⤼", "not_applicable": "—", "pending": "○", "conditional": "·"}
HINT = "K: next step done · Shift+K: skip it · in the steps: Space done, S skip, Y/N answer"
_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole]


def local_hhmm(moment: datetime) -> str:
    return f"{moment.astimezone(LOCAL_TZ):%H:%M}"


def whole_minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def clock_text(step: StepSnapshot, now: datetime) -> str:
    """``due 02:10 · 4 min left`` / ``due 02:10 · overdue 4 min`` for a pending step with a limit."""
    if step.due_at is None:
        return ""
    due = f"due {local_hhmm(step.due_at)}"
    if step.state != "pending":
        return due
    if now > step.due_at:
        return f"{due} · overdue {max(1, whole_minutes(now - step.due_at))} min"
    left = step.due_at - now
    if left < timedelta(minutes=1):
        return f"{due} · under a minute left"
    return f"{due} · {whole_minutes(left)} min left"


def state_text(step: StepSnapshot) -> str:
    """Who marked it and when, why it was skipped, or why it does not apply."""
    at = f" at {local_hhmm(step.at)}" if step.at is not None else ""
    by = shown_line(step.by)
    if step.state == "done":
        answered = f" (answer: {step.answer})" if step.answer else ""
        return f"done by {by}{at}{answered}"
    if step.state == "skipped":
        return f"skipped by {by}{at}: {shown_line(step.reason)}"
    if step.state == "not_applicable":
        return "not applicable"
    if step.state == "conditional" and step.branch_of is not None:
        return f"if step {step.branch_of} is answered {step.branch}"
    return ""


def step_lines(step: StepSnapshot, now: datetime) -> str:
    """The row's two lines (three with a question): what to do, then who, when and what became of it."""
    head = f"{step.number}  {STATE_MARKS.get(step.state, '?')}  {shown_line(step.text)}"
    if step.question and step.state == "pending":
        head += f"\n      ? {shown_line(step.question)}  (Y / N)"
    details = [step.who.capitalize(), clock_text(step, now), state_text(step)]
    return head + "\n      " + " · ".join(part for part in details if part)


class ChecklistModel(QAbstractListModel):
    """The steps of one checklist; ``set_checklist`` updates rows in place for the same incident."""

    def __init__(self, wall_clock: Callable[[], datetime], parent: Any = None) -> None:
        super().__init__(parent)
        self.checklist: ChecklistSnapshot | None = None
        self._steps: list[StepSnapshot] = []
        self._wall_clock = wall_clock
        self._now = wall_clock()
        self._brushes = {
            "text": QBrush(QColor(theme.TEXT)),
            "muted": QBrush(QColor(theme.MUTED)),
            "soon": QBrush(QColor(theme.AMBER)),
            "overdue": QBrush(QColor(theme.BAD)),
        }

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._steps)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not 0 <= row < len(self._steps):
            return None
        step = self._steps[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return step_lines(step, self._now)
        if role == Qt.ItemDataRole.ToolTipRole:
            return step_lines(step, self._now)  # plain text: a tooltip of typed text is never rich
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._brushes[self._tone(step)]
        if role == Qt.ItemDataRole.FontRole and step is self.first_pending():
            font = QFont()
            font.setBold(True)
            return font
        if role == STEP_ROLE:
            return step
        return None

    def _tone(self, step: StepSnapshot) -> str:
        if step.state != "pending":
            return "muted"
        if is_overdue(step, self._now):
            return "overdue"
        if step.due_at is not None and step.due_at - self._now <= DUE_SOON:
            return "soon"
        return "text"

    def first_pending(self) -> StepSnapshot | None:
        return next_step(self.checklist) if self.checklist is not None else None

    def step_at(self, row: int) -> StepSnapshot | None:
        return self._steps[row] if 0 <= row < len(self._steps) else None

    def set_checklist(self, checklist: ChecklistSnapshot | None) -> None:
        """Show ``checklist``: row by row if it is the same incident's with the same steps."""
        self._now = self._wall_clock()
        before = self.checklist
        same = (
            before is not None
            and checklist is not None
            and before.incident_id == checklist.incident_id
            and [s.number for s in before.steps] == [s.number for s in checklist.steps]
        )
        if not same:  # another incident (or a checklist begun afresh): another list
            self.beginResetModel()
            self.checklist = checklist
            self._steps = list(checklist.steps) if checklist is not None else []
            self.endResetModel()
            return
        if checklist is None:  # not reached: ``same`` needs a checklist (mypy cannot tell)
            return
        old_next = self.first_pending()
        self.checklist = checklist
        new_next = self.first_pending()
        for row, step in enumerate(checklist.steps):
            if step != self._steps[row] or step in (old_next, new_next):
                self._steps[row] = step
                self.dataChanged.emit(self.index(row), self.index(row), [*_ROLES, Qt.ItemDataRole.FontRole])

    def tick(self) -> None:
        """The clock moved: the pending steps with a time limit say so."""
        self._now = self._wall_clock()
        for row, step in enumerate(self._steps):
            if step.state == "pending" and step.due_at is not None:
                self.dataChanged.emit(self.index(row), self.index(row), _ROLES)


@dataclass
class ChecklistIndex:
    """Every incident's checklist and reference, as the feed last delivered them."""

    checklists: dict[int, ChecklistSnapshot]
    references: dict[int, str]

    def load(self, snapshot: Snapshot) -> None:
        self.checklists = {c.incident_id: c for c in snapshot.checklists}
        self.references = {i.id: i.reference for i in snapshot.incidents}

    def apply(self, diff: Diff) -> set[int]:
        """Apply a diff; the incidents whose checklist changed."""
        for change in diff.incident_changes():
            if change.incident is not None:
                self.references[change.entity_id] = change.incident.reference
            else:
                self.references.pop(change.entity_id, None)
                self.checklists.pop(change.entity_id, None)
        changed = set()
        for change in diff.checklist_changes():
            changed.add(change.entity_id)
            if change.checklist is not None:
                self.checklists[change.entity_id] = change.checklist
            else:
                self.checklists.pop(change.entity_id, None)
        return changed


SHORT_SCREEN_LINES = 3
TALL_SCREEN_LINES = 9  # three wrapped steps with their who/due line
TALL_SCREEN = 900  # available height (px) from which the steps get their taller share


def checklist_lines(widget: QWidget) -> int:
    """How many text lines the steps list keeps at least, for the screen it opens on."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None and screen.availableGeometry().height() >= TALL_SCREEN:
        return TALL_SCREEN_LINES
    return SHORT_SCREEN_LINES


class ChecklistView(QListView):
    """The steps, one row each (wrapped to the panel's width); the keys act on the current step."""

    def __init__(self, model: ChecklistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklist")
        self.setModel(model)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap when the dock is resized
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSpacing(2)
        # Three lines at least (a step and a half) on a 768-high screen: the detail's fields
        # above must still fit (five lines squeezed a wrapped summary to its first line).
        # On a taller screen the dock layout would still give the steps only that minimum
        # (the map takes the rest), so ask for three steps' worth there.
        self.setMinimumHeight(self.fontMetrics().height() * checklist_lines(self) + 8)


class ElidedLabel(QLabel):
    """One line of plain text cut with "…" to the room it is given (the whole in its tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full = ""

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip("<qt>" + html.escape(text) + "</qt>" if text else "")
        self.updateGeometry()
        self._elide()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:  # noqa: N802
        # As a tab widget's corner widget it is given its size hint: ask only for the room
        # the tabs leave, so they are never squeezed for it.
        wanted = self.fontMetrics().horizontalAdvance(self._full) + 8
        tabs = self.parentWidget()
        if isinstance(tabs, QTabWidget):
            wanted = min(wanted, tabs.width() - tabs.tabBar().sizeHint().width() - 16)
        return QSize(max(0, wanted), super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width()))


class ChecklistPanel(QWidget):
    """The steps of the shown incident's procedure. ``heading`` ("Steps 2/9") is the Steps
    tab's text and ``procedure`` names the procedure and its version beside the tabs (the
    detail places both: at 1366x768 it has no line to spare, nor for the keys, which are
    in the tooltip).

    ``sig_checklist_changed(int)``: the shown incident's checklist changed (the detail
    panel reloads its timeline: a marked step adds a line there).
    """

    sig_checklist_changed = Signal(int)

    def __init__(
        self,
        *,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.index = ChecklistIndex({}, {})
        self.incident_id: int | None = None
        self.model = ChecklistModel(wall_clock, self)
        self.heading = ""
        self.procedure = ElidedLabel()
        self.procedure.setObjectName("formHint")  # muted
        self.view = ChecklistView(self.model)
        self.view.setToolTip(HINT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        self._clock = QTimer(self)
        self._clock.setInterval(TICK_MS)
        self._clock.timeout.connect(self.model.tick)

    def follow(self, feed: FeedController) -> None:
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.load(snapshot)

    def _on_feed_diff_received(self, diff: Diff) -> None:
        self.apply(diff)

    def load(self, snapshot: Snapshot) -> None:
        """A fresh picture (start-up or resynchronisation)."""
        self.index.load(snapshot)
        self._refresh()

    def apply(self, diff: Diff) -> None:
        """Keep the checklists; the shown one's rows change in place."""
        changed = self.index.apply(diff)
        if self.incident_id is not None and self.incident_id in changed:
            self._refresh()
            self.sig_checklist_changed.emit(self.incident_id)

    def show_incident(self, incident_id: int | None) -> None:
        """Show this incident's checklist (none if it has none), its next step in sight."""
        self.incident_id = incident_id
        self._refresh()
        # Once the rows are laid out (their wrapped heights are known): not on every diff,
        # which would pull the list from under an operator reading further down.
        QTimer.singleShot(0, self, self._scroll_to_next)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        # The dock opened (or the Steps tab came to the front): the view has its size only now.
        QTimer.singleShot(0, self, self._scroll_to_next)

    def _scroll_to_next(self) -> None:
        following = self.model.first_pending()
        checklist = self.model.checklist
        if following is not None and checklist is not None:
            row = checklist.steps.index(following)
            self.view.doItemsLayout()  # the wrapped rows' heights, before scrolling by them
            self.view.scrollTo(self.model.index(row), QAbstractItemView.ScrollHint.PositionAtTop)

    def checklist(self, incident_id: int | None = None) -> ChecklistSnapshot | None:
        """The checklist of ``incident_id`` (default: the shown incident) as last delivered."""
        wanted = self.incident_id if incident_id is None else incident_id
        return self.index.checklists.get(wanted) if wanted is not None else None

    @property
    def showing(self) -> bool:
        """Whether the shown incident has a checklist (the detail hides the Steps tab otherwise)."""
        return self.model.checklist is not None

    def reference(self, incident_id: int) -> str | None:
        return self.index.references.get(incident_id)

    def current_step(self) -> StepSnapshot | None:
        """The step under the checklist's cursor, else the next pending one."""
        index = self.view.currentIndex()
        step = self.model.step_at(index.row()) if index.isValid() else None
        return step if step is not None else self.model.first_pending()

    def _refresh(self) -> None:
        checklist = self.checklist()
        self.model.set_checklist(checklist)
        if checklist is None:
            self.heading = ""
            self.procedure.set_full_text("")
            self._clock.stop()
            return
        done = sum(1 for s in checklist.steps if s.state in ("done", "skipped", "not_applicable"))
        self.heading = f"Steps {done}/{len(checklist.steps)}"
        self.procedure.set_full_text(
            f"{shown_line(checklist.title)} (procedures {shown_line(checklist.version)})"
        )
        if not self._clock.isActive():
            self._clock.start()
