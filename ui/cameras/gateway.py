"""``CameraGateway``: the writes and the one computation behind the Cameras panel and its dialog.

Writes go to the core's commands (adding and changing cameras, tasking, releasing, faults)
and come back through the change feed like everyone else's. The coverage figure is the
one heavy step: the street network is read once (again when a road import changes it)
and ``coverage`` runs in a worker thread, so the window never stalls on it however many
cameras and streets.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from controlroom.cameras.coverage import Coverage, StreetSegment, coverage, street_segments
from controlroom.cameras.records import CameraRecord, CameraSpec
from controlroom.cameras.which import usable_views
from controlroom.commands import Commands
from controlroom.core.snapshots import CameraSnapshot
from controlroom.geo.network import street_layer


@functools.cache
def _worker() -> ThreadPoolExecutor:
    # One plain thread, not the loop's default executor (under qasync a pool of QThreads still
    # running when the application object goes); one worker leaves the GUI thread its core.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="camera-panel-coverage")


class CameraGateway:
    """Camera commands for one acting user, and the coverage of the streets."""

    def __init__(self, commands: Commands) -> None:
        self.commands = commands
        self._segments: list[StreetSegment] | None = None

    @property
    def area(self) -> tuple[float, float, float, float]:
        """The operating area as (south, west, north, east)."""
        area = self.commands.context.area
        return area.south, area.west, area.north, area.east

    async def add_camera(self, spec: CameraSpec) -> CameraRecord:
        return await self.commands.add_camera(spec)

    async def update_camera(self, number: str, changes: Mapping[str, Any], version: int) -> CameraRecord:
        """Change ``number`` as it was at ``version``; a save in between is refused as stale."""
        return await self.commands.update_camera(number, changes, expected_version=version)

    async def task_camera(self, number: str, reference: str, preset: str | None) -> CameraSnapshot:
        return await self.commands.task_camera(number, reference, preset)

    async def release_camera(self, number: str) -> CameraSnapshot:
        return await self.commands.release_camera(number)

    async def report_fault(self, number: str, description: str) -> None:
        await self.commands.report_camera_fault(number, description)

    async def clear_faults(self, number: str) -> None:
        await self.commands.clear_camera_fault(number)

    def forget_streets(self) -> None:
        """The road network changed: read it again for the next figure."""
        self._segments = None

    async def street_segments(self) -> list[StreetSegment]:
        """The street network's segments (the imported roads, else the shipped layer), read once."""
        if self._segments is None:
            self._segments = street_segments(await street_layer(self.commands.db))
        return self._segments

    async def coverage(self, cameras: Sequence[CameraSnapshot]) -> Coverage:
        """Street length the working cameras see, computed off the GUI thread."""
        segments, views = await self.street_segments(), usable_views(cameras)
        return await asyncio.get_running_loop().run_in_executor(_worker(), coverage, segments, views)
