"""The window says what went wrong with the database in its own words, and keeps what was typed."""

from __future__ import annotations

import sqlite3
from typing import Any

from controlroom.incidents.reporting import NewIncident
from tests.ui.waits import wait_until
from ui.common.failures import FailureDialogs


def add_unique_summaries(url: str) -> None:
    """A unique index the program does not know (as a site's own tooling might add)."""
    with sqlite3.connect(url.split("///", 1)[1]) as conn:
        conn.execute("CREATE UNIQUE INDEX site_one_summary ON incidents (summary)")


def test_a_database_failure_on_save_is_said_in_the_form_and_the_form_kept(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    taken = window.model.incidents()[0].summary
    add_unique_summaries(demo_url)
    rows = window.model.rowCount()
    form = window.incident_actions.new_incident()
    form.place.setText("By the fountain")
    form.set_point(50.9070, -1.3990)  # as if the operator clicked the map
    form.category.setCurrentIndex(form.category.findData("harassment"))
    form.summary.setText(taken)
    form.save()
    wait_until(
        qtbot, lambda: "already recorded" in form.error.text(), f"the form says: {form.error.text()!r}"
    )
    said = form.error.text()
    assert "summary" in said and "Nothing was saved" in said and "Traceback" not in said
    assert form.isVisible() and form.summary.text() == taken and form.save_button.isEnabled()
    assert window.model.rowCount() == rows


def test_a_task_failing_on_the_database_opens_one_dialog_in_the_windows_words(
    demo_url: str, open_window: Any, qtbot: Any, qt_loop: Any
) -> None:
    window = open_window(demo_url)
    add_unique_summaries(demo_url)
    taken = window.model.incidents()[0].summary
    previous = qt_loop.get_exception_handler()
    dialogs = FailureDialogs(qt_loop, demo_url, parent=window)
    try:
        new = NewIncident(
            category="harassment",
            source="cctv",
            summary=taken,
            place="By the fountain",
            lat=50.907,
            lon=-1.399,
        )
        # Started and forgotten, as a handler's task is: nobody awaits its failure.
        qt_loop.create_task(window.commands.report_incident(new))
        wait_until(
            qtbot,
            lambda: dialogs.dialog is not None and dialogs.dialog.isVisible(),
            "the failure dialog opened",
            timeout=5000,
        )
        assert dialogs.dialog is not None
        assert dialogs.dialog.text().startswith("That summary is already recorded. Nothing was saved")
    finally:
        qt_loop.set_exception_handler(previous)
        if dialogs.dialog is not None:
            dialogs.dialog.close()
