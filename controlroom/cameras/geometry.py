"""What each camera can see: view cones, which cameras cover a point, and sectors to draw.

A camera stands at a WGS84 point and has one or more *views*: a fixed camera one (its
heading, field-of-view angle and useful range), a PTZ or dome camera one per named
preset. A view covers a point when the point lies within its range and within half its
angle either side of its heading; an angle of 360° sees all round.

Distances and bearings are worked out on the British National Grid (EPSG:27700, through
pyproj), the plane the force's own maps and grid references use. The grid is not the
ground: its scale is about 0.9996 here and its north is about half a degree off true
north (meridian convergence), both varying across the country. Each camera is therefore
*calibrated* once: a point 100 m true north of it (pyproj's geodesic) is projected, and
the grid length and grid bearing of that probe give the camera's own scale factor and
the direction of true north on the grid. Distances from the camera are grid distances
divided by that scale, bearings are grid bearings from that north. Checked against
pyproj's geodesic out to 1,000 m the result is within 1 mm both ways, far inside the
tolerances below.

:class:`CameraIndex` keeps every view's calibrated position, heading, half-angle and
range in numpy arrays, so one query is a handful of vectorised operations over all
views followed by exact ordering of the few that cover the point: 2,000 cameras cost
well under the 2 ms budget (``benchmarks/bench_cameras.py``). :func:`scan_cameras_seeing`
is the brute-force reference, one camera at a time in plain Python, kept for the
benchmark's baseline and for the property test that the two agree.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pyproj

STATUS_ORDER = ("working", "faulty", "offline")
"""Camera statuses, best first: a working camera is offered before a faulty one."""
_STATUS_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}

MAX_RANGE_METRES = 1_000.0
RANGE_TOLERANCE_METRES = 0.01
"""A point this far beyond a view's range still counts: the projection is good to ~1 mm."""
ANGLE_TOLERANCE_DEGREES = 1e-4
"""Likewise for the edge of a cone: 1e-4° is under 2 mm sideways at 1,000 m."""
CALIBRATION_PROBE_METRES = 100.0
ARC_STEP_DEGREES = 2.0
"""Arc vertices of a drawn sector: at 2° a chord falls at most 0.015 % of the range inside the arc."""

_GEOD = pyproj.Geod(ellps="WGS84")


@functools.cache
def _to_grid() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


@functools.cache
def _from_grid() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@dataclass(frozen=True, slots=True)
class View:
    """One direction a camera looks: a fixed camera's only view or one PTZ/dome preset.

    ``heading`` is degrees clockwise from true north, ``angle`` the field of view
    (1–360°, 360 meaning all round), ``range_m`` the useful range in metres.
    ``preset`` names a PTZ/dome preset; it is None for a fixed camera's view.
    """

    heading: float
    angle: float
    range_m: float
    preset: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.angle <= 360:
            raise ValueError(f"a field of view of {self.angle}° is impossible; give 1 to 360 degrees")
        if not 0 < self.range_m <= MAX_RANGE_METRES:
            raise ValueError(
                f"a range of {self.range_m} m is impossible; give more than 0 and at most "
                f"{MAX_RANGE_METRES:.0f} m"
            )
        if not math.isfinite(self.heading):
            raise ValueError(f"a heading of {self.heading} is not a direction; give degrees from north")


@dataclass(frozen=True, slots=True)
class CameraView:
    """A camera as the geometry sees it: where it stands, whether it works, and its views."""

    camera_id: int
    number: str
    lat: float
    lon: float
    status: str
    views: tuple[View, ...]

    def __post_init__(self) -> None:
        if self.status not in _STATUS_RANK:
            raise ValueError(
                f"camera {self.number}: status {self.status!r} is unknown; "
                f"use one of {', '.join(STATUS_ORDER)}"
            )
        if not self.views:
            raise ValueError(f"camera {self.number} has no view; give a heading, angle and range or presets")


class PresetLike(Protocol):
    """A named preset as the register keeps it (``records.PresetSpec``)."""

    @property
    def name(self) -> str: ...
    @property
    def heading(self) -> float: ...
    @property
    def angle(self) -> float: ...
    @property
    def range_m(self) -> float: ...


class CameraLike(Protocol):
    """A camera as the register keeps it (``records.CameraRecord``), without importing storage."""

    @property
    def id(self) -> int: ...
    @property
    def number(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def status(self) -> str: ...
    @property
    def heading(self) -> float | None: ...
    @property
    def angle(self) -> float | None: ...
    @property
    def range_m(self) -> float | None: ...
    @property
    def presets(self) -> Sequence[PresetLike]: ...


def camera_view(camera: CameraLike) -> CameraView:
    """The geometry of a register camera: its fixed view if it has one, and each preset."""
    views = [View(p.heading, p.angle, p.range_m, preset=p.name) for p in camera.presets]
    if camera.heading is not None and camera.angle is not None and camera.range_m is not None:
        views.insert(0, View(camera.heading, camera.angle, camera.range_m))
    return CameraView(camera.id, camera.number, camera.lat, camera.lon, camera.status, tuple(views))


@dataclass(frozen=True, slots=True)
class Sighting:
    """A camera that can see a point: the view (preset) to use, how far and how far off its axis."""

    camera: CameraView
    view: View
    distance_m: float
    off_axis_deg: float

    @property
    def preset(self) -> str | None:
        return self.view.preset


@dataclass(frozen=True, slots=True)
class Calibration:
    """A camera's position on the grid, its local scale and where true north points there."""

    x: float
    y: float
    scale: float
    north: float
    """Grid bearing of true north at the camera, radians (about -0.008 in Southampton)."""


def grid_frames(lats: Any, lons: Any) -> tuple[Any, Any, Any, Any]:
    """Grid x, y, local scale factor and grid bearing of true north (radians) at each point.

    Arrays in, arrays out: a probe 100 m true north of each point, projected with it.
    """
    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    probe = np.full_like(lons, CALIBRATION_PROBE_METRES)
    probe_lons, probe_lats, _ = _GEOD.fwd(lons, lats, np.zeros_like(lons), probe)
    xs, ys = _to_grid().transform(lons, lats)
    pxs, pys = _to_grid().transform(probe_lons, probe_lats)
    dx, dy = np.asarray(pxs) - xs, np.asarray(pys) - ys
    return np.asarray(xs), np.asarray(ys), np.hypot(dx, dy) / CALIBRATION_PROBE_METRES, np.arctan2(dx, dy)


def calibrate(cameras: Sequence[CameraView]) -> list[Calibration]:
    """Grid position, scale factor and true-north direction of each camera (vectorised)."""
    if not cameras:
        return []
    xs, ys, scales, norths = grid_frames([c.lat for c in cameras], [c.lon for c in cameras])
    return [
        Calibration(float(x), float(y), float(k), float(n))
        for x, y, k, n in zip(xs, ys, scales, norths, strict=True)
    ]


def off_axis_degrees(bearing: float, view: View) -> float:
    """How far ``bearing`` is from the view's heading, 0–180°; 0 for an all-round view (no axis)."""
    if view.angle >= 360:
        return 0.0
    return abs((bearing - view.heading + 180.0) % 360.0 - 180.0)


def covers(view: View, distance_m: float, off_axis_deg: float) -> bool:
    """Whether a point this far and this far off the axis lies in the view (edges included)."""
    return distance_m <= view.range_m + RANGE_TOLERANCE_METRES and (
        view.angle >= 360 or off_axis_deg <= view.angle / 2 + ANGLE_TOLERANCE_DEGREES
    )


def _best(camera: CameraView, distance_m: float, bearing: float) -> Sighting | None:
    """The camera's best view of a point at ``distance_m``/``bearing``, or None if none covers it.

    Best is the smallest off-axis angle to the whole degree (the point nearest the middle
    of the picture), then the narrower angle (more zoom), then the shorter range, then
    the preset name.
    """
    found = [
        (off_axis_degrees(bearing, view), view)
        for view in camera.views
        if covers(view, distance_m, off_axis_degrees(bearing, view))
    ]
    if not found:
        return None
    off_axis, view = min(found, key=lambda f: (round(f[0]), f[1].angle, f[1].range_m, f[1].preset or ""))
    return Sighting(camera, view, distance_m, off_axis)


def _ranked(sightings: Iterable[Sighting]) -> list[Sighting]:
    """Working before faulty before offline, then nearer, then straighter on, then by number.

    Distances rank to the whole metre and angles to the whole degree: a few centimetres'
    difference must not outweigh one camera looking straight at the point where another
    sees it at the edge.
    """
    return sorted(
        sightings,
        key=lambda s: (
            _STATUS_RANK[s.camera.status],
            round(s.distance_m),
            round(s.off_axis_deg),
            s.camera.number,
        ),
    )


def _distance_bearing(calibration: Calibration, x: float, y: float) -> tuple[float, float]:
    dx, dy = x - calibration.x, y - calibration.y
    bearing = math.degrees(math.atan2(dx, dy) - calibration.north) % 360.0
    return math.hypot(dx, dy) / calibration.scale, bearing


def scan_cameras_seeing(point_lat: float, point_lon: float, cameras: Sequence[CameraView]) -> list[Sighting]:
    """The brute-force reference of :meth:`CameraIndex.seeing`: every camera in turn, no index."""
    x, y = _to_grid().transform(point_lon, point_lat)
    found = []
    for camera in cameras:
        (calibration,) = calibrate([camera])
        distance, bearing = _distance_bearing(calibration, x, y)
        sighting = _best(camera, distance, bearing)
        if sighting is not None:
            found.append(sighting)
    return _ranked(found)


class CameraIndex:
    """Every view of a set of cameras in numpy arrays, for fast "which cameras see this point"."""

    def __init__(self, cameras: Sequence[CameraView]) -> None:
        self.cameras = tuple(cameras)
        self.calibrations = calibrate(self.cameras)
        owners = [(i, view) for i, camera in enumerate(self.cameras) for view in camera.views]
        self._owner = np.array([i for i, _ in owners], dtype=np.intp)
        by_camera = self.calibrations
        self._x = np.array([by_camera[i].x for i, _ in owners], dtype=float)
        self._y = np.array([by_camera[i].y for i, _ in owners], dtype=float)
        self._scale = np.array([by_camera[i].scale for i, _ in owners], dtype=float)
        self._north = np.array([by_camera[i].north for i, _ in owners], dtype=float)
        self._heading = np.array([v.heading for _, v in owners], dtype=float)
        self._half = np.array([v.angle / 2 for _, v in owners], dtype=float)
        self._reach = np.array([v.range_m + RANGE_TOLERANCE_METRES for _, v in owners], dtype=float)

    def seeing(self, point_lat: float, point_lon: float) -> list[Sighting]:
        """The cameras that can see the point, best first, each with the view (preset) to use.

        Best first: working before faulty before offline, then nearer, then nearer the
        middle of the picture. Equal to :func:`scan_cameras_seeing` on the same cameras.
        """
        if not self.cameras:
            return []
        x, y = _to_grid().transform(point_lon, point_lat)
        dx, dy = x - self._x, y - self._y
        distance = np.hypot(dx, dy) / self._scale
        near = distance <= self._reach
        bearing = np.degrees(np.arctan2(dx[near], dy[near]) - self._north[near]) % 360.0
        off_axis = np.abs((bearing - self._heading[near] + 180.0) % 360.0 - 180.0)
        inside = (self._half[near] >= 180) | (off_axis <= self._half[near] + ANGLE_TOLERANCE_DEGREES)
        owners = np.unique(self._owner[near][inside])
        found = []
        for owner in owners.tolist():
            camera = self.cameras[owner]
            distance_m, bearing_deg = _distance_bearing(self.calibrations[owner], x, y)
            sighting = _best(camera, distance_m, bearing_deg)
            if sighting is not None:
                found.append(sighting)
        return _ranked(found)


def cameras_seeing(point_lat: float, point_lon: float, cameras: Sequence[CameraView]) -> list[Sighting]:
    """The cameras whose cone or one of whose presets covers the point, best first.

    For repeated queries over the same cameras build a :class:`CameraIndex` once.
    """
    return CameraIndex(cameras).seeing(point_lat, point_lon)


@dataclass(frozen=True, slots=True)
class ViewSector:
    """One view drawn as a polygon: ``polygon`` is a shapely Polygon in lon/lat (GeoJSON order)."""

    camera: CameraView
    view: View
    polygon: Any


def grid_sectors(cameras: Sequence[CameraView]) -> tuple[list[tuple[CameraView, View]], Any]:
    """Every view's sector as shapely Polygons on the British National Grid, in metres.

    Returns the (camera, view) of each polygon and a numpy array of the polygons, built
    in one vectorised call. A cone is its apex and an arc; an all-round view a circle.
    """
    import shapely

    owners: list[tuple[CameraView, View]] = []
    rings: list[np.ndarray] = []
    for camera, calibration in zip(cameras, calibrate(cameras), strict=True):
        for view in camera.views:
            owners.append((camera, view))
            rings.append(_sector_ring(calibration, view))
    if not rings:
        return owners, np.empty(0, dtype=object)
    sizes = np.array([len(r) for r in rings])
    indices = np.repeat(np.arange(len(rings)), sizes)
    linearrings = shapely.linearrings(np.concatenate(rings), indices=indices)
    return owners, shapely.polygons(linearrings)


def _sector_ring(calibration: Calibration, view: View) -> np.ndarray:
    """Closed ring of grid coordinates of one view's sector."""
    radius = view.range_m * calibration.scale
    all_round = view.angle >= 360
    steps = max(2, math.ceil(view.angle / ARC_STEP_DEGREES))
    start = view.heading - view.angle / 2
    true_bearings = np.radians(start + np.linspace(0.0, view.angle, steps + 1))
    grid_bearings = true_bearings + calibration.north
    arc = np.column_stack(
        (calibration.x + radius * np.sin(grid_bearings), calibration.y + radius * np.cos(grid_bearings))
    )
    if all_round:
        return np.vstack((arc[:-1], arc[:1]))
    apex = np.array([[calibration.x, calibration.y]])
    return np.vstack((apex, arc, apex))


def view_sectors(cameras: Sequence[CameraView]) -> list[ViewSector]:
    """Every view of every camera as a lon/lat polygon, for the map's camera layer."""
    import shapely

    owners, polygons = grid_sectors(cameras)
    if not owners:
        return []
    lonlat = shapely.transform(polygons, grid_to_lonlat)
    return [ViewSector(camera, view, polygon) for (camera, view), polygon in zip(owners, lonlat, strict=True)]


def grid_to_lonlat(coords: np.ndarray) -> np.ndarray:
    """British National Grid ``(x, y)`` rows to ``(lon, lat)`` rows.

    The OSGB36 datum shift is not exactly invertible: a round trip lands within ~1 mm.
    """
    lons, lats = _from_grid().transform(coords[:, 0], coords[:, 1])
    return np.column_stack((lons, lats))
