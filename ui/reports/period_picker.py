"""``PeriodPicker``: which night or period a report covers, chosen with the keyboard.

What to report ("Last night", "A night", "A week from", "A month", "From – to") and the
date or dates that choice needs (the others hidden); under it an optional before/after
date, and Run. Tab walks them in that order and Enter anywhere in the picker runs it.

The picker never judges the dates itself: a night in the future, a "from" after the
"to", a period before the first record are refused by the core in the words the CLI
prints (``report-night`` / ``report-period``), and the dock shows those words beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.writes import utcnow
from ui.reports.work import LAST_NIGHT, MONTH, NIGHT, RANGE, WEEK, ReportPeriod, chosen_period, last_night

CHOICES = (
    (LAST_NIGHT, "Last night"),
    (NIGHT, "A night"),
    (WEEK, "A week from"),
    (MONTH, "A month"),
    (RANGE, "From – to"),
)
DATE_FORMAT = "dd/MM/yyyy"
MONTH_FORMAT = "MMMM yyyy"


SEPARATORS = {Qt.Key.Key_Slash, Qt.Key.Key_Period, Qt.Key.Key_Minus}


class DateField(QDateEdit):
    """A date typed as people write it: "26/11/2026" as well as "26112026".

    QDateEdit moves on to the month by itself once two digits of the day are typed; the
    "/" typed next then moved on once more, so "26/11/2026" put 11 into the year. A
    separator typed straight after such a move is taken as already done.
    """

    def __init__(self) -> None:
        super().__init__()
        self._typed = False  # a digit typed in the section the cursor is in

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = Qt.Key(event.key())
        if key in SEPARATORS and not self._typed:
            event.accept()
            return
        section = self.currentSection()
        super().keyPressEvent(event)
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
            self._typed = self.currentSection() == section
        else:
            self._typed = False

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        self._typed = False


def _date_edit(name: str) -> QDateEdit:
    edit = DateField()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


def _day(edit: QDateEdit) -> date:
    shown = edit.date()
    return date(shown.year(), shown.month(), shown.day())


class PeriodPicker(QWidget):
    """The choice, its dates, the optional before/after date and Run; Enter runs."""

    sig_run_requested = Signal(object)  # ReportPeriod

    def __init__(self, clock: Callable[[], datetime] = utcnow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.choice = QComboBox()
        self.choice.setObjectName("report_choice")
        for key, text in CHOICES:
            self.choice.addItem(text, key)
        self.first = _date_edit("report_first")
        self.to_label = QLabel("to")
        self.second = _date_edit("report_second")
        self.compare = QCheckBox("Before/after")
        self.compare.setToolTip("Compare the nights before this date with the nights from it")
        self.pivot = _date_edit("report_before_after")
        self.run = QPushButton("Run")
        self.run.setObjectName("report_run")
        self.run.setDefault(True)
        # Two rows, so the docked pane stays as narrow as the boards it shares a place with.
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        for widgets in (
            (self.choice, self.first, self.to_label, self.second),
            (self.compare, self.pivot, self.run),
        ):
            row = QHBoxLayout()
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)
            rows.addLayout(row)
        self._set_dates(last_night(clock()))
        self.choice.currentIndexChanged.connect(self._on_choice_changed)
        self.compare.toggled.connect(self._on_compare_toggled)
        self.run.clicked.connect(self.request_run)
        self._on_choice_changed()

    def _set_dates(self, night: date) -> None:
        self.first.setDate(QDate(night.year, night.month, night.day))
        self.second.setDate(QDate(night.year, night.month, night.day))
        self.pivot.setDate(QDate(night.year, night.month, night.day))

    def set_choice(self, key: str) -> None:
        self.choice.setCurrentIndex(self.choice.findData(key))

    def period(self) -> ReportPeriod:
        """What the picker says now."""
        pivot = _day(self.pivot) if self.compare.isChecked() else None
        return chosen_period(
            str(self.choice.currentData()), _day(self.first), _day(self.second), self._clock(), pivot
        )

    def request_run(self) -> None:
        self.sig_run_requested.emit(self.period())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # Enter in any field of the row runs the report (a date edit does not take it itself).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.request_run()
            return
        super().keyPressEvent(event)

    def _on_choice_changed(self) -> None:
        choice = self.choice.currentData()
        self.first.setVisible(choice != LAST_NIGHT)
        self.first.setDisplayFormat(MONTH_FORMAT if choice == MONTH else DATE_FORMAT)
        self.to_label.setVisible(choice == RANGE)
        self.second.setVisible(choice == RANGE)
        periods = choice in (WEEK, MONTH, RANGE)
        self.compare.setVisible(periods)
        self.pivot.setVisible(periods and self.compare.isChecked())

    def _on_compare_toggled(self, checked: bool) -> None:
        self.pivot.setVisible(checked and self.compare.isVisible())
