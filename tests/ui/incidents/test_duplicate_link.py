"""Linking a duplicate from the detail panel: the reference completes from its number tail,
and the duplicate stops alerting and says whose duplicate it is."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.conftest import cli
from tests.ui.waits import wait_until
from ui.incidents.alerts import needs_alert
from ui.incidents.model import STATUS
from ui.shell.main_window import MainWindow


def report(url: str, summary: str) -> str:
    return cli(
        url, "report", "--venue", "Velvet Fox", "--category", "harassment", "--source", "cctv",
        "--summary", summary, "--grade", "1",
    )  # fmt: skip


def find(window: MainWindow, reference: str) -> Any:
    return next((i for i in window.model.incidents() if i.reference == reference), None)


def test_the_number_tail_links_a_duplicate_and_stops_its_clock(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    first = report(demo_url, "Man grabbing women at the bar")
    second = report(demo_url, "Same man, second caller")
    wait_until(qtbot, lambda: find(window, second) is not None, "both reports are listed")
    duplicate = find(window, second)
    assert needs_alert(duplicate)  # an unacknowledged Grade 1
    window.detail.show_incident(duplicate)
    window.detail._on_duplicate_clicked()  # the "Duplicate of…" button
    dialog = window.detail.duplicate_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.references[0] == first  # newest first, itself left out
    assert second not in dialog.references
    tail = first.rsplit("-", 1)[1]
    if any(r != first and r.endswith(f"-{tail}") for r in dialog.references):
        # Early morning the list spans two operational nights, both with this number.
        tail = first.split("-", 1)[1]
    QTest.keyClicks(dialog.reference, tail)
    assert dialog.reference.completer().currentCompletion() == first
    QTest.keyClick(dialog.reference, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: find(window, second).status == "closed", "the duplicate is closed")
    linked = find(window, second)
    assert linked.duplicate_of == find(window, first).id and not needs_alert(linked)
    assert window.model.target(linked).remaining is None  # no clock against its grade target
    assert linked.id not in window.alerts.alerting
    # The list's Status column says whose duplicate it is, not just "Closed".
    row = window.model.row_of(linked.id)
    status = window.model.data(window.model.index(row, STATUS))
    assert status == f"Duplicate of {first.rsplit('-', 1)[-1]}"
    wait_until(
        qtbot,
        lambda: f"Duplicate of {first}" in window.detail.header.text(),
        "the detail header says whose duplicate it is",
    )
    assert not dialog.isVisible()
    wait_until(qtbot, lambda: window.detail.timeline.count() >= 2, "the timeline is loaded")
    last = window.detail.timeline.item(window.detail.timeline.count() - 1).text()
    assert last.endswith(f"closed: duplicate of {first}")


def test_an_unknown_tail_is_explained_in_the_dialog(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    incident = window.model.incidents()[0]
    window.detail.show_incident(incident)
    window.detail._on_duplicate_clicked()
    dialog = window.detail.duplicate_dialog
    QTest.keyClicks(dialog.reference, "9999")
    QTest.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert "no incident of the last day ends in 9999" in dialog.error.text()
    assert dialog.isVisible() and find(window, incident.reference).duplicate_of is None


def test_discard_this_link_is_asked_beside_the_dialog_which_keeps_what_was_typed(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    window.resize(1366, 768)
    window.detail.show_incident(window.model.incidents()[0])
    window.detail._on_duplicate_clicked()
    dialog = window.detail.duplicate_dialog
    QTest.keyClicks(dialog.reference, "0021")
    dialog.reject()  # Escape
    question = dialog.guard.question
    assert question is not None
    wait_until(qtbot, question.isVisible, "Discard this link? is asked")
    assert dialog.isVisible() and dialog.reference.text() == "0021"
    assert dialog.reference.isVisible() and dialog.link_button.isVisible()
    # Not over the dialog: every field of what would be thrown away stays readable.
    assert not question.frameGeometry().intersects(dialog.frameGeometry())
    assert dialog.screen().availableGeometry().contains(question.frameGeometry())
    QTest.keyClick(question, Qt.Key.Key_Escape)  # keep editing
    wait_until(qtbot, lambda: not question.isVisible(), "the question went")
    assert dialog.isVisible() and dialog.reference.text() == "0021"
