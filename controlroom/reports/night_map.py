"""The night pack's map: the night's incidents over the streets, with the hotspot layer.

Drawn like the s.35 plan (``paperwork.plan.draw_plan``): the kernel-density cells of
``reports.hotspots`` shaded red, deeper towards the peak; the busiest 150 m square is the
plan's outlined area and the other squares holding two or more incidents are dashed, each
labelled with its count; every incident is a dot in its grade's colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from controlroom.paperwork.plan import Point, draw_plan
from controlroom.paperwork.printable import PLAN_HEIGHT
from controlroom.reports.night import NightPack

MAP_HEIGHT = PLAN_HEIGHT + 90  # the page's main figure, taller than an s.35 plan; page 1 still fits
GRADE_DOTS = {1: "#c4161c", 2: "#f08c00", 3: "#d4b000", 4: "#2f7fd0", None: "#7a7a7a"}
_FONT = "DejaVu Sans, Arial, sans-serif"
LABELLED_SQUARES = 8


def _path(project: Callable[[float, float], Point], ring: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (project(la, lo) for la, lo in ring)) + " Z"


def night_map_svg(pack: NightPack, height: float = MAP_HEIGHT) -> str:
    """SVG of the night's incidents and hotspot layer, at its printed size in CSS pixels."""
    points = [(i.lat, i.lon, i.grade) for i in pack.incidents]
    layer = pack.hotspots
    busiest = layer.squares[0] if layer.squares else None

    def overlay(project: Callable[[float, float], Point], scale: float) -> list[str]:
        del scale
        out = [
            f'<path d="{_path(project, ring)}" fill="#e0301e" fill-opacity="{0.08 + 0.32 * share:.2f}"/>'
            for ring, share in layer.density
        ]
        out += [
            f'<path d="{_path(project, square.ring)}" fill="none" stroke="#b00000" stroke-width="1" '
            'stroke-dasharray="4 3"/>'
            for square in layer.squares[1:]
        ]
        for square in layer.squares[:LABELLED_SQUARES]:
            x = min(project(la, lo)[0] for la, lo in square.ring)
            y = min(project(la, lo)[1] for la, lo in square.ring)
            out.append(
                f'<text x="{x + 3:.1f}" y="{y + 13:.1f}" font-family="{_FONT}" font-size="11" '
                f'font-weight="bold" fill="#7a0000">{square.count}</text>'
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
        list(busiest.ring) if busiest else [],
        caption=caption,
        frame=[(lat, lon) for lat, lon, _ in points] or [(50.9097, -1.4044)],
        overlay=overlay,
        height=height,
    )


__all__ = ["GRADE_DOTS", "MAP_HEIGHT", "night_map_svg"]
