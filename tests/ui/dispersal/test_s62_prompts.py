"""DPA 2018 s.62 in the window, as a real operator: showing the dispersal board is a
logged read (once per showing, not per feed update); opening a direction or a person's
record asks why and logs a consultation; printing a direction logs one disclosure per
document when the pages reach the printer — not when the preview paints them. Cancel
shows, prints and logs nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintPreviewWidget
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.commands import Commands
from controlroom.dispersal.persons import NewSubject
from controlroom.dispersal.zones import ZoneSpec
from controlroom.storage.database import Database
from tests.ui.dispersal.conftest import SUPERVISOR, DispersalDb, operator
from tests.ui.logins import actor_for, audit_entries
from tests.ui.waits import wait_until
from ui.common.justification_dialog import JustificationDialog


def _prompt(window: Any, qtbot: Any) -> JustificationDialog:
    def visible() -> list[JustificationDialog]:
        return [d for d in window.findChildren(JustificationDialog) if d.isVisible()]

    wait_until(qtbot, lambda: len(visible()) == 1, "len(visible()) == 1", timeout=5000)
    return visible()[0]


def _operator_window(db: DispersalDb, open_window: Any, qtbot: Any) -> Any:
    window = open_window(db.url, actor=operator(db.url))
    wait_until(
        qtbot, lambda: window.dispersal.model.rowCount() == 1, "window.dispersal.model.rowCount() == 1"
    )
    window.boards.setCurrentWidget(window.dispersal)
    window.dispersal.table.selectRow(0)
    return window


def _key(window: Any, qtbot: Any, key: Qt.Key) -> None:
    window.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is window, "QApplication.activeWindow() is window")
    window.dispersal.table.setFocus()
    QTest.keyClick(window.dispersal.table, key)


def _reads(url: str) -> list[Any]:
    return [e for e in audit_entries(url, kind="consultation") if e.action == "dispersal.read"]


async def _second_zone(url: str) -> None:
    db = Database(url)
    try:
        now = datetime.now(UTC)
        await Commands(db, actor_for(url, SUPERVISOR)).authorise_zone(
            ZoneSpec(
                name="Above Bar",
                polygon=[(50.9030, -1.4060), (50.9030, -1.4030), (50.9080, -1.4030), (50.9080, -1.4060)],
                starts_at=now,
                ends_at=now + timedelta(hours=6),
                officer="Insp 3310 Ria Kaur",
                grounds="Fights at closing time",
                rights_consideration="No protest planned",
                log_number="LOG-78",
                signed_at=now,
            )
        )
    finally:
        await db.dispose()


def test_showing_the_board_logs_one_read_not_one_per_feed_update(
    dispersal_db: DispersalDb, open_window: Any, qtbot: Any, arun: Any
) -> None:
    window = _operator_window(dispersal_db, open_window, qtbot)
    wait_until(qtbot, lambda: len(_reads(dispersal_db.url)) == 1, "one board read logged")
    read = _reads(dispersal_db.url)[0]
    assert read.actor == "jsmith" and read.detail["view"] == "dispersal board"
    assert dispersal_db.reference in read.detail["records"]
    arun(_second_zone(dispersal_db.url))  # another console's change reaches the board
    wait_until(qtbot, lambda: len(window.dispersal.zones) == 2, "the feed brought the new zone")
    assert len(_reads(dispersal_db.url)) == 1  # a feed update is not a new read
    window.boards.setCurrentWidget(window.units)  # away and back: a new read
    window.boards.setCurrentWidget(window.dispersal)
    wait_until(qtbot, lambda: len(_reads(dispersal_db.url)) == 2, "a second showing logged once")


def test_opening_a_direction_asks_why_and_logs_a_consultation(
    dispersal_db: DispersalDb, open_window: Any, qtbot: Any
) -> None:
    window = _operator_window(dispersal_db, open_window, qtbot)
    _key(window, qtbot, Qt.Key.Key_Return)
    prompt = _prompt(window, qtbot)
    QTest.keyClick(prompt.justification, Qt.Key.Key_Escape)
    wait_until(qtbot, lambda: not prompt.isVisible(), "not prompt.isVisible()")
    assert [
        e for e in audit_entries(dispersal_db.url, kind="consultation") if e.action == "direction.consult"
    ] == []
    assert window.dispersal_actions.record is None

    _key(window, qtbot, Qt.Key.Key_Return)
    prompt = _prompt(window, qtbot)
    QTest.keyClicks(prompt.justification, "Breach check for SO-0412")
    QTest.keyClick(prompt.justification, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: window.dispersal_actions.record is not None, "the record opened")
    record = window.dispersal_actions.record
    assert record.labels["Necessity (s.35(3))"].text() == "Words of advice ignored twice tonight"
    assert record.labels["In uniform"].text() == "yes"
    consulted = [
        e for e in audit_entries(dispersal_db.url, kind="consultation") if e.action == "direction.consult"
    ]
    assert [(e.entity, e.justification, e.actor) for e in consulted] == [
        ("direction", "Breach check for SO-0412", "jsmith")
    ]


def test_opening_a_persons_record_asks_why_then_shows_the_identity_and_logs_it(
    dispersal_db: DispersalDb, open_window: Any, qtbot: Any, arun: Any
) -> None:
    window = _operator_window(dispersal_db, open_window, qtbot)
    named = arun(
        window.commands.add_subject(
            NewSubject(description="Tall man <b>red</b> coat", name="<i>Dan</i> Example", address="1 High St")
        )
    )
    window.session.record_action.trigger()  # the selected direction's person
    prompt = _prompt(window, qtbot)
    QTest.keyClick(prompt.justification, Qt.Key.Key_Escape)
    wait_until(qtbot, lambda: not prompt.isVisible(), "not prompt.isVisible()")
    assert [
        e for e in audit_entries(dispersal_db.url, kind="consultation") if e.action == "subject.consult"
    ] == []

    task = window.session.open_record(named.id)
    prompt = _prompt(window, qtbot)
    QTest.keyClicks(prompt.justification, "Breach check for SO-0412")
    QTest.keyClick(prompt.justification, Qt.Key.Key_Return)
    wait_until(qtbot, task.done, "the task it started finished", timeout=5000)
    record = task.result()
    assert record.labels["Name"].text() == "<i>Dan</i> Example"  # as typed, shown as text
    assert record.labels["Name"].textFormat() == Qt.TextFormat.PlainText
    consulted = [
        e for e in audit_entries(dispersal_db.url, kind="consultation") if e.action == "subject.consult"
    ]
    assert [(e.entity_id, e.justification, e.actor) for e in consulted] == [
        (named.id, "Breach check for SO-0412", "jsmith")
    ]


def test_printing_logs_one_disclosure_per_document_when_the_pages_reach_the_printer(
    dispersal_db: DispersalDb, open_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = _operator_window(dispersal_db, open_window, qtbot)
    _key(window, qtbot, Qt.Key.Key_P)
    prompt = _prompt(window, qtbot)
    assert prompt.recipient is not None and prompt.recipient.currentText() == "the person directed"
    prompt.reject()
    wait_until(qtbot, lambda: not prompt.isVisible(), "not prompt.isVisible()")
    assert window.dispersal_actions.preview is None

    painted: list[int] = []
    window.dispersal_actions.sig_preview_painted.connect(painted.append)
    _key(window, qtbot, Qt.Key.Key_P)
    prompt = _prompt(window, qtbot)
    QTest.keyClicks(prompt.justification, "Notice handed over at the scene")
    QTest.keyClick(prompt.justification, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: window.dispersal_actions.preview is not None, "the preview opened")
    wait_until(qtbot, lambda: bool(painted), "the preview painted", timeout=10000)
    consulted = [
        e for e in audit_entries(dispersal_db.url, kind="consultation") if e.action == "direction.consult"
    ]
    assert [e.justification for e in consulted] == ["Notice handed over at the scene"]
    assert audit_entries(dispersal_db.url, kind="disclosure") == []  # a preview is not a print

    printed: list[str] = []
    window.dispersal_actions.sig_printed.connect(printed.append)
    preview = window.dispersal_actions.preview
    preview.printer().setOutputFileName(str(tmp_path / "printed.pdf"))
    preview.findChild(QPrintPreviewWidget).print_()  # what Print does once the printer is chosen
    wait_until(qtbot, lambda: printed == [dispersal_db.reference], "the print was logged")
    assert (tmp_path / "printed.pdf").stat().st_size > 0
    disclosed = audit_entries(dispersal_db.url, kind="disclosure")
    assert sorted((e.detail["document"], e.recipient) for e in disclosed) == [
        ("notice", "the person directed"),
        ("record", "internal use: the force's s.38 record"),
    ]
    assert {(e.action, e.entity_id, e.justification) for e in disclosed} == {
        ("paperwork.print", consulted[0].entity_id, "Notice handed over at the scene")
    }
