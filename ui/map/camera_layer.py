"""The map's cameras: each camera as the page draws it, and the coverage gaps beside them.

``camera_features`` turns camera snapshots into plain data for the page: the marker
(number, status, whether it is greyed or tasked) and every view as a lat/lon ring. The
rings come from ``controlroom.cameras.geometry.view_sectors``, which projects on the
British National Grid with each camera calibrated; the page only draws polygons, so
the map and "which cameras can see this" can never disagree about a cone's edge.

``CoverageGaps`` keeps the geometry of every camera and works out, with
``controlroom.cameras.coverage``, the street no working camera sees on the network the
window draws (the imported roads, else the shipped layer). It runs on a worker thread,
never on the GUI thread: 2,000 cameras over 5,000 segments took 108 ms (median, up to
334 ms on a busy machine, ``benchmarks/bench_cameras.py``), an eternity for the event loop.
A change that does not move a view or a status (a name, a tasking) starts nothing; a burst
of changes (an import, a night's status changes arriving after a reconnect) waits
``DEBOUNCE_MS`` and is computed once; a change arriving while a computation runs is
computed after it, so the last answer always reflects the last cameras.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import shapely
import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from controlroom.cameras.coverage import Coverage, StreetSegment, coverage, shipped_street_segments
from controlroom.cameras.geometry import CameraView, camera_view, view_sectors
from controlroom.core.snapshots import CameraSnapshot, Change
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line

# Six decimals of a degree are ~10 cm on the ground: finer only lengthens the message.
DECIMALS = 6
# Arc vertices closer to the chord than this (degrees, ~0.3 m) are left out of what the page
# draws: the geometry keeps an arc vertex every 2°, a tenth of a metre apart on a small cone,
# and 300 cameras' rings were 0.6 MB of JSON for a difference no screen shows at street zoom.
DRAW_TOLERANCE_DEGREES = 3e-6
# Changes within this long of each other are one coverage computation.
DEBOUNCE_MS = 400

StreetLoader = Callable[[], Awaitable[Sequence[StreetSegment]]]


@functools.cache
def _worker() -> ThreadPoolExecutor:
    # One plain Python thread, not the loop's default executor: under qasync that is a pool of
    # QThreads, still running when the application object goes. One worker also means two
    # computations never compete for the CPU the GUI thread needs.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="camera-coverage")


KIND_LABELS = {"fixed": "Fixed", "ptz": "PTZ", "dome": "Dome"}
STATUS_LABELS = {"working": "Working", "faulty": "Faulty", "offline": "Offline"}
OWNER_LABELS = {
    "council": "Council",
    "venue": "Licensed premises",
    "transport": "Transport",
    "police": "Police",
    "other": "Other (sharing agreement)",
}


def geometry_of(camera: CameraSnapshot) -> CameraView | None:
    """The camera's views for the geometry; None for one the register left without a view."""
    try:
        return camera_view(camera)
    except ValueError:
        return None


def camera_features(
    cameras: Iterable[CameraSnapshot], reference: Callable[[int], str]
) -> dict[int, dict[str, Any]]:
    """What the page needs to draw each camera, by id; ``reference`` names a tasked incident.

    Every sector of every camera is projected in one call (one calibration pass, one
    coordinate transform), which is what keeps a reset of hundreds of cameras short.
    """
    cameras = list(cameras)
    views = [v for v in (geometry_of(c) for c in cameras) if v is not None]
    rings: dict[int, list[dict[str, Any]]] = {}
    sectors = view_sectors(views)
    if sectors:
        polygons = shapely.simplify(np.array([s.polygon for s in sectors]), DRAW_TOLERANCE_DEGREES)
        coords, owner = shapely.get_coordinates(polygons, return_index=True)
        lat_lon = np.round(coords[:, ::-1], DECIMALS)
        for sector, ring in zip(sectors, np.split(lat_lon, np.flatnonzero(np.diff(owner)) + 1), strict=True):
            preset = sector.view.preset
            rings.setdefault(sector.camera.camera_id, []).append(
                {"preset": None if preset is None else shown_line(preset), "ring": ring.tolist()}
            )
    return {c.id: _feature(c, rings.get(c.id, []), reference) for c in cameras}


def _feature(
    camera: CameraSnapshot, sectors: list[dict[str, Any]], reference: Callable[[int], str]
) -> dict[str, Any]:
    tasked = None
    if camera.tasked_incident_id is not None:
        preset = shown_line(camera.tasked_preset) if camera.tasked_preset else None
        tasked = {
            "incident_id": camera.tasked_incident_id,
            "reference": shown_line(reference(camera.tasked_incident_id)),
            "preset": preset,
            "by": shown_line(camera.tasked_by),
        }
        for sector in sectors:
            # A fixed camera's one view is what it shows; a PTZ's the preset it was sent to.
            sector["active"] = sector["preset"] is None or sector["preset"] == preset
    return {
        "id": camera.id,
        "number": shown_line(camera.number),
        "name": shown_line(camera.name),
        "owner_label": OWNER_LABELS.get(camera.owner, shown_line(camera.owner)),
        "kind": camera.kind,
        "kind_label": KIND_LABELS.get(camera.kind, shown_line(camera.kind)),
        "status": camera.status,
        "status_label": STATUS_LABELS.get(camera.status, shown_line(camera.status)),
        "greyed": not camera.working,
        "lat": camera.lat,
        "lon": camera.lon,
        "has_stream": bool(camera.stream_url),
        "retention_days": camera.retention_days,
        "presets": [
            {"name": shown_line(p.name), "heading": p.heading, "angle": p.angle, "range_m": p.range_m}
            for p in camera.presets
        ],
        "view": None
        if camera.heading is None
        else {"heading": camera.heading, "angle": camera.angle, "range_m": camera.range_m},
        "faults": [shown_line(f) for f in camera.open_faults],
        "tasked": tasked,
        "sectors": sectors,
    }


async def shipped_streets() -> Sequence[StreetSegment]:
    """The shipped street layer's segments, read on the worker thread."""
    return await asyncio.get_running_loop().run_in_executor(_worker(), shipped_street_segments)


def coverage_message(result: Coverage) -> dict[str, Any]:
    """The coverage layer's message: the share seen and each gap as a ``[[lat, lon], [lat, lon]]`` line."""
    return {
        "type": "camera_coverage",
        "share": round(result.share, 4),
        "street_metres": round(result.street_metres, 1),
        "covered_metres": round(result.covered_metres, 1),
        "gaps": [
            [
                [round(g.a[0], DECIMALS), round(g.a[1], DECIMALS)],
                [round(g.b[0], DECIMALS), round(g.b[1], DECIMALS)],
            ]
            for g in result.gaps
        ],
    }


class CoverageGaps(QObject):
    """The street no working camera sees, worked out off the GUI thread after each change of view.

    ``sig_computed`` carries :func:`coverage_message` of the latest cameras.
    """

    sig_computed = Signal(dict)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        streets: StreetLoader = shipped_streets,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self._load_streets = streets
        self._segments: Sequence[StreetSegment] | None = None
        self._views: dict[int, CameraView] = {}
        self._tasks = TaskSet()
        self._running = False
        self._again = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def reset(self, cameras: Iterable[CameraSnapshot]) -> None:
        """Every camera (a snapshot): computed again after the pause."""
        self._views = {c.id: v for c in cameras if (v := geometry_of(c)) is not None}
        self._timer.start()

    def forget_streets(self) -> None:
        """The road network changed: read it again and compute again after the pause."""
        self._segments = None
        self._timer.start()

    def apply(self, changes: Sequence[Change]) -> None:
        """Camera changes from a diff; only a moved view or a new status computes again."""
        changed = False
        for change in changes:
            before = self._views.get(change.entity_id)
            after = geometry_of(change.camera) if change.camera is not None else None
            if after == before:
                continue
            changed = True
            if after is None:
                del self._views[change.entity_id]
            else:
                self._views[change.entity_id] = after
        if changed:
            self._timer.start()

    @property
    def busy(self) -> bool:
        """Whether a computation is waiting or running."""
        return self._running or (shiboken6.isValid(self._timer) and self._timer.isActive())

    def _on_timer_timeout(self) -> None:
        if self._running:
            self._again = True  # after the running one, with what is newest then
            return
        self._running = True
        self._tasks.spawn(self._compute(list(self._views.values())))

    async def _compute(self, views: list[CameraView]) -> None:
        try:
            if self._segments is None:
                self._segments = await self._load_streets()
            segments = self._segments
            result = await asyncio.get_running_loop().run_in_executor(_worker(), coverage, segments, views)
        finally:
            self._running = False
        if not shiboken6.isValid(self):
            return  # the map closed while the worker computed: nobody to tell
        message = coverage_message(result)
        if self._again:
            self._again = False
            self._timer.start()
        self.sig_computed.emit(message)
