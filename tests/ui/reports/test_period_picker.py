"""Dates typed into the Reports dock's picker as people write them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Qt

from ui.reports.period_picker import RANGE, PeriodPicker


def test_dates_typed_with_slashes_and_enter_runs_the_period(qtbot: Any) -> None:
    picker = PeriodPicker(clock=lambda: datetime(2026, 12, 3, 15, tzinfo=UTC))
    qtbot.addWidget(picker)
    picker.show()
    picker.set_choice(RANGE)
    for edit, text in ((picker.first, "26/11/2026"), (picker.second, "2/12/2026")):
        edit.setFocus()
        qtbot.waitUntil(edit.hasFocus)
        qtbot.keyClicks(edit, text)
    with qtbot.waitSignal(picker.sig_run_requested) as run:
        qtbot.keyClick(picker.second, Qt.Key.Key_Return)
    period = run.args[0]
    assert (period.night, period.start, period.end) == (False, date(2026, 11, 26), date(2026, 12, 2))
