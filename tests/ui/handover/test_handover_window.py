"""Shift handover in real windows on a demo night: Ctrl+H drafts, notes are typed and kept,
Ctrl+Enter hands over; the incoming operator's console opens it after their login and
acknowledges it (the giver's own acknowledgement is refused); the history finds it by a
note's words; printing writes a PDF that has the note."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from controlroom.core.roles import Actor
from controlroom.handover.queries import handover_record, list_handovers
from controlroom.handover.records import HandoverRecord
from controlroom.incidents.alerts import AlertKind
from controlroom.storage.database import Database
from tests.conftest import run_isolated
from tests.core.support import unique_tag
from tests.ui.logins import actor_for, add_users
from tests.ui.waits import wait_until
from ui.handover.draft_view import HandoverDraftDialog
from ui.handover.record_view import HandoverRecordDialog

DRAFT_MS = 30_000  # the first draft starts the handover worker process (imports the core there)
OUTGOING, INCOMING = "op_out", "op_in"
ITEM_NOTE = "door staff say the group will be back at two"
OVERALL = "Quiet after 01:00; PC-31 on refreshment until 02:15"


def _stored(url: str, actor: Actor) -> list[HandoverRecord]:
    async def read() -> list[HandoverRecord]:
        db = Database(url)
        try:
            found = await list_handovers(db, actor)
            return [await handover_record(db, actor, h.id) for h in found]
        finally:
            await db.dispose()

    return run_isolated(read())


def _active(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    window.raise_()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "the window is active")


def _open_draft(window: Any, qtbot: Any) -> HandoverDraftDialog:
    _active(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    wait_until(qtbot, lambda: window.handover.draft is not None, "Ctrl+H opened the handover draft")
    dialog = window.handover.draft
    wait_until(qtbot, lambda: dialog.draft is not None, "the draft was worked out", timeout=DRAFT_MS)
    return dialog


def _two_operators(url: str) -> tuple[Actor, Actor]:
    add_users(url, (OUTGOING, "operator", ()), (INCOMING, "operator", ()))
    return actor_for(url, OUTGOING), actor_for(url, INCOMING)


def test_ctrl_h_drafts_the_handover_from_the_demo_night(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    dialog = _open_draft(window, qtbot)

    keys = dialog.tree.item_keys()
    open_incidents = [i for i in window.board.model.incidents() if i.status not in ("resolved", "closed")]
    assert open_incidents
    assert {f"incident:{i.id}" for i in open_incidents} <= set(keys)
    assert any(key.startswith("unit:") for key in keys)
    assert any(key.startswith("venue:") for key in keys)
    assert any(key.startswith("tally:") for key in keys)
    titles = [dialog.tree.topLevelItem(n).text(0) for n in range(dialog.tree.topLevelItemCount())]
    assert any(title.startswith("Open incidents (") for title in titles)
    assert any(title.startswith("Units on duty (") for title in titles)
    reference = open_incidents[0].reference
    assert reference in dialog.tree.item_text(f"incident:{open_incidents[0].id}")


def _focused(qtbot: Any, widget: Any) -> None:
    widget.window().activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is widget.window(), "the dialog is active")
    widget.setFocus()
    wait_until(qtbot, widget.hasFocus, f"{widget.objectName() or type(widget).__name__} has the keyboard")


def _give_with_notes(window: Any, qtbot: Any) -> tuple[HandoverDraftDialog, str]:
    """Ctrl+H, a note on the first open incident and overall notes typed, Ctrl+Enter."""
    dialog = _open_draft(window, qtbot)
    key = next(k for k in dialog.tree.item_keys() if k.startswith("incident:"))
    assert dialog.tree.go_to(key)
    _focused(qtbot, dialog.tree)
    QTest.keyClick(dialog.tree, Qt.Key.Key_Return)  # edits the item's note
    wait_until(qtbot, lambda: isinstance(QApplication.focusWidget(), QLineEdit), "the note's editor is open")
    QTest.keyClicks(QApplication.focusWidget(), ITEM_NOTE)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    wait_until(qtbot, lambda: dialog.tree.note(key) == ITEM_NOTE, "the note is kept beside the item")
    _focused(qtbot, dialog.notes)
    QTest.keyClicks(dialog.notes, OVERALL)
    with qtbot.waitSignal(dialog.sig_given, timeout=10_000):
        QTest.keyClick(dialog.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    return dialog, key


def _handover_lines(window: Any) -> list[Any]:
    return [e for e in window.alerts.stack_model.entries() if e.kind is AlertKind.HANDOVER]


def test_notes_typed_and_ctrl_enter_hand_over_what_was_shown(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    outgoing, _incoming = _two_operators(demo_url)
    window = open_window(demo_url, actor=outgoing)
    dialog, key = _give_with_notes(window, qtbot)

    [stored] = _stored(demo_url, outgoing)
    assert stored.snapshot.given_by == OUTGOING
    assert stored.snapshot.notes == OVERALL
    assert stored.content.item(key) is not None
    assert stored.content.item(key).note == ITEM_NOTE
    assert stored.content.keys() == dialog.draft.keys()  # the draft shown is what was kept
    assert window.handover.draft is None  # the next Ctrl+H drafts afresh
    # Through the feed, the outgoing console's alert stack carries it until acknowledged.
    wait_until(qtbot, lambda: len(_handover_lines(window)) == 1, "the handover line on the alert stack")


def test_a_refusal_stands_beside_the_field_and_nothing_typed_is_lost(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    outgoing, _incoming = _two_operators(demo_url)
    window = open_window(demo_url, actor=outgoing)
    dialog = _open_draft(window, qtbot)
    key = next(k for k in dialog.tree.item_keys() if k.startswith("unit:"))
    dialog.tree.set_note(key, "a note to keep")
    dialog.notes.setPlainText("overall words to keep")
    dialog.to_user.setText(OUTGOING)  # handing over to oneself

    with qtbot.waitSignal(dialog.sig_refused, timeout=10_000) as refused:
        dialog.give()

    assert dialog.to_error.isVisible() and dialog.to_error.text() == refused.args[0]
    assert not dialog.error.isVisible()
    assert dialog.tree.note(key) == "a note to keep"
    assert dialog.notes.toPlainText() == "overall words to keep"
    assert dialog.to_user.text() == OUTGOING
    assert _stored(demo_url, outgoing) == []


def test_the_incoming_operator_acknowledges_at_a_second_console_and_the_giver_may_not(
    demo_db_url: str, open_window: Any, qtbot: Any
) -> None:
    demo_url = demo_db_url  # on SQLite and on PostgreSQL
    tag = unique_tag()  # PostgreSQL users are the whole test cluster's
    out_name, in_name = f"hout_{tag}", f"hin_{tag}"
    add_users(demo_url, (out_name, "operator", ()), (in_name, "operator", ()), admin=f"hadm_{tag}")
    outgoing, incoming = actor_for(demo_url, out_name), actor_for(demo_url, in_name)
    console_out = open_window(demo_url, actor=outgoing)
    _give_with_notes(console_out, qtbot)
    [stored] = _stored(demo_url, outgoing)

    # The giver's own acknowledgement: offered, and refused in the core's words.
    own = console_out.handover.open_handover(stored.id)
    wait_until(qtbot, lambda: own.record is not None, "the handover was read")
    assert own.state.text() == "NOT YET ACKNOWLEDGED"
    with qtbot.waitSignal(own.sig_refused, timeout=10_000) as refused:
        _focused(qtbot, own.tree)
        QTest.keyClick(own.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "another user" in refused.args[0]
    assert own.error.isVisible() and own.error.text() == refused.args[0]

    # The incoming operator logs in at a second console: the handover opens by itself.
    console_in = open_window(demo_url, actor=incoming)
    wait_until(qtbot, lambda: console_in.handover.record is not None, "the handover opened after the login")
    record = console_in.handover.record
    assert isinstance(record, HandoverRecordDialog) and record.handover_id == stored.id
    wait_until(qtbot, lambda: record.record is not None, "the handover was read")
    assert ITEM_NOTE in [record.tree.note(k) for k in record.tree.item_keys()]
    assert record.acknowledge_button.isVisible()
    wait_until(qtbot, lambda: len(_handover_lines(console_in)) == 1, "the line on the incoming console")
    with qtbot.waitSignal(record.sig_acknowledged, timeout=10_000):
        _focused(qtbot, record.tree)
        QTest.keyClick(record.tree, Qt.Key.Key_A)

    [after] = _stored(demo_url, incoming)
    assert after.snapshot.acknowledged_by == in_name
    assert record.state.text().startswith(f"Acknowledged by {in_name} at ")
    # Through the feed: the line leaves both consoles' stacks, and the giver's open view says so.
    for console in (console_in, console_out):
        wait_until(qtbot, lambda c=console: not _handover_lines(c), "the handover line left the alert stack")
    wait_until(qtbot, lambda: own.state.text().startswith(f"Acknowledged by {in_name}"), "the giver sees it")
    assert not own.acknowledge_button.isVisible()


def test_f5_drafts_again_keeping_the_notes_of_items_still_there(
    demo_url: str, open_window: Any, arun: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    dialog = _open_draft(window, qtbot)
    on_scene = next(i for i in window.board.model.incidents() if i.status == "on_scene")
    gone, kept = f"incident:{on_scene.id}", next(k for k in dialog.tree.item_keys() if k.startswith("unit:"))
    dialog.tree.set_note(gone, "resolved soon")
    dialog.tree.set_note(kept, "PC-31 due back at two")
    arun(window.commands.update_incident(on_scene.reference, status="resolved"))
    wait_until(qtbot, dialog.stale.isVisible, "the draft says the live state has changed")
    assert "F5 drafts again, keeping your notes" in dialog.stale.text()

    with qtbot.waitSignal(dialog.sig_drafted, timeout=DRAFT_MS):
        _focused(qtbot, dialog.tree)
        QTest.keyClick(dialog.tree, Qt.Key.Key_F5)

    assert gone not in dialog.tree.item_keys()
    assert dialog.tree.note(kept) == "PC-31 due back at two"
    assert dialog.tree.notes() == {kept: "PC-31 due back at two"}
    assert f"1 note dropped: {gone}" in dialog.status.text()
    assert not dialog.stale.isVisible()


def test_tab_in_a_note_goes_on_to_the_next_items_note(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    dialog = _open_draft(window, qtbot)
    first, second = dialog.tree.item_keys()[:2]
    dialog.tree.go_to(first)
    _focused(qtbot, dialog.tree)
    QTest.keyClick(dialog.tree, Qt.Key.Key_F2)
    wait_until(qtbot, lambda: isinstance(QApplication.focusWidget(), QLineEdit), "the first note's editor")
    editor = QApplication.focusWidget()
    QTest.keyClicks(editor, "one")
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    wait_until(qtbot, lambda: dialog.tree.current_key() == second, "Tab went on to the next item")

    def next_editor() -> bool:
        widget = QApplication.focusWidget()
        return isinstance(widget, QLineEdit) and widget is not editor

    wait_until(qtbot, next_editor, "the second note's editor has the keyboard")
    QTest.keyClicks(QApplication.focusWidget(), "two")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # kept once the editor has had the key
    wait_until(qtbot, lambda: dialog.tree.notes() == {first: "one", second: "two"}, "both notes kept")


def test_the_history_finds_a_handover_by_its_notes_and_opens_it(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    outgoing, _incoming = _two_operators(demo_url)
    window = open_window(demo_url, actor=outgoing)
    _give_with_notes(window, qtbot)
    [stored] = _stored(demo_url, outgoing)

    _active(window, qtbot)
    QTest.keyClick(
        window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    wait_until(qtbot, lambda: window.handover.history is not None, "Ctrl+Alt+H opened the history")
    history = window.handover.history
    wait_until(qtbot, lambda: history.summary.text() != "Searching…", "the latest handovers listed")
    _focused(qtbot, history.text)
    with qtbot.waitSignal(history.sig_searched, timeout=10_000) as searched:
        QTest.keyClicks(history.text, "DOOR staff")
        QTest.keyClick(history.text, Qt.Key.Key_Return)
    assert searched.args == [1]
    assert history.results.item(0, 0).text() == stored.reference
    with qtbot.waitSignal(history.sig_searched, timeout=10_000) as searched:
        history.text.setText("words nobody wrote")
        history.start_search()
    assert searched.args == [0]
    history.text.setText("")
    history.user.setText(OUTGOING)
    with qtbot.waitSignal(history.sig_searched, timeout=10_000) as searched:
        history.start_search()
    assert searched.args == [1]
    wait_until(qtbot, history.results.hasFocus, "the results have the keyboard")
    QTest.keyClick(history.results, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: window.handover.record is not None, "Enter opened the handover")
    assert window.handover.record.handover_id == stored.id


def test_a_date_that_does_not_read_is_said_beside_its_field(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    history = window.handover.open_history()
    history.since.setText("27/11/2026x")
    with qtbot.waitSignal(history.sig_searched, timeout=10_000) as searched:
        history.start_search()
    assert searched.args == [-1]
    assert "'27/11/2026x' is not a date" in history.errors["since"].text()


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    # A note may wrap in its cell; the PDF's font joins "ff" into one ligature glyph (NFKC parts them).
    return " ".join(unicodedata.normalize("NFKC", done.stdout).split())


def test_p_in_the_history_prints_the_handover_with_its_notes(
    demo_url: str, open_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    outgoing, _incoming = _two_operators(demo_url)
    window = open_window(demo_url, actor=outgoing)
    _give_with_notes(window, qtbot)
    [stored] = _stored(demo_url, outgoing)
    window.handover.ask_path = lambda name: str(tmp_path / name)  # in place of Qt's save dialog
    history = window.handover.open_history()
    wait_until(qtbot, lambda: history.results.rowCount() == 1, "the handover listed")
    _focused(qtbot, history.results)

    with qtbot.waitSignal(window.handover.printer.sig_printed, timeout=DRAFT_MS) as printed:
        QTest.keyClick(history.results, Qt.Key.Key_P)

    assert printed.args == [str(tmp_path / f"handover-{stored.reference}.pdf")]
    text = _pdf_text(Path(printed.args[0]))
    assert stored.reference in text
    assert ITEM_NOTE in text and OVERALL in text
    assert "NOT YET ACKNOWLEDGED" in text.upper()


def test_ctrl_p_prints_the_draft_with_the_notes_typed(
    demo_url: str, open_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = open_window(demo_url)
    window.handover.ask_path = lambda name: str(tmp_path / name)
    dialog = _open_draft(window, qtbot)
    key = next(k for k in dialog.tree.item_keys() if k.startswith("venue:"))
    dialog.tree.set_note(key, "manager asks for a call at closing")
    dialog.notes.setPlainText("nothing else tonight")
    _focused(qtbot, dialog.tree)

    with qtbot.waitSignal(window.handover.printer.sig_printed, timeout=DRAFT_MS) as printed:
        QTest.keyClick(dialog.tree, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    text = _pdf_text(Path(printed.args[0]))
    assert "manager asks for a call at closing" in text and "nothing else tonight" in text
    assert dialog.tree.note(key) == "manager asks for a call at closing"  # still there to hand over


def test_enter_on_the_alert_stacks_handover_line_opens_it(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    outgoing, incoming = _two_operators(demo_url)
    console_out = open_window(demo_url, actor=outgoing)
    _give_with_notes(console_out, qtbot)
    [stored] = _stored(demo_url, outgoing)
    console_in = open_window(demo_url, actor=incoming)
    wait_until(qtbot, lambda: console_in.handover.record is not None, "the handover opened after the login")
    console_in.handover.record.close()  # read later, from the alert stack

    stack = console_in.alert_stack
    wait_until(qtbot, lambda: len(_handover_lines(console_in)) == 1, "the handover line on the alert stack")
    row = next(n for n, e in enumerate(stack.model.entries()) if e.kind is AlertKind.HANDOVER)
    _active(console_in, qtbot)
    stack.list.setCurrentIndex(stack.model.index(row))
    stack.list.setFocus()
    wait_until(qtbot, stack.list.hasFocus, "the alert stack has the keyboard")
    QTest.keyClick(stack.list, Qt.Key.Key_Return)

    wait_until(qtbot, lambda: console_in.handover.record.isVisible(), "Enter opened the handover")
    assert console_in.handover.record.handover_id == stored.id


def test_a_note_refused_by_the_core_is_shown_beside_its_item(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    outgoing, _incoming = _two_operators(demo_url)
    window = open_window(demo_url, actor=outgoing)
    dialog = _open_draft(window, qtbot)
    keys = dialog.tree.item_keys()
    invisible = next(k for k in keys if k.startswith("unit:"))
    dialog.tree.set_note(invisible, "\u200b\u200b")  # zero-width spaces: nothing anyone could read
    dialog.tree.go_to(keys[0])

    with qtbot.waitSignal(dialog.sig_refused, timeout=10_000) as refused:
        dialog.give()

    assert dialog.item_error.isVisible()
    assert dialog.item_error.text() == f"{dialog.tree.item_text(invisible)}: {refused.args[0]}"
    assert dialog.tree.current_key() == invisible  # the keyboard is on the item to put right
    assert dialog.tree.note(invisible) == "\u200b\u200b"
    assert _stored(demo_url, outgoing) == []
