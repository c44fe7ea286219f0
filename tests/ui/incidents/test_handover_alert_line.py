"""A handover given and not yet acknowledged is a line on the alert stack of the consoles (from the
feed, given on another console), below the incident alerts; Enter on it asks for that handover to
be opened; it leaves when the acknowledgement comes through the feed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from controlroom.commands import Commands
from controlroom.core.domain import LOCAL_TZ
from controlroom.core.roles import Actor
from controlroom.incidents.alerts import AlertKind
from controlroom.storage.database import Database
from tests.conftest import run_isolated
from tests.ui.procedures.seeding import a_minute_ago, report_spiking
from tests.ui.waits import wait_until


async def give(url: str) -> Any:
    db = Database(url)
    try:
        return (await Commands(db, Actor("op1")).give_handover(notes="Quiet apart from the Parlour")).snapshot
    finally:
        await db.dispose()


async def acknowledge(url: str, handover_id: int) -> None:
    db = Database(url)
    try:
        await Commands(db, Actor("op2")).acknowledge_handover(handover_id)
    finally:
        await db.dispose()


def test_a_handover_stays_on_the_stack_until_acknowledged_and_enter_opens_it(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    run_isolated(report_spiking(sqlite_url, a_minute_ago()))  # an unacknowledged Grade 2 above it
    window = open_window(sqlite_url, actor=Actor("sup1"))
    stack = window.alert_stack
    wait_until(qtbot, lambda: stack.model.rowCount() == 1, "the Grade 2 is on the stack")
    given = run_isolated(give(sqlite_url))
    wait_until(qtbot, lambda: stack.model.rowCount() == 2, "the handover came by the feed")
    assert [e.kind for e in stack.model.entries()] == [AlertKind.G2, AlertKind.HANDOVER]
    line = stack.model.entry_at(1)
    assert line.handover.id == given.id and line.incident is None
    at = given.given_at.astimezone(LOCAL_TZ)
    assert stack.lines()[1] == f"Handover {given.reference} from op1 at {at:%H:%M} — awaiting acknowledgement"
    assert stack.count.text() == "2 alerts — 1 G2 · 1 handover"

    window.activateWindow()
    wait_until(qtbot, window.isActiveWindow, "the window is in front")
    stack.list.setFocus()
    stack.list.setCurrentIndex(stack.model.index(1))
    opened: list[int] = []
    stack.sig_handover_opened.connect(opened.append)
    selected: list[int] = []
    stack.sig_incident_selected.connect(selected.append)
    qtbot.keyClick(stack.list, Qt.Key.Key_A)  # A acknowledges incidents only: nothing happens here
    qtbot.keyClick(stack.list, Qt.Key.Key_Return)
    assert opened == [given.id] and selected == []

    run_isolated(acknowledge(sqlite_url, given.id))
    wait_until(qtbot, lambda: stack.model.rowCount() == 1, "the acknowledgement took the line off")
    assert [e.kind for e in stack.model.entries()] == [AlertKind.G2]
    assert stack.count.text() == "1 alert — 1 G2"
