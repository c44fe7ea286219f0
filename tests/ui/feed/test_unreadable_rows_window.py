"""The real window over rows written around the program: the rest show, the status bar names the bad."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from controlroom.core.snapshots import IncidentSnapshot, Snapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.storage.database import Database
from controlroom.storage.models import ChangeLogEntry
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


async def _damaged_change(url: str, incident: IncidentSnapshot) -> None:
    """A change-log entry whose incident payload holds an unknown status."""
    db = Database(url)
    try:
        async with db.write() as session:
            await db.take_feed_lock(session)
            payload = {**incident.to_json(), "status": "bogus", "version": incident.version + 1}
            session.add(
                ChangeLogEntry(
                    entity="incident",
                    entity_id=incident.id,
                    op="upsert",
                    payload=payload,
                    committed_at=datetime.now(UTC),
                )
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
    status = window.connection_status
    wait_until(
        qtbot,
        lambda: (
            window.model.rowCount() == len(before.incidents) - 2
            and window.units.model.rowCount() == len(before.units) - 1
            and status.connection.text() == "● Live"
            and status.rows_skipped.isVisible()
            and status.rows_skipped.text().startswith("⚠ 3 records not shown: ")
        ),
        "every other incident and unit on the board, Live, and 3 records named in the status bar",
        timeout=15000,
    )
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
    third = next(i for i in before.incidents if i.id not in (first.id, second.id))
    # What the status bar said right after each diff (connected after it, so called after it):
    # a reconnection on a loaded machine reloads the board, and the table row itself is fine.
    said: list[str] = []
    window.feed.sig_diff_received.connect(lambda _diff: said.append(status.rows_skipped.text()))
    run_isolated(_damaged_change(demo_url, third))
    # A change the program writes wakes a PostgreSQL console (the damaged one sent no NOTIFY).
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
        "y",
    )
    wait_until(
        qtbot,
        lambda: any(text.startswith("⚠ 4 records not shown: ") for text in said),
        "a change the feed cannot read is named too",
        timeout=10000,
    )
    assert f"incidents row {third.id} (change " in caplog.text
    wait_until(qtbot, lambda: window.model.rowCount() == shown + 2, "the report after it is on the board")
