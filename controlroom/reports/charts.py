"""The night pack's hour-by-hour chart with matplotlib, without Qt or pyplot.

Figures are made with ``matplotlib.figure.Figure()`` directly and written as SVG through
``savefig(format="svg")``: no pyplot state and no ``matplotlib.use``, so the window's own
QtAgg canvas (which draws the same figure in the dark theme) is never disturbed.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Literal

from controlroom.reports.night import NightPack

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Theme = Literal["dark", "print"]

# Grade colours as on the board (ui/common/theme.py GRADE_BACKGROUND), darker yellow and
# blue on paper so the bars hold up on a grey-scale printer.
_GRADE_COLOURS: dict[Theme, tuple[str, ...]] = {
    "dark": ("#e0281f", "#ff9500", "#ffd60a", "#40a9ff", "#c7ccd6"),
    "print": ("#c4161c", "#f08c00", "#d4b000", "#2f7fd0", "#a0a4ab"),
}
_INK: dict[Theme, tuple[str, str, str]] = {  # background, text, grid
    "dark": ("#0d1117", "#e6edf3", "#2c3648"),
    "print": ("#ffffff", "#000000", "#d0d0d0"),
}
_SERIES = ("Grade 1", "Grade 2", "Grade 3", "Grade 4", "Ungraded")
CHART_SIZE_IN = (6.67, 2.4)  # 640 × 230 CSS pixels: the A4 text width


def hourly_chart(pack: NightPack, theme: Theme) -> Figure:
    """Incidents per hour of the night (UK time), stacked by grade."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    background, text, grid = _INK[theme]
    fig = Figure(figsize=CHART_SIZE_IN, facecolor=background, layout="constrained")
    ax = fig.add_subplot()
    ax.set_facecolor(background)
    labels = [f"{hour:02d}" for hour, _ in pack.hours]
    bottoms = [0] * len(labels)
    for series, name in enumerate(_SERIES):
        heights = [counts[series] for _, counts in pack.hours]
        if any(heights):
            ax.bar(
                labels,
                heights,
                bottom=bottoms,
                color=_GRADE_COLOURS[theme][series],
                label=name,
                width=0.8,
                edgecolor=background,
                linewidth=0.5,
            )
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    ax.set_xlabel("Hour reported (UK time)", color=text, fontsize=9)
    ax.set_ylabel("Incidents", color=text, fontsize=9)
    ax.tick_params(colors=text, labelsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", color=grid, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(grid)
    if max(bottoms, default=0) == 0:
        ax.set_ylim(0, 1)
        ax.text(0.5, 0.5, "No incidents this night", transform=ax.transAxes, ha="center", color=text)
    else:
        # Above the axes, so the legend never covers the night's busiest hour.
        fig.legend(fontsize=8, frameon=False, loc="outside upper center", ncols=5, labelcolor=text)
        ax.set_ylim(0, max(bottoms) * 1.08 + 0.5)
    return fig


_SIZE = re.compile(r'(<svg[^>]*?)\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"')


def figure_svg(fig: Figure) -> str:
    """The figure as SVG text whose width and height are CSS pixels (as the paperwork's plans)."""
    import matplotlib

    out = io.StringIO()
    # Text as <text>, not glyph paths in <defs>: Qt's SVG Tiny renderer does not follow
    # matplotlib's glyph links, and text stays searchable in the PDF.
    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        fig.savefig(out, format="svg", facecolor=fig.get_facecolor())
    svg = out.getvalue()

    # matplotlib sizes the root in points; the PDF writer reads the size as CSS pixels.
    def in_pixels(match: re.Match[str]) -> str:
        width, height = (float(v) * 96 / 72 for v in match.group(2, 3))
        return f'{match.group(1)} width="{width:.0f}" height="{height:.0f}"'

    return _SIZE.sub(in_pixels, svg, count=1)


__all__ = ["CHART_SIZE_IN", "Theme", "figure_svg", "hourly_chart"]
