"""``ReportGateway``: a report worked out off the GUI thread, whole, for the Reports dock.

A month's report reads thousands of incidents and works out a kernel density and the
charts: pure Python and numpy that would hold the GUI thread for seconds if it ran as a
task on the window's loop (an ``await`` only yields while the database answers). So
the whole report runs in one worker thread, with its own event loop and its own
connection to the same database under the same login (an async engine belongs to the
loop that made it), and the dock receives the finished result: figures, charts and the
hotspot grid. The GUI thread only attaches the finished figures to canvases.

The worker is a plain thread, not the loop's default executor (under qasync a pool of
QThreads still running when the application object goes). One worker: a second report
asked for while one runs waits its turn, and the dock shows only the newest.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

from matplotlib.figure import Figure

from controlroom.core.roles import Actor
from controlroom.reports.hotspots import Hotspots, hotspots
from controlroom.storage.database import Database
from ui.reports.period_picker import ReportPeriod

THEME: Final = "dark"


@functools.cache
def _worker() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="reports")


@dataclass(frozen=True)
class ReportResult:
    """A finished report: the core's figures, its charts (dark) and the hotspot grid."""

    period: ReportPeriod
    report: Any  # NightPack or PeriodReport
    charts: tuple[tuple[str, Figure], ...]  # (title, figure)
    hotspots: Hotspots


class ReportGateway:
    """Reports for one acting user, each worked out whole in the reports worker."""

    def __init__(self, db: Database, actor: Actor) -> None:
        # The login's own URL (password and all): the worker connects as this user.
        self._url = db.url.render_as_string(hide_password=False)
        self._actor = actor

    async def report(self, period: ReportPeriod) -> ReportResult:
        """The night pack or the period report of ``period``; the core's refusals propagate."""
        work = functools.partial(_in_worker, self._url, functools.partial(_compute, period, self._actor))
        return await asyncio.get_running_loop().run_in_executor(_worker(), work)

    async def export(self, write: Callable[[Database], Coroutine[Any, Any, Any]]) -> Any:
        """Run a core export (``write(db)``) in the worker; it logs what it wrote."""
        return await asyncio.get_running_loop().run_in_executor(
            _worker(), functools.partial(_in_worker, self._url, write)
        )

    @property
    def actor(self) -> Actor:
        return self._actor


def _in_worker(url: str, work: Callable[[Database], Coroutine[Any, Any, Any]]) -> Any:
    async def run() -> Any:
        db = Database(url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(run())


async def _compute(period: ReportPeriod, actor: Actor, db: Database) -> ReportResult:
    if period.night:
        return await _night(period, actor, db)
    return await _period(period, actor, db)


async def _night(period: ReportPeriod, actor: Actor, db: Database) -> ReportResult:
    from controlroom.reports.charts import hourly_chart
    from controlroom.reports.night import night_pack

    pack = await night_pack(db, period.start, actor=actor)
    density = hotspots([(i.lat, i.lon) for i in pack.incidents])
    charts = (("Hour by hour", hourly_chart(pack, THEME)),)
    return ReportResult(period, pack, charts, density)


async def _period(period: ReportPeriod, actor: Actor, db: Database) -> ReportResult:
    from controlroom.reports.period import period_report
    from controlroom.reports.trend_charts import heatmap_chart, series_chart

    report = await period_report(db, period.start, period.end, actor=actor, before_after=period.before_after)
    density = report.hotspots if isinstance(getattr(report, "hotspots", None), Hotspots) else hotspots([])
    charts = (
        ("Weekday × hour", heatmap_chart(report, THEME)),
        ("Night by night", series_chart(report, THEME)),
    )
    return ReportResult(period, report, charts, density)
