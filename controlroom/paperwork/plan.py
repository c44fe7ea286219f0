"""The plan printed on the paperwork: an area drawn over the street layer, as SVG, without Qt.

Street names are placed so they do not collide, and every plan has a scale bar and a
north arrow, so a person handed the notice can find the boundary on the ground.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from markupsafe import escape

from controlroom.core.resources import resource
from controlroom.paperwork.data import LatLon
from controlroom.paperwork.printable import PLAN_HEIGHT, PLAN_WIDTH, SHORT_FIELD_LIMIT, printable


@dataclass(frozen=True, slots=True)
class _Street:
    name: str
    kind: str  # "street" (a line) or "park" (an area)
    rings: tuple[tuple[LatLon, ...], ...]


@cache
def _streets() -> tuple[_Street, ...]:
    raw = json.loads(resource("geo", "streets.geojson").read_text(encoding="utf-8"))
    streets = []
    for feature in raw.get("features", []):
        geometry = feature.get("geometry") or {}
        props = feature.get("properties") or {}
        coords = geometry.get("coordinates") or []
        if geometry.get("type") == "LineString":
            lines = [coords]
        elif geometry.get("type") in ("Polygon", "MultiLineString"):
            lines = coords
        else:
            continue
        rings = tuple(tuple((float(lat), float(lon)) for lon, lat, *_ in line) for line in lines)
        streets.append(_Street(str(props.get("name", "")), str(props.get("kind", "street")), rings))
    return tuple(streets)


Point = tuple[float, float]


Overlay = Callable[[Callable[[float, float], Point], float], list[str]]


Quad = tuple[Point, Point, Point, Point]


_METRES_PER_DEGREE = 111_320.0


_FALLBACK_CENTRE: LatLon = (50.9027, -1.4043)  # the Bargate, when no area was recorded


_SCALE_LENGTHS = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000)


_LABEL_SIZE = 12.0


_FONT = "DejaVu Sans, Arial, sans-serif"


_PANEL = 'fill="#ffffff" fill-opacity="0.9"'


_INK = 'stroke="#000000" stroke-width="1"'


@dataclass(frozen=True, slots=True)
class _View:
    """A local equirectangular projection of the plan's box onto its pixels (north up)."""

    lat0: float
    lon0: float
    min_x: float
    max_y: float
    scale: float  # pixels per metre
    width: float
    height: float

    def metres(self, lat: float, lon: float) -> Point:
        x = (lon - self.lon0) * _METRES_PER_DEGREE * math.cos(math.radians(self.lat0))
        return x, (lat - self.lat0) * _METRES_PER_DEGREE

    def point(self, lat: float, lon: float) -> Point:
        x, y = self.metres(lat, lon)
        return (x - self.min_x) * self.scale, (self.max_y - y) * self.scale


def _view(polygon: Sequence[LatLon], width: float, height: float) -> _View:
    points = list(polygon) or [_FALLBACK_CENTRE]
    lat0 = sum(p[0] for p in points) / len(points)
    lon0 = sum(p[1] for p in points) / len(points)
    probe = _View(lat0, lon0, 0.0, 0.0, 1.0, width, height)
    xs, ys = zip(*(probe.metres(lat, lon) for lat, lon in points), strict=True)
    span = max(max(xs) - min(xs), max(ys) - min(ys), 60.0)
    margin = max(0.2 * span, 60.0)  # enough street around the area to recognise where it is
    min_x, max_x = min(xs) - margin, max(xs) + margin
    min_y, max_y = min(ys) - margin, max(ys) + margin
    if (max_x - min_x) / (max_y - min_y) < width / height:
        grow = ((max_y - min_y) * width / height - (max_x - min_x)) / 2
        min_x, max_x = min_x - grow, max_x + grow
    else:
        grow = ((max_x - min_x) * height / width - (max_y - min_y)) / 2
        min_y, max_y = min_y - grow, max_y + grow
    return _View(lat0, lon0, min_x, max_y, width / (max_x - min_x), width, height)


def _clip_segment(p: Point, q: Point, width: float, height: float) -> tuple[Point, Point] | None:
    """Liang–Barsky: the part of segment p→q inside the plan, if any."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for edge_p, edge_q in ((-dx, p[0]), (dx, width - p[0]), (-dy, p[1]), (dy, height - p[1])):
        if edge_p == 0:
            if edge_q < 0:
                return None
            continue
        t = edge_q / edge_p
        if edge_p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return (p[0] + t0 * dx, p[1] + t0 * dy), (p[0] + t1 * dx, p[1] + t1 * dy)


def _clip_polyline(points: Sequence[Point], width: float, height: float) -> list[list[Point]]:
    runs: list[list[Point]] = []
    for p, q in itertools.pairwise(points):
        piece = _clip_segment(p, q, width, height)
        if piece is None:
            continue
        if runs and runs[-1][-1] == piece[0]:
            runs[-1].append(piece[1])
        else:
            runs.append([piece[0], piece[1]])
    return runs


def _clip_area(points: Sequence[Point], width: float, height: float) -> list[Point]:
    """Sutherland–Hodgman clip of a closed ring to the plan rectangle."""
    ring = list(points)
    for axis, limit, keep_below in ((0, 0.0, False), (0, width, True), (1, 0.0, False), (1, height, True)):
        clipped: list[Point] = []
        for i, current in enumerate(ring):
            previous = ring[i - 1]
            current_in = (current[axis] <= limit) if keep_below else (current[axis] >= limit)
            previous_in = (previous[axis] <= limit) if keep_below else (previous[axis] >= limit)
            if current_in != previous_in:
                clipped.append(_cross(previous, current, axis, limit))
            if current_in:
                clipped.append(current)
        ring = clipped
    return ring


def _cross(p: Point, q: Point, axis: int, limit: float) -> Point:
    t = (limit - p[axis]) / (q[axis] - p[axis])
    return p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])


def _path(points: Sequence[Point], closed: bool = False) -> str:
    body = " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f"M{body}{' Z' if closed else ''}"


def _text_width(text: str, size: float) -> float:
    return 0.62 * size * len(text)  # DejaVu Sans averages a little over 0.6 em a character


def _quad(centre: Point, angle: float, half_w: float, half_h: float) -> Quad:
    c, s = math.cos(angle), math.sin(angle)
    corners = [(-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)]
    a, b, d, e = ((centre[0] + x * c - y * s, centre[1] + x * s + y * c) for x, y in corners)
    return a, b, d, e


def _box(x: float, y: float, w: float, h: float) -> Quad:
    return (x, y), (x + w, y), (x + w, y + h), (x, y + h)


def _overlaps(a: Quad, b: Quad) -> bool:
    """Separating-axis test for two convex quadrilaterals."""
    for quad in (a, b):
        for i in range(4):
            (x1, y1), (x2, y2) = quad[i], quad[(i + 1) % 4]
            axis = (y1 - y2, x2 - x1)
            pa = [axis[0] * x + axis[1] * y for x, y in a]
            pb = [axis[0] * x + axis[1] * y for x, y in b]
            if max(pa) < min(pb) or max(pb) < min(pa):
                return False
    return True


class _Labeller:
    """Places labels greedily where they fit inside the plan and clear of each other."""

    def __init__(self, width: float, height: float, reserved: Sequence[Quad]) -> None:
        self.width, self.height = width, height
        self.taken: list[Quad] = list(reserved)
        self.svg: list[str] = []

    def try_place(self, text: str, centre: Point, angle: float, size: float, style: str) -> bool:
        half_w, half_h = _text_width(text, size) / 2 + 3, size * 0.7
        quad = _quad(centre, angle, half_w, half_h)
        if any(not (2 <= x <= self.width - 2 and 2 <= y <= self.height - 2) for x, y in quad):
            return False
        if any(_overlaps(quad, other) for other in self.taken):
            return False
        self.taken.append(quad)
        degrees = math.degrees(angle)
        self.svg.append(
            f'<g transform="translate({centre[0]:.1f},{centre[1]:.1f}) rotate({degrees:.1f})">'
            f'<rect x="{-half_w:.1f}" y="{-half_h:.1f}" width="{2 * half_w:.1f}" height="{2 * half_h:.1f}" '
            f'rx="3" fill="#ffffff" fill-opacity="0.85"/>'
            f'<text x="0" y="{size * 0.36:.1f}" text-anchor="middle" font-family="{_FONT}" '
            f'font-size="{size:.0f}" {style}>{_svg_text(text)}</text></g>'
        )
        return True

    def along(self, text: str, runs: Sequence[Sequence[Point]]) -> bool:
        """Along the longest straight pieces first; beside the longest one if none is long enough."""
        segments = sorted(
            ((p, q) for run in runs for p, q in itertools.pairwise(run)),
            key=lambda s: -math.dist(*s),
        )
        need = _text_width(text, _LABEL_SIZE) + 8
        for p, q in segments:
            if math.dist(p, q) < need:
                break
            angle = math.atan2(q[1] - p[1], q[0] - p[0])
            if angle > math.pi / 2:
                angle -= math.pi
            elif angle <= -math.pi / 2:
                angle += math.pi
            for t in (0.5, 0.3, 0.7, 0.15, 0.85):
                centre = (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))
                if self.try_place(text, centre, angle, _LABEL_SIZE, 'fill="#1a1a1a"'):
                    return True
        for p, q in segments[:2]:
            mid = ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)
            for dy in (-14.0, 14.0):
                if self.try_place(text, (mid[0], mid[1] + dy), 0.0, _LABEL_SIZE, 'fill="#1a1a1a"'):
                    return True
        return False


def draw_plan(
    polygon: Sequence[LatLon],
    *,
    width: float = PLAN_WIDTH,
    height: float = PLAN_HEIGHT,
    caption: str = "Area",
    frame: Sequence[LatLon] = (),
    overlay: Overlay | None = None,
) -> str:
    """An SVG plan of ``polygon`` over the shipped streets: names, scale bar, north arrow, legend.

    ``frame``: more points the plan must show around the area; ``overlay``: more drawing
    over the area (given the projection of lat, lon onto the plan's pixels and its pixels
    per metre), under the scale bar, north arrow and legend.
    """
    view = _view([*polygon, *frame], width, height)
    area = [view.point(lat, lon) for lat, lon in polygon]
    legend_w = _text_width(caption, 11) + 44
    reserved = [
        _box(width - 64, 0, 64, 74),
        _box(0, height - 44, 190, 44),
        _box(width - legend_w - 8, height - 34, legend_w + 8, 34),
    ]
    labeller = _Labeller(width, height, reserved)
    parks, casings, streets = [], [], []
    named_runs: list[tuple[str, list[list[Point]]]] = []
    for street in _streets():
        if street.kind == "park":
            ring = _clip_area([view.point(*ll) for ll in street.rings[0]], width, height)
            if len(ring) >= 3:
                parks.append((street.name, ring))
            continue
        runs = [
            r
            for ring in street.rings
            for r in _clip_polyline([view.point(*ll) for ll in ring], width, height)
        ]
        for run in runs:
            casings.append(f'<path d="{_path(run)}"/>')
            streets.append(f'<path d="{_path(run)}"/>')
        if runs and street.name:
            named_runs.append((street.name, runs))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">',
        f"<title>{_svg_text(caption)}</title>",
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#f3f1ec"/>',
    ]
    out += [
        f'<path d="{_path(ring, True)}" fill="#cfe3c4" stroke="#9cbf8c" stroke-width="1"/>'
        for _, ring in parks
    ]
    out.append(
        '<g fill="none" stroke="#8c8c8c" stroke-width="9" stroke-linecap="round" stroke-linejoin="round">'
    )
    out += casings
    out.append(
        '</g><g fill="none" stroke="#ffffff" stroke-width="7" stroke-linecap="round" stroke-linejoin="round">'
    )
    out += streets
    out.append("</g>")
    if len(area) >= 3:
        out.append(
            f'<path d="{_path(area, True)}" fill="#e0301e" fill-opacity="0.22" stroke="#b00000" '
            f'stroke-width="3.5" stroke-linejoin="round"/>'
        )
    named_runs.sort(
        key=lambda item: -sum(math.dist(p, q) for run in item[1] for p, q in itertools.pairwise(run))
    )
    for name, runs in named_runs:
        labeller.along(name, runs)
    for name, ring in parks:
        cx = sum(p[0] for p in ring) / len(ring)
        cy = sum(p[1] for p in ring) / len(ring)
        labeller.try_place(name, (cx, cy), 0.0, 11.0, 'fill="#2d5a27" font-style="italic"')
    out += labeller.svg
    if overlay is not None:
        out += overlay(view.point, view.scale)
    out += _scale_bar(view, height)
    out += _north_arrow(width)
    out += _legend(caption, width, height, legend_w)
    out.append(
        f'<rect x="0.75" y="0.75" width="{width - 1.5:.1f}" height="{height - 1.5:.1f}" '
        'fill="none" stroke="#000000" stroke-width="1.5"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


def _scale_bar(view: _View, height: float) -> list[str]:
    metres = max((m for m in _SCALE_LENGTHS if m * view.scale <= 140), default=_SCALE_LENGTHS[0])
    length = metres * view.scale
    x, y = 14.0, height - 16.0
    half = length / 2
    text = f'font-family="{_FONT}" font-size="10" text-anchor="middle" fill="#000000"'
    return [
        f'<rect x="4" y="{height - 42:.1f}" width="{length + 48:.1f}" height="38" rx="3" {_PANEL}/>',
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{half:.1f}" height="6" fill="#000000" {_INK}/>',
        f'<rect x="{x + half:.1f}" y="{y:.1f}" width="{half:.1f}" height="6" fill="#ffffff" {_INK}/>',
        f'<text x="{x:.1f}" y="{y - 5:.1f}" {text}>0</text>',
        f'<text x="{x + half:.1f}" y="{y - 5:.1f}" {text}>{metres / 2:g}</text>',
        f'<text x="{x + length + 12:.1f}" y="{y - 5:.1f}" {text}>{metres} m</text>',
    ]


def _north_arrow(width: float) -> list[str]:
    cx, cy = width - 32.0, 38.0
    return [
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="27" {_PANEL} {_INK}/>',
        f'<path d="M{cx:.1f},{cy - 6:.1f} L{cx - 9:.1f},{cy + 20:.1f} L{cx:.1f},{cy + 13:.1f} Z" '
        'fill="#000000"/>',
        f'<path d="M{cx:.1f},{cy - 6:.1f} L{cx + 9:.1f},{cy + 20:.1f} L{cx:.1f},{cy + 13:.1f} Z" '
        f'fill="#ffffff" {_INK}/>',
        f'<text x="{cx:.1f}" y="{cy - 10:.1f}" font-family="{_FONT}" font-size="14" font-weight="bold" '
        f'text-anchor="middle" fill="#000000">N</text>',
    ]


def _legend(caption: str, width: float, height: float, legend_w: float) -> list[str]:
    x, y = width - legend_w - 4, height - 30.0
    return [
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{legend_w:.1f}" height="26" rx="3" {_PANEL}/>',
        f'<rect x="{x + 8:.1f}" y="{y + 6:.1f}" width="24" height="14" fill="#e0301e" fill-opacity="0.22" '
        f'stroke="#b00000" stroke-width="2.5"/>',
        f'<text x="{x + 38:.1f}" y="{y + 17.5:.1f}" font-family="{_FONT}" font-size="11" fill="#000000">'
        f"{_svg_text(caption)}</text>",
    ]


def _svg_text(text: str) -> str:
    """Text for SVG content or attributes: controls neutralised, then escaped as XML."""
    return str(escape(printable(text, SHORT_FIELD_LIMIT)))


def plan_svg(polygon: Sequence[LatLon], *, caption: str = "Area", height: float = PLAN_HEIGHT) -> str:
    """The plan at its printed size (``PLAN_WIDTH`` × ``height`` CSS pixels)."""
    return draw_plan(polygon, caption=caption, height=height)


def words_naming_outside_streets(words: str, polygon: Sequence[LatLon]) -> tuple[str, ...]:
    """Streets of the plan named in ``words`` that lie wholly outside the shaded ``polygon``.

    The words and the plan must describe the same area (s.35(5)(b) for a direction, the
    locality of s.34(1) for an authorisation): a street the plan draws outside the shading
    but the words name is a contradiction a court would notice, so the commands warn.
    A street touching or crossing the edge counts as inside: a boundary street is named
    legitimately ("between Cumberland Place and ..."). Names match whole words, any case.
    Returned in the order the words name them; () when there are no words or no area.
    """
    if not words.strip() or len(polygon) < 3:
        return ()
    from shapely.geometry import LineString, Polygon  # on first check: shapely loads slowly

    area = Polygon([(lon, lat) for lat, lon in polygon])
    if not area.is_valid:
        area = area.buffer(0)  # a self-crossing drawing: judge by the area it encloses
    inside: dict[str, bool] = {}
    for street in _streets():
        if not street.name:
            continue
        shapes = [
            Polygon(xy) if street.kind == "park" and len(xy) >= 3 else LineString(xy)
            for xy in ([(lon, lat) for lat, lon in ring] for ring in street.rings)
            if len(xy) >= 2
        ]
        touches = any(shape.intersects(area) for shape in shapes)
        inside[street.name] = inside.get(street.name, False) or touches
    found = []
    for name, is_inside in inside.items():
        if is_inside:
            continue
        match = _name_pattern(name).search(words)
        if match:
            found.append((match.start(), name))
    return tuple(name for _, name in sorted(found))


def _name_pattern(name: str) -> re.Pattern[str]:
    # Word boundaries that also hold at punctuation, and any run of spaces between the words.
    body = r"\s+".join(re.escape(part) for part in name.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)
