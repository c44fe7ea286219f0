"""The Footage dialog: keys open small forms, errors stand beside the field, kept writes show in the list."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from tests.core.footage.support import footage_counts, incident_with_cameras
from tests.ui.waits import wait_until
from ui.footage.dialog import FootageDialog
from ui.footage.form import FootageForm
from ui.footage.gateway import FootageGateway

T = TypeVar("T")


async def _on(url: str, scenario: Callable[[Database], Awaitable[T]]) -> T:
    """``run_with_db`` for the Qt loop (asyncio.run cannot start inside it)."""
    db = Database(url)
    try:
        return await scenario(db)
    finally:
        await db.dispose()


async def _reference(db: Database) -> str:
    reference, _, _ = await incident_with_cameras(db)
    return reference


@pytest.fixture
def opened(sqlite_url: str, arun: Any, qtbot: Any) -> Iterator[Any]:
    """A function opening the dialog for the Velvet Fox incident as a user of ``role``."""
    reference = arun(_on(sqlite_url, _reference))
    databases: list[Database] = []

    def open_as(role: str) -> FootageDialog:
        db = Database(sqlite_url)
        databases.append(db)
        actor = Actor(f"{role}-ui", role)
        dialog = FootageDialog(
            FootageGateway(Commands(db, actor)),
            reference,
            f"{reference}, Velvet Fox",
            ["C12", "F1", "V3"],
            actor.may,
        )
        qtbot.addWidget(dialog)
        dialog.show()
        wait_until(qtbot, lambda: dialog.footage is not None, "the incident's footage was read")
        return dialog

    yield open_as
    for db in databases:
        arun(db.dispose())


def _form(qtbot: Any, dialog: FootageDialog, key: Qt.Key) -> FootageForm:
    wait_until(qtbot, lambda: dialog.form is None or not dialog.form.isVisible(), "the last form closed")
    dialog.activateWindow()
    wait_until(qtbot, lambda: QApplication.activeWindow() is dialog, "the dialog is the active window")
    dialog.table.setFocus()
    before = dialog.form
    QTest.keyClick(dialog.table, key)
    wait_until(qtbot, lambda: dialog.form is not None and dialog.form is not before, f"the form of key {key}")
    assert dialog.form is not None
    return dialog.form


def _cell(dialog: FootageDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    return item.text() if item is not None else ""


def test_mark_lock_and_release_from_the_keyboard_with_errors_beside_the_field(
    opened: Any, qtbot: Any, sqlite_url: str, arun: Any
) -> None:
    dialog = opened("supervisor")
    assert dialog.table.rowCount() == 0

    mark = _form(qtbot, dialog, Qt.Key.Key_M)
    mark.fill(camera="V3", starts_at="tonight", ends_at="2026-11-27 22:50", description="Fight at the door")
    mark.accept_button.click()
    assert "is not a date and time" in mark.error_of("starts_at")  # said before anything is sent
    mark.fill(starts_at="2026-11-27 23:05")
    before = arun(_on(sqlite_url, footage_counts))
    mark.accept_button.click()
    wait_until(qtbot, lambda: "before it starts" in mark.error_of("ends_at"), "the refusal beside To")
    assert mark.isVisible() and arun(_on(sqlite_url, footage_counts)) == before
    mark.fill(starts_at="2026-11-27 22:40")
    mark.accept_button.click()
    wait_until(qtbot, lambda: dialog.table.rowCount() == 1, "the marked clip in the list")
    assert [_cell(dialog, 0, c) for c in range(4)] == ["1", "V3", "27/11 22:40–22:50", "deleted 28/12/2026"]
    assert dialog.status.text() == "clip 1 marked: camera V3"

    lock = _form(qtbot, dialog, Qt.Key.Key_L)
    lock.fill(until="2026-12-01", reason="Court")
    lock.accept_button.click()
    wait_until(
        qtbot,
        lambda: "give a date after 2026-12-28" in lock.error_of("until"),
        "the refusal beside Keep until",
    )
    lock.fill(until="2027-06-01")
    lock.accept_button.click()
    wait_until(qtbot, lambda: _cell(dialog, 0, 3) == "locked until 01/06/2027", "the lock in the list")

    release = _form(qtbot, dialog, Qt.Key.Key_R)
    release.fill(recipient="  ", justification="Assault file")
    release.accept_button.click()
    assert release.error_of("recipient") == "To is empty: fill it in"
    release.fill(recipient="PC 1234 <b>Smith</b>")
    release.accept_button.click()
    wait_until(qtbot, lambda: _cell(dialog, 0, 4) == "PC 1234 <b>Smith</b>", "the release in the list")
    assert "logged as a disclosure" in dialog.status.text()


def test_an_operator_is_not_offered_lock_unlock_or_release(opened: Any) -> None:
    dialog = opened("operator")
    shown = {key for key, button in dialog.buttons.items() if button.isVisibleTo(dialog)}
    assert shown == {"M", "W", "Q"}
