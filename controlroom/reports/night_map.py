"""The night pack's map: the night's incidents over the streets, with the hotspot layer.

Drawn like the s.35 plan (``paperwork.plan.draw_plan``): the busiest 150 m square is the
plan's shaded area, the other squares holding two or more incidents are shaded lighter
in proportion to their count, and every incident is a dot in its grade's colour.
"""

from __future__ import annotations

from collections.abc import Callable

from controlroom.paperwork.plan import Point, draw_plan
from controlroom.paperwork.printable import PLAN_HEIGHT
from controlroom.reports.night import HotspotCell, NightPack

MAP_HEIGHT = PLAN_HEIGHT + 120  # the map is the page's main figure: taller than an s.35 plan
GRADE_DOTS = {1: "#c4161c", 2: "#f08c00", 3: "#d4b000", 4: "#2f7fd0", None: "#7a7a7a"}
_FONT = "DejaVu Sans, Arial, sans-serif"


def _corners(cell: HotspotCell) -> list[tuple[float, float]]:
    return [
        (cell.south, cell.west),
        (cell.south, cell.east),
        (cell.north, cell.east),
        (cell.north, cell.west),
    ]


def night_map_svg(pack: NightPack, height: float = MAP_HEIGHT) -> str:
    """SVG of the night's incidents, hotspot squares shaded, at its printed size in CSS pixels."""
    points = [(i.lat, i.lon, i.grade) for i in pack.incidents]
    busiest = pack.hotspots[0] if pack.hotspots else None
    top = max((c.count for c in pack.hotspots), default=1)

    def overlay(project: Callable[[float, float], Point], scale: float) -> list[str]:
        del scale
        out = []
        for cell in pack.hotspots[1:]:
            corners = " L".join(f"{x:.1f},{y:.1f}" for x, y in (project(la, lo) for la, lo in _corners(cell)))
            opacity = 0.08 + 0.2 * cell.count / top
            out.append(
                f'<path d="M{corners} Z" fill="#e0301e" fill-opacity="{opacity:.2f}" stroke="#b00000" '
                'stroke-width="1" stroke-dasharray="4 3"/>'
            )
        for cell in pack.hotspots[:8]:
            x, y = project(cell.north, cell.west)
            out.append(
                f'<text x="{x + 3:.1f}" y="{y + 13:.1f}" font-family="{_FONT}" font-size="11" '
                f'font-weight="bold" fill="#7a0000">{cell.count}</text>'
            )
        for lat, lon, grade in points:
            x, y = project(lat, lon)
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{GRADE_DOTS.get(grade, "#7a7a7a")}" '
                'stroke="#ffffff" stroke-width="1"/>'
            )
        return out

    caption = (
        f"Busiest 150 m square ({busiest.count} incidents)" if busiest else "No 150 m square with 2 or more"
    )
    return draw_plan(
        _corners(busiest) if busiest else [],
        caption=caption,
        frame=[(lat, lon) for lat, lon, _ in points] or [(50.9097, -1.4044)],
        overlay=overlay,
        height=height,
    )


__all__ = ["GRADE_DOTS", "MAP_HEIGHT", "night_map_svg"]
