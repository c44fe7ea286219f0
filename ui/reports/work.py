"""What the reports worker process runs: the report, its charts' drawings, its exports.

Nothing here imports Qt: these functions run in a separate process (``gateway``) that
imports only the core, matplotlib's Agg renderer and the database drivers. Each call
opens its own connection to the database under the console's login (the URL carries
it) and closes it before returning; what it returns is plain, picklable values.

The charts' figures stay in the worker process, named by a token: the window asks for a
drawing at its size (``rendered``) and receives pixels. Sending the figures themselves
back (thousands of matplotlib objects) cost the window up to 150 ms unpickling them
with the interpreter lock held.
"""

from __future__ import annotations

import asyncio
import calendar
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from matplotlib.figure import Figure

from controlroom.core.domain import operational_night
from controlroom.core.roles import Actor
from controlroom.reports.hotspots import Hotspots, hotspots
from controlroom.storage.database import Database

THEME: Final = "dark"
# The charts' text is sized for A4 (8 pt ticks); in the window it is drawn this much larger,
# so tick labels and counts read at 2 m from the screen.
WINDOW_TEXT_SCALE: Final = 1.35
LAST_NIGHT, NIGHT, WEEK, MONTH, RANGE = "last_night", "night", "week", "month", "range"


@dataclass(frozen=True)
class ReportPeriod:
    """What to report: one night (``start == end``, ``night``) or the nights ``start``..``end``."""

    night: bool
    start: date
    end: date
    before_after: date | None = None

    def words(self) -> str:
        """ "the night of Fri 27 Nov 2026" / "the nights 01 Nov 2026 – 30 Nov 2026"."""
        if self.night:
            return f"the night of {self.start:%a %d %b %Y}"
        return f"the nights {self.start:%d %b %Y} – {self.end:%d %b %Y}"


def last_night(now: datetime) -> date:
    """The last operational night that has ended by ``now`` (as ``report-night`` defaults to)."""
    return operational_night(now) - timedelta(days=1)


def chosen_period(
    choice: str, first: date, second: date, now: datetime, before_after: date | None = None
) -> ReportPeriod:
    """The period a choice and its dates mean (``first``: the night, week start or month)."""
    if choice == LAST_NIGHT:
        return ReportPeriod(True, last_night(now), last_night(now))
    if choice == NIGHT:
        return ReportPeriod(True, first, first)
    if choice == WEEK:
        return ReportPeriod(False, first, first + timedelta(days=6), before_after)
    if choice == MONTH:
        days = calendar.monthrange(first.year, first.month)[1]
        return ReportPeriod(False, first.replace(day=1), first.replace(day=days), before_after)
    return ReportPeriod(False, first, second, before_after)


@dataclass(frozen=True)
class ReportResult:
    """A finished report: the core's figures, its charts (dark) and the hotspot grid."""

    period: ReportPeriod
    report: Any  # NightPack or PeriodReport
    charts: tuple[tuple[str, str], ...]  # (title, token of the figure kept in the worker)
    hotspots: Hotspots


def in_worker(url: str, work: Callable[[Database], Coroutine[Any, Any, Any]]) -> Any:
    """Run ``work(db)`` on a fresh loop with its own connection to ``url``."""

    async def run() -> Any:
        db = Database(url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(run())


async def compute(period: ReportPeriod, actor: Actor, db: Database) -> ReportResult:
    """The night pack or period report of ``period``, its charts and its hotspots."""
    if period.night:
        from controlroom.reports.charts import hourly_chart
        from controlroom.reports.night import night_pack

        pack = await night_pack(db, period.start, actor=actor)
        density = hotspots([(i.lat, i.lon) for i in pack.incidents])
        return ReportResult(period, pack, (("Hour by hour", _kept(hourly_chart(pack, THEME))),), density)
    from controlroom.reports.period import period_report
    from controlroom.reports.trend_charts import heatmap_chart, series_chart

    report = await period_report(db, period.start, period.end, actor=actor, before_after=period.before_after)
    charts = (
        ("Weekday × hour", _kept(heatmap_chart(report, THEME))),
        ("Night by night", _kept(series_chart(report, THEME))),
    )
    return ReportResult(period, report, charts, report.hotspots)


async def export(actor: Actor, report: Any, night: bool, fmt: str, db: Database) -> Any:
    """An export's content, logged first (``exports.export_content``)."""
    from ui.reports.exports import export_content

    return await export_content(db, actor, report, night, fmt)


_FIGURES: dict[str, Figure] = {}  # this worker's charts by token, oldest first
KEPT_FIGURES = 12  # the charts of the last few reports; an older one is no longer drawn


def _kept(figure: Figure) -> str:
    token = uuid.uuid4().hex
    _FIGURES[token] = figure
    while len(_FIGURES) > KEPT_FIGURES:
        del _FIGURES[next(iter(_FIGURES))]
    return token


def rendered(token: str, width: int, height: int, ratio: float) -> tuple[bytes, int, int] | None:
    """The chart ``token`` drawn by Agg at ``width`` x ``height`` logical pixels, as RGBA
    bytes; None if this worker no longer keeps it (a newer report's charts replaced it)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = _FIGURES.get(token)
    if figure is None:
        return None

    dpi = figure.dpi * WINDOW_TEXT_SCALE
    figure.set_size_inches(width / dpi, height / dpi)
    figure.set_dpi(dpi * ratio)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]
    buffer = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    return bytes(buffer), int(buffer.shape[1]), int(buffer.shape[0])
