"""The real window over rows written around the program: the rest show, the status bar names the bad."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import text

from controlroom.core.snapshots import Snapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.storage.database import Database
from tests.conftest import run_isolated
from tests.ui.conftest import cli
from tests.ui.waits import wait_until


async def _board(url: str) -> Snapshot:
    db = Database(url)
    try:
        return await ChangeFeed(db).start()
    finally:
        await db.dispose()


async def _damage(url: str, bad_status: int, bad_time: int) -> None:
    """What an integration writing the tables directly might leave behind.

    PostgreSQL's timestamptz admits no integer, so there the second row gets an unknown source.
    """
    db = Database(url)
    second = "reported_at = 42" if db.is_sqlite else "source = 'carrier_pigeon'"
    try:
        async with db.write() as session:
            await session.execute(
                text("UPDATE incidents SET status = 'bogus' WHERE id = :id"), {"id": bad_status}
            )
            await session.execute(text(f"UPDATE incidents SET {second} WHERE id = :id"), {"id": bad_time})  # noqa: S608
            await session.execute(
                text("UPDATE units SET status = 'teleported' WHERE id = (SELECT min(id) FROM units)")
            )
    finally:
        await db.dispose()


def test_one_bad_row_leaves_the_rest_of_the_board_and_names_itself_in_the_status_bar(
    demo_db_url: str, open_window: Any, qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    demo_url = demo_db_url
    before = run_isolated(_board(demo_url))
    # Open ones: an integer time sorts before every date on SQLite, so only an open
    # incident with one is still selected for the board (and then named).
    first, second = [i for i in before.incidents if i.status in ("new", "acknowledged", "dispatched")][:2]
    run_isolated(_damage(demo_url, first.id, second.id))
    caplog.set_level(logging.WARNING, logger="ui.feed.status")

    window = open_window(demo_url)
    wait_until(
        qtbot,
        lambda: window.model.rowCount() == len(before.incidents) - 2,
        "every other incident is on the board",
    )
    status = window.connection_status
    assert window.units.model.rowCount() == len(before.units) - 1
    assert status.connection.text() == "● Live"
    assert status.rows_skipped.isVisible()
    assert status.rows_skipped.text().startswith("⚠ 3 records not shown: ")
    tip = status.rows_skipped.toolTip()
    assert f"incidents row {first.id} not shown: status 'bogus'" in tip
    second_value = "reported_at 42" if demo_url.startswith("sqlite") else "source 'carrier_pigeon'"
    assert f"incidents row {second.id} not shown: {second_value}" in tip
    assert "units row" in tip and "status 'teleported'" in tip
    assert f"incidents row {first.id} not shown: status 'bogus'" in caplog.text

    shown = window.model.rowCount()
    cli(
        demo_url,
        "report",
        "--venue",
        "Velvet Fox",
        "--category",
        "harassment",
        "--source",
        "cctv",
        "--summary",
        "x",
    )
    wait_until(qtbot, lambda: window.model.rowCount() == shown + 1, "the board keeps following the feed")
