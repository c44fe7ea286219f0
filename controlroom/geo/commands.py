"""Replacing the road network: every segment of the old one out, every one of the new in, at once.

The file is read and checked (:func:`controlroom.geo.roads.read_road_file`) before any
write begins; the delete, the inserts, the audit entry and the change-log row then
share ONE write transaction, so a reader (the map, the routing graph) sees the whole
old network or the whole new one, and a refusal or a failure keeps the old one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert

from controlroom.geo.network import ROADS_ENTITY, ROADS_ENTITY_ID
from controlroom.geo.roads import RoadNetwork, read_road_file
from controlroom.storage.models import RoadSegment
from controlroom.writes import CommandBase, requires

IMPORT_ACTION = "geo.import"
AUDIT_ACTION = "geo.import_roads"


@dataclass(frozen=True, slots=True)
class RoadImport:
    """What an import stored: how many segments, how many kilometres, which named streets."""

    source: str
    segments: int
    total_km: float
    street_names: tuple[str, ...]


class RoadCommands(CommandBase):
    """Importing a road network that replaces the shipped street layer."""

    @requires(IMPORT_ACTION)
    async def import_file(self, path: Path) -> RoadImport:
        """Read ``path`` (GeoPackage or OpenStreetMap), clip it to the area and store it whole."""
        return await self.import_network(read_road_file(path, self.area))

    @requires(IMPORT_ACTION)
    async def import_network(self, network: RoadNetwork) -> RoadImport:
        """Replace every stored road segment by ``network``'s, with one audit entry and one change."""
        done = RoadImport(network.source, len(network.roads), network.total_km, network.street_names)
        now = self.clock()
        rows = [
            {
                "name": road.name,
                "road_class": road.road_class,
                "coordinates": _coordinates_json(road.points),
                "length_m": road.length_m,
            }
            for road in network.roads
        ]
        async with self.db.write() as session:
            self.actor.require(IMPORT_ACTION)
            await session.execute(delete(RoadSegment))
            if rows:
                await session.execute(insert(RoadSegment), rows)
            detail = {"file": network.source, "segments": done.segments, "km": round(done.total_km, 3)}
            await self._audit(session, AUDIT_ACTION, ROADS_ENTITY, ROADS_ENTITY_ID, detail, now)
            payload = {"segments": done.segments, "source": network.source, "imported_at": now.isoformat()}
            await self._append_change(session, ROADS_ENTITY, ROADS_ENTITY_ID, payload, now)
        return done


def _coordinates_json(points: tuple[tuple[float, float], ...]) -> str:
    # [[lat, lon], ...] without spaces: a 5,000-segment network stays a few hundred kB.
    return json.dumps(points, separators=(",", ":"))
