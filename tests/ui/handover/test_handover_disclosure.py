"""A handover that names people prints whole only as a logged disclosure: the window asks whole
or without the people first, then why and for whom (Cancel at either prints and logs nothing),
and the core logs both with the print; without the people it prints as the CLI does without
a recipient."""

from __future__ import annotations

import subprocess
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from controlroom.commands import Commands
from controlroom.dispersal.zones import ZoneSpec
from controlroom.storage.database import Database
from tests.conftest import run_isolated
from tests.ui.dispersal.conftest import ZONE, direction_spec
from tests.ui.logins import actor_for, add_users, audit_entries
from tests.ui.waits import wait_until
from ui.common.justification_dialog import JustificationDialog

OPERATOR, SUPERVISOR = "hv_op", "hv_sup"
DESCRIPTION = "Male, 30s, grey hoodie"
DRAFT_MS = 30_000


async def _direction(url: str) -> None:
    """A zone in force (authorised by the supervisor) and a direction given in it by the operator."""
    db = Database(url)
    try:
        now = datetime.now(UTC)
        zone = await Commands(db, actor_for(url, SUPERVISOR)).authorise_zone(
            ZoneSpec(
                name="Bedford Place and London Road",
                polygon=ZONE,
                starts_at=now - timedelta(hours=2),
                ends_at=now + timedelta(hours=20),
                officer="Insp 3310 Ria Kaur",
                grounds="Groups harassing women queueing for taxis",
                rights_consideration="No assembly planned; Art. 10/11 not engaged",
                log_number="LOG-77",
                signed_at=now - timedelta(hours=2),
            )
        )
        await Commands(db, actor_for(url, OPERATOR)).give_direction(
            direction_spec(zone.id, description=DESCRIPTION)
        )
    finally:
        await db.dispose()


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(unicodedata.normalize("NFKC", done.stdout).split())


def test_printing_a_draft_that_names_people_asks_whole_or_without_them_then_why_and_for_whom(
    demo_url: str, open_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    add_users(demo_url, (OPERATOR, "operator", ()), (SUPERVISOR, "supervisor", ()))
    run_isolated(_direction(demo_url))
    window = open_window(demo_url, actor=actor_for(demo_url, OPERATOR))
    link = window.handover
    link.ask_path = lambda name: str(tmp_path / name)
    dialog = link.open_draft()
    wait_until(qtbot, lambda: dialog.draft is not None, "the draft was worked out", timeout=DRAFT_MS)
    assert dialog.draft.contains_personal
    assert any(DESCRIPTION in line for line in map(dialog.tree.item_text, dialog.tree.item_keys()))

    started = datetime.now(UTC)
    # Cancel at the first question: nothing printed, nothing logged.
    link.print_draft(str(tmp_path / "cancelled.pdf"))
    question = _question(link, qtbot, None)
    QTest.keyClick(question, Qt.Key.Key_Escape)
    wait_until(qtbot, lambda: not question.isVisible(), "the question went")
    # Whole, then Cancel at "why and for whom": nothing printed, nothing logged.
    link.print_draft(str(tmp_path / "cancelled.pdf"))
    question = _question(link, qtbot, question)
    QTest.mouseClick(link.printer.whole_button, Qt.MouseButton.LeftButton)
    prompt = _disclosure(link, qtbot, None)
    QTest.keyClick(prompt.justification, Qt.Key.Key_Escape)
    wait_until(qtbot, lambda: not prompt.isVisible(), "the justification went")
    assert not (tmp_path / "cancelled.pdf").exists()
    assert [e for e in audit_entries(demo_url, since=started) if e.entity == "handover"] == []

    # Without the people in it: printed as the CLI prints without --recipient, logged plainly.
    with qtbot.waitSignal(link.printer.sig_printed, timeout=DRAFT_MS):
        link.print_draft(str(tmp_path / "withheld.pdf"))
        question = _question(link, qtbot, question)
        QTest.keyClick(question, Qt.Key.Key_Return)  # the default: without people
    assert DESCRIPTION not in _pdf_text(tmp_path / "withheld.pdf")
    assert [
        (e.action, e.justification) for e in audit_entries(demo_url, since=started) if e.entity == "handover"
    ] == [("handover.print", None)]

    # Whole: why and for whom, logged with the print.
    printed_at = datetime.now(UTC)
    link.print_draft(str(tmp_path / "handover.pdf"))
    question = _question(link, qtbot, question)
    QTest.mouseClick(link.printer.whole_button, Qt.MouseButton.LeftButton)
    prompt = _disclosure(link, qtbot, prompt)
    QTest.keyClicks(prompt.justification, "handover file for the night")
    prompt.recipient.setCurrentText("the incoming operator (internal use)")
    with qtbot.waitSignal(link.printer.sig_printed, timeout=DRAFT_MS):
        QTest.keyClick(prompt.justification, Qt.Key.Key_Return)

    assert DESCRIPTION in _pdf_text(tmp_path / "handover.pdf")
    logged = [e for e in audit_entries(demo_url, since=printed_at) if e.entity == "handover"]
    assert [(e.action, e.actor, e.justification, e.recipient) for e in logged] == [
        ("paperwork.print", OPERATOR, "handover file for the night", "the incoming operator (internal use)")
    ]


def _question(link: Any, qtbot: Any, before: Any) -> QMessageBox:
    wait_until(
        qtbot,
        lambda: link.printer.question is not before and link.printer.question.isVisible(),
        "whole or without people? is asked",
    )
    return link.printer.question


def _disclosure(link: Any, qtbot: Any, before: Any) -> JustificationDialog:
    wait_until(
        qtbot,
        lambda: link.printer.disclosure is not before and link.printer.disclosure.isVisible(),
        "why and for whom? is asked",
    )
    return link.printer.disclosure
