"""The street layer everyone draws and routes along: the imported road network, else the shipped one.

An import (:mod:`controlroom.geo.roads`) replaces every row of ``road_segments`` in one
transaction, so a reader sees the old network whole or the new one whole, never a mix.
While the table is empty the shipped ``resources/geo/streets.geojson`` is the layer.

The layer is a GeoJSON FeatureCollection in the shipped file's schema: LineStrings
(``[lon, lat]``) with the properties ``kind`` ("street") and ``name``; an imported
segment also carries ``road_class``. The routing graph (``StreetGraph.from_geojson``)
and the camera coverage (``street_segments``) both read that schema, so neither needs to
know where the streets came from.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from sqlalchemy import func, select

from controlroom.core.resources import resource
from controlroom.storage.database import Database
from controlroom.storage.models import ChangeLogEntry, RoadSegment

ROADS_ENTITY = "roads"
"""The change-log entity of the road network (one record, ``ROADS_ENTITY_ID``)."""
ROADS_ENTITY_ID = 1
IMPORTED_LAYER_NAME = "Imported road network"


async def street_layer(db: Database) -> dict[str, Any]:
    """The imported road network as a FeatureCollection, or the shipped one when none is imported."""
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(RoadSegment.name, RoadSegment.road_class, RoadSegment.coordinates).order_by(
                    RoadSegment.id
                )
            )
        ).all()
    if not rows:
        return shipped_street_layer()
    return {
        "type": "FeatureCollection",
        "name": IMPORTED_LAYER_NAME,
        "features": [_feature(name, road_class, coordinates) for name, road_class, coordinates in rows],
    }


async def network_version(db: Database) -> int | None:
    """The change-log ``seq`` of the latest road import, None while the shipped layer serves.

    A cache of anything built from :func:`street_layer` (the routing graph) stays valid
    while this number does: every import appends one "roads" change.
    """
    async with db.read() as conn:
        seq = (
            await conn.execute(
                select(func.max(ChangeLogEntry.seq)).where(ChangeLogEntry.entity == ROADS_ENTITY)
            )
        ).scalar_one_or_none()
    return int(seq) if seq is not None else None


def shipped_street_layer() -> dict[str, Any]:
    """A fresh copy of the shipped city-centre street layer (callers may change their copy)."""
    layer: dict[str, Any] = json.loads(_shipped_text())
    return layer


@functools.cache
def _shipped_text() -> str:
    return resource("geo", "streets.geojson").read_text(encoding="utf-8")


def _feature(name: str, road_class: str, coordinates: str) -> dict[str, Any]:
    # Stored [[lat, lon], ...] like every point of the core; GeoJSON wants [lon, lat].
    line = [[lon, lat] for lat, lon in json.loads(coordinates)]
    return {
        "type": "Feature",
        "properties": {"kind": "street", "name": name, "road_class": road_class},
        "geometry": {"type": "LineString", "coordinates": line},
    }
