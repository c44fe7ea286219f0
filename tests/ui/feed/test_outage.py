"""Outages in the real window, on a throwaway PostgreSQL server of this module's own.

The server is stopped hard (a real outage) or the network to it is made to hang
(a partition: nothing raises, the watchdog must notice). Either way the banner is
up within 5 s with the time of the last good data, the board stays usable, writes
made meanwhile are kept as pending and replayed exactly once when the database is
back, and a write another console made stale is kept as a conflict until retried.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from controlroom.commands import Commands
from controlroom.config import Settings
from controlroom.core.domain import Status
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from controlroom.storage.models import Incident, IncidentEvent
from tests.conftest import _migrate, run_isolated
from tests.pg_cluster import PostgresCluster, find_pg_bin
from tests.ui.conftest import cli
from tests.ui.waits import wait_until
from ui.shell.main_window import MainWindow

SETTINGS = Settings(poll_interval=0.2)


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[PostgresCluster]:
    """Not the session's shared server: these tests stop theirs.

    Like every PostgreSQL test: with ``CI=true`` a missing server is a failure, never a skip.
    """
    if find_pg_bin() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed; run `make setup` (installs the postgresql package)")
        pytest.skip("needs PostgreSQL binaries (a developer machine without them)")
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture
def demo_pg(own_cluster: PostgresCluster) -> str:
    url = own_cluster.create_database()
    run_isolated(_migrate(url))
    cli(url, "demo")
    return url


class Partition:
    """A TCP relay to the server whose link can be made to hang (packets silently dropped)."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.hanging = False
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, direct_url: str) -> str:
        return direct_url.replace(f":{self.target}/", f":{self.port}/")

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.pairs.append((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                if not self.hanging:
                    dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                sock.close()

    def hang(self) -> None:
        self.hanging = True

    def heal(self) -> None:
        """Links that lost packets are dead: drop them, as a router's reset would."""
        for pair in self.pairs:
            for sock in pair:
                sock.close()
        self.pairs.clear()
        self.hanging = False

    def close(self) -> None:
        self.listener.close()
        self.heal()


def _count(url: str, summary: str, reference: str) -> tuple[int, int]:
    async def counts() -> tuple[int, int]:
        db = Database(url)
        try:
            async with db.read() as conn:
                made = await conn.execute(select(func.count()).where(Incident.summary == summary))
                events = await conn.execute(
                    select(func.count())
                    .select_from(IncidentEvent)
                    .join(Incident, Incident.id == IncidentEvent.incident_id)
                    .where(Incident.reference == reference, IncidentEvent.kind == "status")
                )
                return int(made.scalar_one()), int(events.scalar_one())
        finally:
            await db.dispose()

    return run_isolated(counts())


def _new_incident_on_the_board(window: MainWindow) -> Any:
    return next(i for i in window.model.incidents() if i.status == Status.NEW.value)


def _record_offline(window: MainWindow, qtbot: Any, summary: str) -> None:
    form = window.incident_actions.new_incident()
    form.place.setText("Doorway by the Guildhall")
    form.set_point(50.9080, -1.4050)
    form.category.setCurrentIndex(form.category.findData("vulnerable_person"))  # none is pre-chosen
    form.summary.setText(summary)
    form.save()
    wait_until(
        qtbot,
        lambda: window.incident_actions.form is None,
        "window.incident_actions.form is None",
        timeout=3000,
    )


def test_server_stopped_banner_offline_writes_and_exactly_once_replay(
    own_cluster: PostgresCluster, demo_pg: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_pg, settings=SETTINGS)
    target = _new_incident_on_the_board(window)
    rows = window.model.rowCount()
    assert not window.banner.isVisible()
    own_cluster.stop("immediate")
    try:
        lost = time.monotonic()
        wait_until(qtbot, window.banner.isVisible, "window.banner.isVisible()", timeout=5000)
        noticed = time.monotonic() - lost
        good = window.feed.last_good
        assert good is not None
        assert f"last good data {good.astimezone().strftime('%H:%M:%S')}" in window.banner.title.text()
        assert "UNREACHABLE" in window.banner.title.text()
        # The board stays usable: selection, the detail and filters still work.
        assert window.table.select_incident(target.id)
        assert window.detail.incident is not None and window.detail.incident.id == target.id
        window.filter_bar.search.setText(target.reference)
        wait_until(
            qtbot,
            lambda: window.table.proxy.rowCount() == 1,
            "window.table.proxy.rowCount() == 1",
            timeout=3000,
        )
        window.filter_bar.search.setText("")
        _record_offline(window, qtbot, "Woman asleep in doorway, recorded offline")
        window.detail.set_status(Status.ACKNOWLEDGED)
        wait_until(
            qtbot,
            lambda: window.outbox_panel.list.count() == 2,
            "window.outbox_panel.list.count() == 2",
            timeout=3000,
        )
        wait_until(
            qtbot,
            lambda: "kept on this PC" in window.statusBar().currentMessage(),
            '"kept on this PC" in window.statusBar().currentMessage()',
            timeout=3000,
        )
        assert "2 waiting to send" in window.banner.pending_button.text()
        assert all("pending" in window.outbox_panel.list.item(i).text() for i in range(2))
        assert "Pe&nding (2)" in window.boards.tabText(window.boards.indexOf(window.outbox_panel))
        shot = os.environ.get("CONTROLROOM_SHOT_DIR")
        if shot:
            window.grab().save(str(Path(shot) / "outage_banner.png"))
    finally:
        own_cluster.restart()
    wait_until(qtbot, lambda: not window.banner.isVisible(), "not window.banner.isVisible()", timeout=30000)
    assert window.outbox_panel.list.count() == 0
    assert window.writes.outbox.entries() == []
    wait_until(
        qtbot,
        lambda: window.model.rowCount() == rows + 1,
        "window.model.rowCount() == rows + 1",
        timeout=5000,
    )
    made = [i for i in window.model.incidents() if i.summary == "Woman asleep in doorway, recorded offline"]
    assert len(made) == 1
    wait_until(
        qtbot,
        lambda: window.board.incident_by_id(target.id).status == "acknowledged",
        'window.board.incident_by_id(target.id).status == "acknowledged"',
        timeout=5000,
    )
    assert _count(demo_pg, "Woman asleep in doorway, recorded offline", target.reference) == (1, 1)
    print(f"banner shown {noticed:.2f} s after the server stopped")
    assert noticed < 5.0


def test_hung_network_is_noticed_and_a_stale_offline_write_becomes_a_conflict(
    own_cluster: PostgresCluster, demo_pg: str, open_window: Any, qtbot: Any, arun: Any
) -> None:
    partition = Partition(own_cluster.port)
    try:
        window = open_window(partition.url(demo_pg), settings=SETTINGS)
        target = _new_incident_on_the_board(window)
        window.table.select_incident(target.id)
        partition.hang()  # nothing raises: queries simply never get an answer
        lost = time.monotonic()
        wait_until(qtbot, window.banner.isVisible, "window.banner.isVisible()", timeout=5000)
        noticed = time.monotonic() - lost
        print(f"banner shown {noticed:.2f} s after the link started dropping packets")
        assert noticed < 5.0
        window.detail.set_status(Status.RESOLVED)
        wait_until(
            qtbot,
            lambda: window.outbox_panel.list.count() == 1,
            "window.outbox_panel.list.count() == 1",
            timeout=3000,
        )
        # Meanwhile another console, still connected, moves the same incident on.
        other = Database(demo_pg)
        run_isolated(_acknowledge(other, target.reference))
        partition.heal()
        wait_until(
            qtbot,
            lambda: window.banner.isVisible() and window.banner.conflicts == 1,
            "window.banner.isVisible() and window.banner.conflicts == 1",
            timeout=30000,
        )
        item = window.outbox_panel.list.item(0).text()
        assert "NEEDS ATTENTION" in item and "changed by bob" in item
        assert "need your attention" in window.banner.title.text() or "needs your attention" in (
            window.banner.title.text()
        )
        assert window.boards.currentWidget() is window.outbox_panel
        shot = os.environ.get("CONTROLROOM_SHOT_DIR")
        if shot:
            window.grab().save(str(Path(shot) / "outbox_conflict.png"))
        assert window.board.incident_by_id(target.id).status == "acknowledged"
        assert window.detail.incident.status == "acknowledged"  # the resync refreshed the detail too
        window.outbox_panel.list.setCurrentRow(0)
        window.outbox_panel.retry_button.click()
        wait_until(
            qtbot,
            lambda: window.board.incident_by_id(target.id).status == "resolved",
            'window.board.incident_by_id(target.id).status == "resolved"',
            timeout=10000,
        )
        # Condition-waited: the banner goes with the next good answer, later on a busy machine.
        wait_until(
            qtbot, lambda: not window.banner.isVisible(), "not window.banner.isVisible()", timeout=15000
        )
        assert window.writes.outbox.entries() == []
    finally:
        partition.close()


async def _acknowledge(db: Database, reference: str) -> None:
    try:
        await Commands(db, Actor("bob")).update_incident(reference, status="acknowledged")
    finally:
        await db.dispose()
