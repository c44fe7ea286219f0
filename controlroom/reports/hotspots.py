"""Where incidents concentrate: a kernel density surface and the repeat-location table.

Distances are measured on the British National Grid (EPSG:27700, metres), never in
degrees: a degree of longitude is about 0.62 of a degree of latitude here, so a kernel
drawn in degrees would be an ellipse stretched east-west.

The density is a Gaussian kernel of one bandwidth in every direction, stated in metres
with the result (and on every map). It is evaluated as a *binned* kernel density: the
weighted points are counted onto a grid of ``GRID_M`` cells and convolved with the
kernel (``scipy.ndimage.gaussian_filter``). That differs from the exact sum by at most
half a cell in where a point sits, and costs the grid's size rather than points × grid
(a month of 30,000 incidents exactly against a 40,000-cell grid would be ~10⁹ kernel
evaluations). The default bandwidth is Scott's rule for two dimensions,
``σ · n^(-1/6)`` (σ the points' standard distance, n the effective number of weighted
points), kept between ``MIN_BANDWIDTH_M`` and ``MAX_BANDWIDTH_M`` so one busy street
neither vanishes into the town nor splits into single doorways.

The repeat-location table is the cheaper, plainer answer: 150 m grid squares (BNG)
ranked by how many incidents they hold and by harm, weighting Grade 1 as 4, Grade 2 as
3, Grade 3 as 2 and Grade 4 (or ungraded) as 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    import pyproj

LatLon = tuple[float, float]

GRID_M = 25.0  # the density grid's cell, metres
REPEAT_CELL_M = 150.0  # the repeat-location squares, metres
MIN_BANDWIDTH_M = 50.0
MAX_BANDWIDTH_M = 400.0
PAD_BANDWIDTHS = 3.0  # the grid reaches this many bandwidths beyond the outermost points
MAX_GRID_SIDE = 600  # cells: 15 km at 25 m, beyond any one town centre
HOTSPOT_SHARE = 0.25  # a cell is drawn when its density is at least this share of the peak
TOP_N = 10
# Harm weight per grade (G1 most urgent); ungraded counts as the least.
HARM_WEIGHTS = {1: 4, 2: 3, 3: 2, 4: 1}
HARM_WORDS = "harm weight: Grade 1 = 4, Grade 2 = 3, Grade 3 = 2, Grade 4 or ungraded = 1"


@dataclass(frozen=True, slots=True)
class DensityCell:
    """One grid cell of the density surface above the threshold, as a lat/lon ring."""

    ring: tuple[LatLon, ...]
    density_per_km2: float
    share_of_peak: float


@dataclass(frozen=True, slots=True)
class RepeatCell:
    """One 150 m square of the grid: its corner on the BNG, its centre, count and harm."""

    easting: int
    northing: int
    centre: LatLon
    ring: tuple[LatLon, ...]
    incidents: float
    harm: float


@dataclass(frozen=True, slots=True)
class Hotspots:
    """The density cells worth drawing, the bandwidth used, and the repeat-location tables."""

    bandwidth_m: float
    bandwidth_rule: str
    grid_m: float
    threshold_share: float
    peak_per_km2: float
    cells: tuple[DensityCell, ...]
    top_by_count: tuple[RepeatCell, ...]
    top_by_harm: tuple[RepeatCell, ...]
    points: float

    @property
    def stated(self) -> str:
        """The sentence every map carries."""
        return (
            f"Kernel density, Gaussian, bandwidth {self.bandwidth_m:.0f} m ({self.bandwidth_rule}); "
            f"shaded where at least {self.threshold_share:.0%} of the peak "
            f"({self.peak_per_km2:,.0f} incidents per km²)"
        )


@cache
def _transformers() -> tuple[pyproj.Transformer, pyproj.Transformer]:
    import pyproj

    forward = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    back = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    return forward, back


def hotspots(
    points_latlon: Sequence[LatLon],
    weights: Sequence[float] | None = None,
    bandwidth_m: float | None = None,
    *,
    grades: Sequence[int | None] | None = None,
    top: int = TOP_N,
) -> Hotspots:
    """The density surface and repeat-location tables of ``points_latlon``.

    ``weights``: how many incidents each point stands for (1 each when None; a caller
    that grouped identical places passes the counts). ``grades``: each point's grade, for
    the harm ranking (all ungraded when None).
    """
    import numpy as np

    n = len(points_latlon)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    if len(w) != n or (grades is not None and len(grades) != n):
        raise ValueError("points, weights and grades must be of the same length")
    if bandwidth_m is not None and not MIN_BANDWIDTH_M / 5 <= bandwidth_m <= MAX_BANDWIDTH_M * 5:
        raise ValidationError(
            f"a bandwidth of {bandwidth_m:g} m is outside {MIN_BANDWIDTH_M / 5:g}-{MAX_BANDWIDTH_M * 5:g} m; "
            "choose one that suits the streets (100-300 m is usual in a town centre)"
        )
    harm = np.array([HARM_WEIGHTS.get(g, 1) if g is not None else 1 for g in (grades or [None] * n)])
    if n == 0 or float(w.sum()) <= 0:
        return Hotspots(
            bandwidth_m or MIN_BANDWIDTH_M, "no incidents", GRID_M, HOTSPOT_SHARE, 0.0, (), (), (), 0.0
        )
    forward, _ = _transformers()
    lats = np.fromiter((p[0] for p in points_latlon), float, n)
    lons = np.fromiter((p[1] for p in points_latlon), float, n)
    x, y = forward.transform(lons, lats)
    x, y = np.asarray(x), np.asarray(y)
    if bandwidth_m is None:
        bandwidth_m, rule = _scott(x, y, w), "Scott's rule"
    else:
        rule = "chosen"
    cells, peak = _density_cells(x, y, w, bandwidth_m)
    by_count, by_harm = _repeat_cells(x, y, w, w * harm, top)
    return Hotspots(
        bandwidth_m=bandwidth_m,
        bandwidth_rule=rule,
        grid_m=GRID_M,
        threshold_share=HOTSPOT_SHARE,
        peak_per_km2=peak,
        cells=cells,
        top_by_count=by_count,
        top_by_harm=by_harm,
        points=float(w.sum()),
    )


def _scott(x: object, y: object, w: object) -> float:
    import numpy as np

    xs, ys, ws = np.asarray(x), np.asarray(y), np.asarray(w)
    total = ws.sum()
    n_eff = total**2 / float((ws**2).sum())
    mx, my = (ws * xs).sum() / total, (ws * ys).sum() / total
    spread = math.sqrt(float((ws * ((xs - mx) ** 2 + (ys - my) ** 2)).sum() / total) / 2)
    raw = spread * n_eff ** (-1 / 6) if n_eff > 1 else MAX_BANDWIDTH_M
    return float(min(MAX_BANDWIDTH_M, max(MIN_BANDWIDTH_M, round(raw / 5) * 5)))


def _density_cells(
    x: object, y: object, w: object, bandwidth_m: float
) -> tuple[tuple[DensityCell, ...], float]:
    import numpy as np
    from scipy.ndimage import gaussian_filter

    xs, ys, ws = np.asarray(x), np.asarray(y), np.asarray(w)
    pad = PAD_BANDWIDTHS * bandwidth_m
    x0 = math.floor((xs.min() - pad) / GRID_M) * GRID_M
    y0 = math.floor((ys.min() - pad) / GRID_M) * GRID_M
    nx = min(MAX_GRID_SIDE, math.ceil((xs.max() + pad - x0) / GRID_M))
    ny = min(MAX_GRID_SIDE, math.ceil((ys.max() + pad - y0) / GRID_M))
    counts, _, _ = np.histogram2d(
        xs, ys, bins=(nx, ny), range=((x0, x0 + nx * GRID_M), (y0, y0 + ny * GRID_M)), weights=ws
    )
    # Convolving the cell counts with the kernel (sigma in cells) gives incidents per cell;
    # dividing by the cell's area gives incidents per km².
    smooth = gaussian_filter(counts, sigma=bandwidth_m / GRID_M, mode="constant", truncate=4.0)
    density = smooth / (GRID_M * GRID_M / 1e6)
    peak = float(density.max())
    if peak <= 0:
        return (), 0.0
    # Every cell's four corners go through the projection in one call.
    ii, jj = np.nonzero(density >= peak * HOTSPOT_SHARE)
    east = np.repeat(x0 + ii * GRID_M, 4) + np.tile([0.0, GRID_M, GRID_M, 0.0], len(ii))
    north = np.repeat(y0 + jj * GRID_M, 4) + np.tile([0.0, 0.0, GRID_M, GRID_M], len(ii))
    _, back = _transformers()
    lons, lats = back.transform(east, north)
    out = []
    for k, (i, j) in enumerate(zip(ii.tolist(), jj.tolist(), strict=True)):
        value = float(density[i, j])
        ring = tuple((float(lats[4 * k + c]), float(lons[4 * k + c])) for c in range(4))
        out.append(DensityCell(ring, value, value / peak))
    out.sort(key=lambda c: -c.density_per_km2)
    return tuple(out), peak


def _ring(back: pyproj.Transformer, east: float, north: float, side: float) -> tuple[LatLon, ...]:
    corners = ((east, north), (east + side, north), (east + side, north + side), (east, north + side))
    lons, lats = back.transform([c[0] for c in corners], [c[1] for c in corners])
    return tuple((float(la), float(lo)) for la, lo in zip(lats, lons, strict=True))


def _repeat_cells(
    x: object, y: object, counts: object, harms: object, top: int
) -> tuple[tuple[RepeatCell, ...], tuple[RepeatCell, ...]]:
    import numpy as np

    xs, ys = np.asarray(x), np.asarray(y)
    ix = np.floor(xs / REPEAT_CELL_M).astype(np.int64)
    iy = np.floor(ys / REPEAT_CELL_M).astype(np.int64)
    totals: dict[tuple[int, int], list[float]] = {}
    for a, b, c, h in zip(
        ix.tolist(), iy.tolist(), np.asarray(counts).tolist(), np.asarray(harms).tolist(), strict=True
    ):
        entry = totals.setdefault((a, b), [0.0, 0.0])
        entry[0] += c
        entry[1] += h
    _, back = _transformers()

    def cell(key: tuple[int, int]) -> RepeatCell:
        east, north = key[0] * REPEAT_CELL_M, key[1] * REPEAT_CELL_M
        lon, lat = back.transform(east + REPEAT_CELL_M / 2, north + REPEAT_CELL_M / 2)
        count, harm = totals[key]
        ring = _ring(back, east, north, REPEAT_CELL_M)
        return RepeatCell(int(east), int(north), (float(lat), float(lon)), ring, count, harm)

    # Ties go to the square further south-west, so the order never depends on dict order.
    by_count = sorted(totals, key=lambda k: (-totals[k][0], -totals[k][1], k))[:top]
    by_harm = sorted(totals, key=lambda k: (-totals[k][1], -totals[k][0], k))[:top]
    return tuple(cell(k) for k in by_count), tuple(cell(k) for k in by_harm)
