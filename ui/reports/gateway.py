"""``ReportGateway``: a report worked out whole in a worker process, for the Reports dock.

A month's report reads thousands of incidents, works out a kernel density and draws
charts. Run as a task on the window's loop it would hold the GUI thread for seconds (an
``await`` yields only while the database answers); run in a worker *thread* it still
stalled the window 220-480 ms at a time, measured with benchmarks/bench_reports_dock.py
beyond the machine's own run-queue wait: the worker holds the interpreter lock through
long stretches of matplotlib's and numpy's C code. So the report, its charts' drawings
and its exports run in one worker process (``work``: no Qt there), which connects to the
same database under the same login; the dock receives plain, finished values.

One worker process, started on the first report ("spawn": a fork of a process running Qt
threads is unsafe) and kept: a second report asked for while one runs waits its turn, and
the dock shows only the newest.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from ui.reports.work import ReportPeriod, ReportResult, compute, export, in_worker, rendered


@functools.cache
def _worker() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


class ReportGateway:
    """Reports for one acting user, each worked out whole in the reports process."""

    def __init__(self, db: Database, actor: Actor) -> None:
        # The login's own URL (password and all): the worker connects as this user.
        self._url = db.url.render_as_string(hide_password=False)
        self._actor = actor

    @property
    def actor(self) -> Actor:
        return self._actor

    async def report(self, period: ReportPeriod) -> ReportResult:
        """The night pack or the period report of ``period``; the core's refusals propagate."""
        work = functools.partial(compute, period, self._actor)
        result: ReportResult = await self._run(in_worker, self._url, work)
        return result

    async def render(
        self, chart: str, width: int, height: int, ratio: float
    ) -> tuple[bytes, int, int] | None:
        """A chart drawn by Agg in the worker (``work.rendered``), never on the GUI thread."""
        drawn: tuple[bytes, int, int] | None = await self._run(rendered, chart, width, height, ratio)
        return drawn

    async def export(self, report: Any, night: bool, fmt: str) -> Any:
        """A core export's content (``exports.export_content``), logged in the worker."""
        return await self._run(
            in_worker, self._url, functools.partial(export, self._actor, report, night, fmt)
        )

    async def _run(self, function: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(_worker(), function, *args)
