"""Where each street's name goes on the map: on a stretch of its own, never on a junction.

A label at the middle of a street's points can land exactly where another street
crosses or ends (East Street's middle point *is* its junction with Queensway, so its
name sat under "Queensway"). Here each street keeps the parts that are more than
``JUNCTION_CLEARANCE_M`` from every other street; its label goes at the middle of the
longest such part, turned to run along it. A street with no such part (shorter than
two clearances) falls back to the middle of its own line.

Each street also gets a few other places on its own stretches (``places``, best
first): where its best place would overlap a more important name at the current zoom,
the page tries the next before hiding the name.

Computed once when the page is built (shapely is only loaded then), in metres on a
local flat projection: at city scale the error is far below a label's size.
"""

from __future__ import annotations

import math
from typing import Any

JUNCTION_CLEARANCE_M = 35.0
# Segments per quarter circle of the clearance round a street's ends: 4 puts each corner within
# 0.7 m of the circle (far below a label's size) and buffers 5,000 imported segments 3 times
# faster than shapely's default of 8.
CLEARANCE_QUAD_SEGS = 4
# Where along a free stretch a name may sit (its middle first), and how many places at most.
PLACE_FRACTIONS = (0.5, 0.28, 0.72)
MAX_PLACES = 6
METRES_PER_DEGREE_LAT = 111_320.0


def street_labels(streets: dict[str, Any]) -> list[dict[str, Any]]:
    """One label per street name and per park: ``name``, ``kind``, ``lat``, ``lon`` and, for
    streets, ``angle`` (degrees clockwise from east, above -90 and up to 90 so the text reads
    left to right) and ``places``: the candidate places (``lat``, ``lon``, ``angle``), best first.

    An imported road network splits a street into a segment per junction: the segments of
    one name are one street here (one name on the map, not one per segment), and a segment
    without a name gets no label. Only streets within the clearance of a street are cut out
    of it (found through an STRtree), so the work grows with the streets, not their square:
    5,000 segments took minutes when every street was cut against all the others.
    """
    from shapely import STRtree
    from shapely.geometry import LineString, MultiLineString, shape
    from shapely.ops import linemerge, unary_union

    features = streets.get("features", [])
    lats = [c[1] for f in features for c in _coordinates(f["geometry"])]
    origin_lat = sum(lats) / len(lats) if lats else 0.0
    scale_x = METRES_PER_DEGREE_LAT * math.cos(math.radians(origin_lat))

    def to_metres(lon: float, lat: float) -> tuple[float, float]:
        return lon * scale_x, lat * METRES_PER_DEGREE_LAT

    def to_degrees(x: float, y: float) -> tuple[float, float]:
        return y / METRES_PER_DEGREE_LAT, x / scale_x

    segments: list[Any] = []
    segment_street: list[str] = []
    by_name: dict[str, list[Any]] = {}
    order: list[tuple[str, dict[str, Any]]] = []  # labels in the order of their first feature
    for feature in features:
        props = feature["properties"]
        if props.get("kind") != "street":
            order.append(("", feature))
            continue
        line = LineString([to_metres(lon, lat) for lon, lat in feature["geometry"]["coordinates"]])
        segments.append(line)
        name = str(props.get("name") or "")
        segment_street.append(name)
        if name and name not in by_name:
            by_name[name] = []
            order.append((name, feature))
        if name:
            by_name[name].append(line)
    tree = STRtree(segments)
    labels: list[dict[str, Any]] = []
    for name, feature in order:
        if not name:
            props = feature["properties"]
            centre = shape(feature["geometry"]).representative_point()
            labels.append(
                {"name": props["name"], "kind": props.get("kind", "park"), "lat": centre.y, "lon": centre.x}
            )
            continue
        parts = by_name[name]
        line = linemerge(MultiLineString(parts)) if len(parts) > 1 else parts[0]
        near = [
            segments[i]
            for i in tree.query(line, predicate="dwithin", distance=JUNCTION_CLEARANCE_M)
            if segment_street[i] != name
        ]
        pieces = _free_pieces(
            line,
            unary_union(near).buffer(JUNCTION_CLEARANCE_M, quad_segs=CLEARANCE_QUAD_SEGS) if near else None,
        )
        places = []
        for piece in pieces:
            for fraction in PLACE_FRACTIONS:
                point = piece.interpolate(fraction, normalized=True)
                lat, lon = to_degrees(point.x, point.y)
                places.append({"lat": lat, "lon": lon, "angle": _angle_at(piece, fraction)})
        places = places[:MAX_PLACES]
        labels.append({"name": name, "kind": "street", **places[0], "places": places})
    return labels


def _coordinates(geometry: dict[str, Any]) -> list[list[float]]:
    if geometry["type"] == "LineString":
        return list(geometry["coordinates"])
    if geometry["type"] == "Polygon":
        return [c for ring in geometry["coordinates"] for c in ring]
    return []


def _free_pieces(line: Any, near_others: Any) -> list[Any]:
    """The parts of ``line`` outside ``near_others``, longest first (the whole line if none is left)."""
    whole = [g for g in getattr(line, "geoms", [line]) if not g.is_empty]
    if near_others is None:
        return sorted(whole, key=lambda g: -g.length)
    free = line.difference(near_others)
    pieces = [g for g in getattr(free, "geoms", [free]) if g.geom_type == "LineString" and not g.is_empty]
    return sorted(pieces, key=lambda g: -g.length) or sorted(whole, key=lambda g: -g.length)


def _angle_at(piece: Any, fraction: float) -> float:
    """The direction of the piece at ``fraction`` of its length, in screen degrees (y grows downwards)."""
    at = piece.length * fraction
    before = piece.interpolate(max(0.0, at - 1.0))
    after = piece.interpolate(min(piece.length, at + 1.0))
    angle = math.degrees(math.atan2(-(after.y - before.y), after.x - before.x))
    if angle > 90:
        angle -= 180
    elif angle <= -90:
        angle += 180
    return round(angle, 1)
