"""Travel along the shipped street network, and which available units to send first.

Points are ``(lat, lon)`` tuples, as everywhere else in the core; GeoJSON stores
``[lon, lat]`` and only :meth:`StreetGraph.from_geojson` reads that order. A point is
snapped onto the nearest street *segment* (its projection, not the nearest vertex), so
a unit halfway along a long street starts from where it stands. Shortest paths are
networkx's Dijkstra on an undirected graph weighted by haversine metres.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from controlroom.core.domain import Category, UnitKind, UnitStatus
from controlroom.core.resources import resource
from controlroom.core.snapshots import UnitSnapshot

LatLon = tuple[float, float]

EARTH_RADIUS_METRES = 6_371_008.8
OFF_NETWORK_METRES = 150.0
"""A point farther than this from every street is routed straight-line × ``DETOUR_FACTOR``."""
DETOUR_FACTOR = 1.4
JUNCTION_TOLERANCE_METRES = 10.0
"""A street end this close to another street is joined to it (hand-drawn T-junctions)."""
WALKABLE_KINDS = frozenset({"street"})

SPEED_M_PER_S: dict[str, float] = {
    UnitKind.POLICE_FOOT.value: 1.4,
    UnitKind.PLAIN_CLOTHES.value: 1.4,
    UnitKind.STREET_PASTORS.value: 1.2,
    UnitKind.ST_JOHN.value: 1.2,
    UnitKind.WELFARE.value: 1.2,
    UnitKind.POLICE_VEHICLE.value: 6.0,  # urban average with junctions and pedestrianised detours
}
STARTUP_SECONDS: dict[str, float] = {UnitKind.POLICE_VEHICLE.value: 60.0}  # back to the car, pull out

POLICE_KINDS = frozenset(
    k.value for k in (UnitKind.POLICE_FOOT, UnitKind.POLICE_VEHICLE, UnitKind.PLAIN_CLOTHES)
)
PARTNER_KINDS = frozenset(k.value for k in (UnitKind.STREET_PASTORS, UnitKind.ST_JOHN, UnitKind.WELFARE))
PARTNER_CATEGORIES = frozenset(c.value for c in (Category.VULNERABLE_PERSON, Category.OTHER))


def haversine_metres(a: LatLon, b: LatLon) -> float:
    """Great-circle distance between two ``(lat, lon)`` points, in metres."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    half_dlat, half_dlon = (lat2 - lat1) / 2, math.radians(b[1] - a[1]) / 2
    h = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Route:
    """How far it is from one point to another, and whether that followed the streets."""

    metres: float
    on_network: bool


@dataclass(frozen=True, slots=True)
class _Segment:
    """One graph edge as a straight line in the local plane (metres from the origin)."""

    u: LatLon
    v: LatLon
    ax: float
    ay: float
    dx: float
    dy: float

    def project(self, x: float, y: float) -> tuple[float, float]:
        """(distance in the plane, fraction 0..1 along u→v) of the nearest point to (x, y)."""
        length2 = self.dx * self.dx + self.dy * self.dy
        t = ((x - self.ax) * self.dx + (y - self.ay) * self.dy) / length2
        t = min(1.0, max(0.0, t))
        return math.hypot(x - self.ax - t * self.dx, y - self.ay - t * self.dy), t

    def point_at(self, t: float) -> LatLon:
        return (self.u[0] + t * (self.v[0] - self.u[0]), self.u[1] + t * (self.v[1] - self.u[1]))


@dataclass(frozen=True, slots=True)
class SnappedPoint:
    """A point placed on its nearest street segment ``u``–``v`` (both graph nodes).

    ``access`` is the straight leg from the original point onto the street; ``to_u`` and
    ``to_v`` are the metres on along the segment to either end.
    """

    point: LatLon
    access: float
    u: LatLon
    v: LatLon
    to_u: float
    to_v: float


class TargetRoutes:
    """Routes to one target, sharing one set of shortest paths for every origin."""

    def __init__(self, graph: StreetGraph, target: LatLon) -> None:
        self._graph = graph
        self._target = target
        self._snap = graph.snap(target)
        self._from_target: dict[LatLon, float] = {}
        if self._snap is not None:
            self._from_target = graph.distances_from(self._snap)

    def travel_from(self, origin: LatLon) -> Route:
        """The route from ``origin`` to the target (the graph is undirected)."""
        start = self._graph.snap(origin) if self._snap is not None else None
        if start is not None and self._snap is not None:
            end = self._snap
            if (start.u, start.v) == (end.u, end.v):
                along = haversine_metres(start.point, end.point)
            else:
                along = min(
                    start.to_u + self._from_target.get(start.u, math.inf),
                    start.to_v + self._from_target.get(start.v, math.inf),
                )
            if along < math.inf:
                return Route(start.access + along + end.access, on_network=True)
        return Route(haversine_metres(origin, self._target) * DETOUR_FACTOR, on_network=False)


class StreetGraph:
    """The walkable/drivable street network: nodes are ``(lat, lon)`` vertices, edges segments."""

    def __init__(self, graph: Any, junction_repairs: tuple[str, ...] = ()) -> None:
        if graph.number_of_edges() == 0:
            raise ValueError("the street layer has no street segments; check its 'kind' properties")
        self.graph = graph
        self.junction_repairs = junction_repairs
        lats = [lat for lat, _ in graph.nodes]
        self._origin = (sum(lats) / len(lats), sum(lon for _, lon in graph.nodes) / len(lats))
        self._ky = math.radians(1) * EARTH_RADIUS_METRES
        self._kx = self._ky * math.cos(math.radians(self._origin[0]))
        self._segments = [self._segment(u, v) for u, v in graph.edges]
        self._cells: dict[tuple[int, int], list[_Segment]] = {}
        for segment in self._segments:
            for cell in self._cells_near(segment):
                self._cells.setdefault(cell, []).append(segment)

    @classmethod
    def from_geojson(
        cls, data: dict[str, Any], *, junction_tolerance_m: float = JUNCTION_TOLERANCE_METRES
    ) -> StreetGraph:
        """Build from a GeoJSON FeatureCollection: (Multi)LineStrings with ``kind`` "street".

        Streets join where they share a coordinate. A street end within
        ``junction_tolerance_m`` of another street (a T-junction drawn by hand, a hair
        off the line) is joined to it too; 0 turns that off.
        """
        features = data.get("features") if isinstance(data, dict) else None
        if not isinstance(features, list):
            raise ValueError("the street layer is not a GeoJSON FeatureCollection (no 'features' list)")
        import networkx as nx  # here, not at the top: a window or command that never routes skips it

        graph = nx.Graph()
        for feature in features:
            for name, line in _street_lines(feature):
                for a, b in itertools.pairwise(line):
                    if a != b:
                        graph.add_edge(a, b, metres=haversine_metres(a, b), name=name)
        repairs: tuple[str, ...] = ()
        if junction_tolerance_m > 0 and graph.number_of_edges():
            repairs = _join_dangling_ends(cls(graph), junction_tolerance_m)
        return cls(graph, repairs)

    @staticmethod
    def load() -> StreetGraph:
        """The shipped city-centre network, built once per process."""
        return _shipped_graph()

    def snap(self, point: LatLon) -> SnappedPoint | None:
        """``point`` placed on its nearest segment; None when every street is off-network far."""
        x, y = self._xy(point)
        cell = (math.floor(x / OFF_NETWORK_METRES), math.floor(y / OFF_NETWORK_METRES))
        best: tuple[float, float, _Segment] | None = None
        for segment in self._cells.get(cell, ()):
            distance, t = segment.project(x, y)
            if best is None or distance < best[0]:
                best = (distance, t, segment)
        if best is None:
            return None
        _, t, segment = best
        on_street = segment.point_at(t)
        access = haversine_metres(point, on_street)
        if access > OFF_NETWORK_METRES:
            return None
        to_u, to_v = haversine_metres(on_street, segment.u), haversine_metres(on_street, segment.v)
        return SnappedPoint(on_street, access, segment.u, segment.v, to_u, to_v)

    def distances_from(self, snap: SnappedPoint) -> dict[LatLon, float]:
        """Network metres from a snapped point to every node it can reach (Dijkstra from both ends)."""
        import networkx as nx

        best: dict[LatLon, float] = {}
        for node, offset in ((snap.u, snap.to_u), (snap.v, snap.to_v)):
            lengths = nx.single_source_dijkstra_path_length(self.graph, node, weight="metres")
            for other, metres in lengths.items():
                total = offset + metres
                if total < best.get(other, math.inf):
                    best[other] = total
        return best

    def routes_to(self, target: LatLon) -> TargetRoutes:
        """Routes to ``target`` from any number of origins, for one shortest-path search."""
        return TargetRoutes(self, target)

    def travel(self, a: LatLon, b: LatLon) -> Route:
        """From ``a`` to ``b``: access leg, shortest path along the streets, egress leg.

        Off the network (a point more than ``OFF_NETWORK_METRES`` from every street, or
        no path between them): straight line × ``DETOUR_FACTOR``, ``on_network`` False.
        """
        return self.routes_to(b).travel_from(a)

    def components(self) -> list[list[str]]:
        """Street names in each connected piece of the network, largest piece first."""
        import networkx as nx

        pieces = sorted(nx.connected_components(self.graph), key=len, reverse=True)
        return [sorted({str(n) for _, _, n in self.graph.subgraph(p).edges(data="name")}) for p in pieces]

    def _xy(self, point: LatLon) -> tuple[float, float]:
        return (point[1] - self._origin[1]) * self._kx, (point[0] - self._origin[0]) * self._ky

    def _segment(self, u: LatLon, v: LatLon) -> _Segment:
        (ax, ay), (bx, by) = self._xy(u), self._xy(v)
        return _Segment(u, v, ax, ay, bx - ax, by - ay)

    def _cells_near(self, segment: _Segment) -> Iterator[tuple[int, int]]:
        """Grid cells (side ``OFF_NETWORK_METRES``) within that distance of the segment's box."""
        size = OFF_NETWORK_METRES
        xs = (segment.ax, segment.ax + segment.dx)
        ys = (segment.ay, segment.ay + segment.dy)
        for i in range(math.floor((min(xs) - size) / size), math.floor((max(xs) + size) / size) + 1):
            for j in range(math.floor((min(ys) - size) / size), math.floor((max(ys) + size) / size) + 1):
                yield i, j


def _street_lines(feature: Any) -> Iterator[tuple[str, list[LatLon]]]:
    """(name, vertices as rounded (lat, lon)) for each walkable line of a feature."""
    properties = feature.get("properties") or {}
    geometry = feature.get("geometry") or {}
    if properties.get("kind", "street") not in WALKABLE_KINDS:
        return
    if geometry.get("type") == "LineString":
        lines = [geometry["coordinates"]]
    elif geometry.get("type") == "MultiLineString":
        lines = geometry["coordinates"]
    else:
        return
    name = str(properties.get("name", ""))
    for line in lines:
        # 1e-7 degrees is about 1 cm: the same junction typed twice still meets itself.
        yield name, [(round(float(lat), 7), round(float(lon), 7)) for lon, lat, *_ in line]


def _join_dangling_ends(street_graph: StreetGraph, tolerance: float) -> tuple[str, ...]:
    """Join dead ends lying within ``tolerance`` of another segment, splitting it there.

    Mutates ``street_graph.graph``; returns one line per join, for the record.
    """
    graph = street_graph.graph
    repairs: list[str] = []
    for end in [node for node, degree in graph.degree() if degree == 1]:
        if graph.degree(end) != 1:
            continue  # an earlier join landed on it
        x, y = street_graph._xy(end)
        candidates = [street_graph._segment(u, v) for u, v in graph.edges if end not in (u, v)]
        best = min(((*s.project(x, y), s) for s in candidates), default=None, key=lambda c: c[0])
        if best is None or best[0] > tolerance:
            continue
        distance, t, segment = best
        own = str(next(iter(graph.adj[end].values()))["name"])
        other = str(graph.edges[segment.u, segment.v]["name"])
        lat, lon = segment.point_at(t)
        joint = (round(lat, 7), round(lon, 7))
        if joint not in (segment.u, segment.v):
            graph.remove_edge(segment.u, segment.v)
            for node in (segment.u, segment.v):
                graph.add_edge(node, joint, metres=haversine_metres(node, joint), name=other)
        if joint != end:
            graph.add_edge(end, joint, metres=haversine_metres(end, joint), name=own)
        repairs.append(f"{own} joined to {other} ({distance:.1f} m apart)")
    return tuple(repairs)


@functools.cache
def _shipped_graph() -> StreetGraph:
    with resource("geo", "streets.geojson").open(encoding="utf-8") as handle:
        return StreetGraph.from_geojson(json.load(handle))


def eta_seconds(kind: str, route: Route) -> float:
    """Seconds for a unit of ``kind`` to cover ``route``, including any start-up time."""
    try:
        speed = SPEED_M_PER_S[kind]
    except KeyError:
        raise ValueError(
            f"no travel speed for unit kind {kind!r}; expected one of {UnitKind.choices()}"
        ) from None
    return STARTUP_SECONDS.get(kind, 0.0) + route.metres / speed


def suitable(kind: str, category: str | None) -> bool:
    """Whether a unit of ``kind`` may be recommended for an incident of ``category``.

    Police kinds (foot patrol, vehicle, plain clothes) suit every incident. Partner
    kinds (Street Pastors, St John Ambulance, welfare officers) suit only "vulnerable
    person" and "other" incidents: they care for people, they do not confront
    offenders. ``category`` None means a flagged location; a red flag is about
    predatory behaviour, so only police kinds suit it. Unknown kinds suit nothing.
    """
    if kind in POLICE_KINDS:
        return True
    return kind in PARTNER_KINDS and category is not None and category in PARTNER_CATEGORIES


@dataclass(frozen=True, slots=True)
class Recommendation:
    """An available unit suggested for an incident, with its estimated time to get there.

    ``eta_minutes`` includes any start-up time (a vehicle's); ``metres`` is the route
    length, straight line × ``DETOUR_FACTOR`` when ``on_network`` is False.
    """

    callsign: str
    kind: str
    status: str
    eta_minutes: float
    metres: float
    on_network: bool


def recommend(
    graph: StreetGraph,
    units: Iterable[UnitSnapshot],
    target: LatLon,
    *,
    category: str | None = None,
    limit: int | None = None,
    also: Callable[[UnitSnapshot], bool] | None = None,
) -> list[Recommendation]:
    """Available, suitable units with a known position, soonest first (ties by callsign).

    ``also`` admits units that are not available but may be taken anyway (a unit on a
    lower-graded task, for a Grade 1); they are ranked after every available unit.

    ``target`` is ``(lat, lon)``; ``category`` is the incident's category slug, or None
    for a flagged location (see :func:`suitable`). One shortest-path search from the
    target (Dijkstra from both ends of its street segment) serves every unit.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, not {limit}")
    routes = graph.routes_to(target)
    found: list[Recommendation] = []
    for unit in units:
        if unit.lat is None or unit.lon is None:
            continue
        if unit.status != UnitStatus.AVAILABLE and not (also is not None and also(unit)):
            continue
        if not suitable(unit.kind, category):
            continue
        route = routes.travel_from((unit.lat, unit.lon))
        eta = eta_seconds(unit.kind, route) / 60
        found.append(
            Recommendation(unit.callsign, unit.kind, unit.status, eta, route.metres, route.on_network)
        )
    found.sort(key=lambda r: (r.status != UnitStatus.AVAILABLE, r.eta_minutes, r.callsign))
    return found if limit is None else found[:limit]
