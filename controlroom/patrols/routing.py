"""Travel along the shipped street network, and which available units to send first.

Points are ``(lat, lon)`` tuples, as everywhere else in the core; GeoJSON stores
``[lon, lat]`` and only :meth:`StreetGraph.from_geojson` reads that order. A point is
snapped onto the nearest street *segment* (its projection, not the nearest vertex), so
a unit halfway along a long street starts from where it stands. The graph is networkx's,
undirected, weighted by haversine metres; the work ``recommend`` repeats (snapping every
unit, shortest paths from the incident) is array work in :mod:`.street_index`, so an
imported 5,000-node network answers for 200 units in a few milliseconds.

Which network: :func:`load_street_graph` builds the graph of the street layer a database
serves (an imported road network, else the shipped streets) and keeps it until the next
import; :func:`loaded_street_graph` hands that graph to code that cannot await (a dialog).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from controlroom.core.domain import Category, UnitKind, UnitStatus
from controlroom.core.resources import resource
from controlroom.core.snapshots import UnitSnapshot
from controlroom.geo.network import IMPORTED_LAYER_NAME, network_version, street_layer
from controlroom.patrols.street_index import EARTH_RADIUS_METRES, SnappedPoint, StreetIndex
from controlroom.patrols.street_index import OFF_NETWORK_METRES as OFF_NETWORK_METRES
from controlroom.storage.database import Database

LatLon = tuple[float, float]

DETOUR_FACTOR = 1.4
JUNCTION_TOLERANCE_METRES = 10.0
"""A street end this close to another street is joined to it (hand-drawn T-junctions)."""
GRAPHS_KEPT = 4
"""Databases whose loaded graph is kept (a window has one; tests open many)."""
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


class TargetRoutes:
    """Routes to one target, sharing one set of shortest paths for every origin."""

    def __init__(self, graph: StreetGraph, target: LatLon) -> None:
        self._graph = graph
        self._target = target
        self._snap = graph.snap(target)
        self._from_target: Any = None
        if self._snap is not None:
            self._from_target = graph.index.distances(self._snap)

    def travel_from(self, origin: LatLon) -> Route:
        """The route from ``origin`` to the target (the graph is undirected)."""
        return self.travel_from_many([origin])[0]

    def travel_from_many(self, origins: Sequence[LatLon]) -> list[Route]:
        """The route from each of ``origins`` to the target, all snapped in one pass."""
        end = self._snap
        starts = self._graph.index.snap_many(origins) if end is not None else [None] * len(origins)
        number = self._graph.index.number
        routes = []
        for origin, start in zip(origins, starts, strict=True):
            along = math.inf
            if start is not None and end is not None:
                if (start.u, start.v) == (end.u, end.v):
                    along = haversine_metres(start.point, end.point)
                else:
                    along = min(
                        start.to_u + float(self._from_target[number[start.u]]),
                        start.to_v + float(self._from_target[number[start.v]]),
                    )
            if start is not None and end is not None and along < math.inf:
                routes.append(Route(start.access + along + end.access, on_network=True))
            else:
                routes.append(Route(haversine_metres(origin, self._target) * DETOUR_FACTOR, on_network=False))
        return routes


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
        self.index = StreetIndex(list(graph.nodes), list(graph.edges(data="metres")))

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
        return self.index.snap_many([point])[0]

    def distances_from(self, snap: SnappedPoint) -> dict[LatLon, float]:
        """Network metres from a snapped point to every node it can reach."""
        metres = self.index.distances(snap).tolist()
        return {node: m for node, m in zip(self.index.nodes, metres, strict=True) if m < math.inf}

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


_loaded: dict[str, tuple[int | None, StreetGraph]] = {}
"""Database URL -> (the road import it was built from, None for the shipped streets; the graph)."""


@functools.cache
def _builder() -> ThreadPoolExecutor:
    # A plain thread of our own, not the loop's default executor: under the window's qasync
    # loop that is a pool of QThreads, still running when the program exits (Qt aborts then).
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="street-graph")


async def load_street_graph(db: Database) -> StreetGraph:
    """The routing graph of the street layer ``db`` serves, built once per road import.

    One small read (the latest "roads" change) tells whether the graph held is still
    the network stored; only an import since makes it read the layer and build again.
    The version is read before the layer: an import landing between the two reads is
    then built again on the next call instead of being held under the older number.
    Building (networkx, arrays, a tree: ~0.2-0.8 s for 5,000 junctions) runs on a worker
    thread, so a window waiting for it keeps drawing.
    """
    key = str(db.url)
    version = await network_version(db)
    held = _loaded.get(key)
    if held is not None and held[0] == version:
        return held[1]
    if version is None:
        graph = _shipped_graph()
    else:
        layer = await street_layer(db)
        graph = await asyncio.get_running_loop().run_in_executor(_builder(), street_graph_of, layer)
    _loaded.pop(key, None)
    _loaded[key] = (version, graph)
    while len(_loaded) > GRAPHS_KEPT:
        del _loaded[next(iter(_loaded))]
    return graph


def loaded_street_graph(db: Database) -> StreetGraph:
    """The graph :func:`load_street_graph` last built for ``db``; the shipped one before that."""
    held = _loaded.get(str(db.url))
    return held[1] if held is not None else _shipped_graph()


def street_graph_of(layer: dict[str, Any]) -> StreetGraph:
    """The routing graph of a street layer from :func:`controlroom.geo.network.street_layer`.

    Imported roads meet where they share a point (OS Open Roads links end on their
    junction nodes, OpenStreetMap ways share node ids), so no hand-drawn T-junction is
    repaired there: that search is quadratic in dead ends and a real network has many.
    """
    if layer.get("name") != IMPORTED_LAYER_NAME:
        return StreetGraph.from_geojson(layer)
    return StreetGraph.from_geojson(layer, junction_tolerance_m=0)


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
    chosen = [
        unit
        for unit in units
        if unit.lat is not None
        and unit.lon is not None
        and (unit.status == UnitStatus.AVAILABLE or (also is not None and also(unit)))
        and suitable(unit.kind, category)
    ]
    routes = graph.routes_to(target).travel_from_many([(u.lat, u.lon) for u in chosen])  # type: ignore[misc]
    found: list[Recommendation] = []
    for unit, route in zip(chosen, routes, strict=True):
        eta = eta_seconds(unit.kind, route) / 60
        found.append(
            Recommendation(unit.callsign, unit.kind, unit.status, eta, route.metres, route.on_network)
        )
    found.sort(key=lambda r: (r.status != UnitStatus.AVAILABLE, r.eta_minutes, r.callsign))
    return found if limit is None else found[:limit]
