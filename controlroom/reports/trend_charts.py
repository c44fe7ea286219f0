"""The period report's charts: the weekday × hour heat map and the night-by-night series.

Made as the night pack's chart is (``reports.charts``): ``matplotlib.figure.Figure()``
directly, no pyplot and no ``matplotlib.use``, so the window's QtAgg canvas can show the
same figure in the dark theme and the PDF takes it as SVG (``charts.figure_svg``).
The heat map's colour scale starts at white (print) or the background (dark), so an hour
with no incidents reads as empty, and each cell carries its count as text: a grey-scale
copy loses nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from controlroom.reports.charts import Theme
from controlroom.reports.period import HOURS, WEEKDAYS, PeriodReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

HEATMAP_SIZE_IN = (6.67, 2.9)
SERIES_SIZE_IN = (6.67, 2.4)
_HEAT_COLOURS: dict[Theme, tuple[str, str]] = {
    "dark": ("#0d1117", "#ff9500"),
    "print": ("#ffffff", "#b3261e"),
}
_INK: dict[Theme, tuple[str, str, str]] = {  # background, text, grid: as the night pack's chart
    "dark": ("#0d1117", "#e6edf3", "#2c3648"),
    "print": ("#ffffff", "#000000", "#d0d0d0"),
}
_LINE: dict[Theme, str] = {"dark": "#40a9ff", "print": "#1f4e9c"}
_PIVOT: dict[Theme, str] = {"dark": "#ffd60a", "print": "#000000"}


def _style(ax: Axes, theme: Theme) -> None:
    background, text, grid = _INK[theme]
    ax.set_facecolor(background)
    ax.tick_params(colors=text, labelsize=8)
    for spine in ax.spines.values():
        spine.set_color(grid)


def heatmap_chart(report: PeriodReport, theme: Theme) -> Figure:
    """Incidents by the night's weekday (rows) and hour reported, UK time (06 … 05)."""
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.figure import Figure

    background, text, _ = _INK[theme]
    fig = Figure(figsize=HEATMAP_SIZE_IN, facecolor=background, layout="constrained")
    ax = fig.add_subplot()
    _style(ax, theme)
    peak = max((max(row) for row in report.heatmap), default=0)
    ramp = LinearSegmentedColormap.from_list("counts", _HEAT_COLOURS[theme])
    ax.imshow(report.heatmap, cmap=ramp, vmin=0, vmax=max(peak, 1), aspect="auto", interpolation="nearest")
    ax.set_xticks(range(24), [f"{h:02d}" for h in HOURS])
    ax.set_yticks(range(7), [f"{d} night" for d in WEEKDAYS])
    ax.set_xlabel(
        "Hour reported (UK time); the weekday is the night's, so 02:00 Saturday is Friday night",
        color=text,
        fontsize=8,
    )
    for day, row in enumerate(report.heatmap):
        for col, value in enumerate(row):
            if value:
                strong = value > peak * 0.55
                colour = ("#ffffff" if theme == "print" else "#0d1117") if strong else text
                ax.text(col, day, str(value), ha="center", va="center", fontsize=6.5, color=colour)
    if peak == 0:
        ax.text(11.5, 3, "No incidents in this period", ha="center", va="center", color=text, fontsize=10)
    return fig


def series_chart(report: PeriodReport, theme: Theme) -> Figure:
    """Incidents each night of the period, with the before/after date and means if asked for."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    background, text, grid = _INK[theme]
    fig = Figure(figsize=SERIES_SIZE_IN, facecolor=background, layout="constrained")
    ax = fig.add_subplot()
    _style(ax, theme)
    # Nights are placed by their index (0 = the first night), labelled with their dates.
    at = {n.night: i for i, n in enumerate(report.series)}
    counts = [n.incidents for n in report.series]
    ax.plot(range(len(counts)), counts, color=_LINE[theme], linewidth=1.4, marker="o", markersize=2.5)
    top = max(counts, default=0)
    change = report.before_after
    if change is not None:
        colour = _PIVOT[theme]
        ax.axvline(at[change.pivot] - 0.5, color=colour, linewidth=1, linestyle="--")
        ax.hlines(
            change.before_mean, at[change.before_first], at[change.before_last], color=colour, linewidth=1.6
        )
        ax.hlines(
            change.after_mean, at[change.after_first], at[change.after_last], color=colour, linewidth=1.6
        )
        ax.text(
            at[change.pivot] - 0.4,
            top * 1.12 + 0.3,
            f"{change.pivot:%d %b}: mean before / after",
            color=text,
            fontsize=7,
            va="bottom",
        )
    step = max(1, -(-len(counts) // 10))
    ax.set_xticks(range(0, len(counts), step), [f"{n.night:%a %d %b}" for n in report.series[::step]])
    ax.set_xlim(-0.6, len(counts) - 0.4)
    ax.set_ylabel("Incidents a night", color=text, fontsize=9)
    ax.set_ylim(0, top * 1.3 + 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", color=grid, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig
