"""``StreetNetworkLink``: the routing graph the window's dispatch suggestions use, kept current.

The dispatch dialog ranks units synchronously as it opens, so the graph must already be
built: this link builds it (``load_street_graph``, on a worker thread) when the feed's
first snapshot arrives and again after each road import (``Diff.roads_changed``), and
the dialog takes it from ``loaded_street_graph``. Until the first build finishes, and if
a build fails, the dialog ranks on the shipped streets, as it always did; the log says why.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import SQLAlchemyError

from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import Diff, Snapshot
from controlroom.patrols.routing import StreetGraph, load_street_graph
from controlroom.storage.database import Database
from ui.common.tasks import TaskSet
from ui.feed.controller import FeedController

log = logging.getLogger(__name__)


class StreetNetworkLink(QObject):
    """Builds the routing graph of the database's street layer at start and after each import."""

    sig_graph_loaded = Signal(object)  # StreetGraph

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._tasks = TaskSet()
        self.graph: StreetGraph | None = None

    def follow(self, feed: FeedController) -> None:
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def reload(self) -> asyncio.Future[Any]:
        """Build the graph again if the stored network changed (a no-op read otherwise)."""
        return self._tasks.spawn(self._load())

    def _on_feed_snapshot_loaded(self, _snapshot: Snapshot) -> None:
        self.reload()

    def _on_feed_diff_received(self, diff: Diff) -> None:
        if diff.roads_changed:
            self.reload()

    async def _load(self) -> None:
        try:
            graph = await load_street_graph(self._db)
        except (ControlroomError, SQLAlchemyError, ValueError) as why:
            log.warning(
                "dispatch suggestions route on the shipped streets: the road network failed (%s)", why
            )
            return
        self.graph = graph
        self.sig_graph_loaded.emit(graph)
