"""``FeedController`` outliving its window: the feed task ends quietly, not with an error."""

from __future__ import annotations

import asyncio
from typing import Any

import shiboken6

from controlroom.feed.change_feed import ChangeFeed
from controlroom.storage.database import Database
from tests.ui.conftest import cli
from tests.ui.waits import wait_until
from ui.feed.controller import FeedController


def test_a_controller_deleted_without_stop_ends_its_task_without_an_exception(
    demo_url: str, arun: Any, qtbot: Any
) -> None:
    db = Database(demo_url)
    controller = FeedController(ChangeFeed(db, poll_interval=0.05))
    loaded: list[object] = []
    controller.sig_snapshot_loaded.connect(loaded.append)

    async def start() -> asyncio.Task[None]:
        controller.start()
        assert controller._task is not None
        return controller._task

    task = arun(start())
    wait_until(qtbot, lambda: bool(loaded), "bool(loaded)", timeout=5000)
    shiboken6.delete(controller)  # the window went without calling feed.stop()
    # The next change reaches a controller whose signals are gone.
    cli(
        demo_url,
        "report",
        "--venue",
        "Velvet Fox",
        "--category",
        "other",
        "--source",
        "cctv",
        "--summary",
        "x",
    )
    wait_until(qtbot, task.done, "the task it started finished", timeout=5000)
    assert not task.cancelled() and task.exception() is None
    arun(db.dispose())
