"""The Decisions dock in real windows on SQLite and PostgreSQL: a decision recorded with the keyboard (F10, N,
typing, Ctrl+Enter) reaches this console's dock and a second console's through the feed; an empty
rationale is refused beside its field with nothing written and the words kept; R revises (a new
row, the old one marked "revised by"); an operator is not invited to revise a supervisor's
decision; Enter reads the decision with its NDM headings and chain; P prints a PDF that
``pdftotext`` reads back, logged as a disclosure."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.decisions.queries import list_decisions
from controlroom.decisions.records import NewDecision
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from tests.conftest import run_isolated
from tests.ui.logins import audit_entries
from tests.ui.waits import wait_until
from ui.decisions.form import DecisionForm
from ui.decisions.model import AUTHOR, LINKS, REVISION, SUBJECT

SUPERVISOR = Actor("sup_dock", "supervisor")
OPERATOR = Actor("op_dock", "operator")
CTRL = Qt.KeyboardModifier.ControlModifier


async def _count(url: str) -> int:
    db = Database(url)
    try:
        return len(await list_decisions(db, SUPERVISOR))
    finally:
        await db.dispose()


def _decisions_open(qtbot: Any, window: Any) -> Any:
    """F10 in the window: the dock in front with the keyboard on its list."""
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "the window is active")
    QTest.keyClick(window, Qt.Key.Key_F10)
    dock = window.decisions
    wait_until(qtbot, dock.isVisible, "the Decisions dock is shown")
    wait_until(qtbot, lambda: dock.table.hasFocus(), "the keyboard is on the decision list")
    return dock


def _form_by_key(qtbot: Any, dock: Any, key: Qt.Key) -> DecisionForm:
    before = dock.form
    dock.window().activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is dock.window(), "the dock's window is active")
    dock.table.setFocus()
    QTest.keyClick(dock.table, key)
    wait_until(qtbot, lambda: dock.form is not None and dock.form is not before, f"the form of key {key}")
    form = dock.form
    wait_until(qtbot, form.isVisible, "the form is shown")
    return form


def _type(form: DecisionForm, name: str, text: str) -> None:
    edit = form.inputs[name]
    edit.setFocus()
    QTest.keyClicks(edit, text)


def _record(qtbot: Any, form: DecisionForm) -> None:
    form.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is form, "the form is the active window")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)


def _subjects(dock: Any) -> list[str]:
    return [row[SUBJECT] for row in dock.decision_rows()]


def test_record_refuse_revise_read_and_print_from_the_keyboard(
    demo_db_url: str, open_window: Any, qtbot: Any, arun: Any, tmp_path: Path
) -> None:
    first = open_window(demo_db_url, actor=SUPERVISOR)
    second = open_window(demo_db_url, actor=OPERATOR)
    incident = arun(
        first.commands.report_incident(
            NewIncident(category="assault", source="cctv", summary="Fight at the door", venue="Velvet Fox")
        )
    )
    wait_until(qtbot, lambda: first.board.incident_by_reference(incident.reference) is not None, "listed")
    assert first.table.select_incident(incident.id)
    dock = _decisions_open(qtbot, first)
    assert dock.note.text() == "Decisions cannot be changed: revise to record a later decision."

    # N: the form, linked to the incident selected on the board.
    form = _form_by_key(qtbot, dock, Qt.Key.Key_N)
    assert form.text_of("incidents") == incident.reference and not form.night.isChecked()
    _type(form, "subject", "Close the <b>Velvet Fox</b> door")
    form.subject.insert("\u202e until 01:00")  # QTest types ASCII only: a pasted override
    _type(form, "information", "Three fights at the door since 22:40 (CCTV V3)")
    _type(form, "assessment", "High risk of further assault")
    _type(form, "decision", "Ask the DPS to stop entry")
    # The rationale left empty: refused beside it, in the core's words, nothing written.
    _record(qtbot, form)
    wait_until(qtbot, lambda: form.error_of("rationale") != "", "the refusal beside the rationale")
    assert "rationale" in form.error_of("rationale").lower()
    assert form.isVisible() and form.text_of("decision") == "Ask the DPS to stop entry"
    assert form.errors["rationale"].isVisible() and not form.form_error.isVisible()
    assert run_isolated(_count(demo_db_url)) == 0
    # Escape on typed words asks first; "Keep editing" keeps them.
    QTest.keyClick(form, Qt.Key.Key_Escape)
    wait_until(qtbot, lambda: form.guard.question is not None and form.guard.question.isVisible(), "asked")
    form.guard.keep.click()
    assert form.isVisible() and form.text_of("decision") == "Ask the DPS to stop entry"

    _type(form, "rationale", "Least intrusive option, with the venue's agreement")
    _record(qtbot, form)
    wait_until(qtbot, lambda: not form.isVisible(), "the form closed once the core kept it")
    wait_until(qtbot, lambda: len(dock.decision_rows()) == 1, "the decision on this console's dock")
    [row] = dock.decision_rows()
    reference = dock.model.decision_at(0).reference
    # Typed text inert: the markup shown as typed, the override spelled out.
    assert (row[AUTHOR], row[SUBJECT], row[LINKS]) == (
        "sup_dock",
        "Close the <b>Velvet Fox</b> door\\u202e until 01:00",
        incident.reference,
    )
    wait_until(qtbot, lambda: len(second.decisions.decision_rows()) == 1, "and on the second console's")

    # The operator is not invited to revise the supervisor's decision.
    other = _decisions_open(qtbot, second)
    other.table.selectRow(0)
    QTest.keyClick(other.table, Qt.Key.Key_R)
    assert other.form is None and "an operator revises only their own" in other.last_message
    assert not other.buttons["decision.revise"].isEnabled()

    # R on the first console: pre-filled from the decision, recorded after it.
    dock.table.selectRow(0)
    revise = _form_by_key(qtbot, dock, Qt.Key.Key_R)
    assert revise.heading.text().startswith(f"Revises {reference}")
    assert revise.text_of("information") == "Three fights at the door since 22:40 (CCTV V3)"
    assert revise.text_of("incidents") == incident.reference
    revise.inputs["decision"].setFocus()
    revise.fill(decision="Stop entry and close the door at 00:30")
    _record(qtbot, revise)
    wait_until(qtbot, lambda: len(dock.decision_rows()) == 2, "the revision is a new row")
    newer, older = dock.model.decisions()
    assert dock.decision_rows()[0][REVISION] == f"revises {reference[:2]}{reference[-4:]}"
    wait_until(
        qtbot,
        lambda: dock.decision_rows()[1][REVISION] == f"revised by D-{newer.reference[-4:]}",
        "the old row marked revised by the new one",
    )
    wait_until(
        qtbot,
        lambda: (
            second.decisions.decision_rows()[1:]
            and second.decisions.decision_rows()[1][REVISION].startswith("revised by")
        ),
        "and on the second console",
    )
    assert older.reference == reference

    # Enter: the newer decision read-only, every NDM heading, the chain.
    first.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is first, "the first window is active")
    dock.select_decision(newer.id)
    dock.table.setFocus()
    QTest.keyClick(dock.table, Qt.Key.Key_Return)
    wait_until(
        qtbot, lambda: dock.view is not None and dock.view.isVisible(), f"the view ({dock.last_message})"
    )
    shown = dock.view.text()
    for heading in (
        "Information and intelligence",
        "Threat and risk assessment",
        "Powers and policy",
        "Options considered (and why rejected)",
        "Decision",
        "Rationale",
    ):
        assert heading in shown
    assert f"Revision chain: {reference} → {newer.reference}" in shown
    assert "Stop entry and close the door at 00:30" in shown and "Ask the DPS to stop entry" in shown
    dock.view.close()

    # P: tonight's log to a PDF, logged as a disclosure first.
    target = tmp_path / "decisions.pdf"
    printed = dock.print_to(str(target))
    wait_until(qtbot, lambda: dock.disclosure is not None and dock.disclosure.isVisible(), "why and for whom")
    dock.disclosure.justification.setText("Night review with the duty inspector")
    dock.disclosure.ok_button.click()
    wait_until(qtbot, printed.done, "the print finished", timeout=20000)
    assert printed.result() is True and target.exists()
    pdf = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(pdf.split())  # headings wrap in their column
    assert reference in text and newer.reference in text
    assert "Stop entry and close the door at 00:30" in text
    assert "Threat and risk assessment" in text
    [logged] = [e for e in audit_entries(demo_db_url, actor="sup_dock") if e.action == "decision.print"]
    assert logged.justification == "Night review with the duty inspector"


def test_an_auditor_reads_tonights_decisions_from_the_log_and_may_not_record(
    demo_url: str, board_less_window: Any, qtbot: Any, arun: Any
) -> None:
    async def record() -> str:
        db = Database(demo_url)
        try:
            kept = await Commands(db, SUPERVISOR).record_decision(
                NewDecision(
                    subject="Close Bargate to traffic",
                    information="Crowd of 200 on the road",
                    assessment="Vehicles within a metre of the crowd",
                    decision="Ask the council to close the road",
                    rationale="Only closure keeps vehicles away",
                )
            )
            return kept.reference
        finally:
            await db.dispose()

    reference = run_isolated(record())
    window = board_less_window(demo_url, "auditor_dock", "auditor")
    dock = _decisions_open(qtbot, window)  # the feed brings an auditor no decisions: read from the log
    wait_until(qtbot, lambda: len(dock.decision_rows()) == 1, "tonight's decision read from the log")
    assert dock.model.decision_at(0).reference == reference
    assert "not live" in dock.note.text()
    assert not dock.buttons["decision.new"].isVisible() and dock.buttons["decision.print"].isVisible()
    QTest.keyClick(dock.table, Qt.Key.Key_N)
    assert dock.form is None
