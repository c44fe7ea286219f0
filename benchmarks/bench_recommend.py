"""``recommend``: ranking 200 units for one incident, on the shipped streets and on an imported network.

200 units at random positions (fixed seed): nine in ten within about 60 m of a street,
the rest anywhere in the street layer's bounding box; all kinds, three in four
available. Each repetition takes an incident at a random street vertex with a random
category (or none: a flagged location) and times ``recommend(...)``, which runs one
shortest-path search from the incident and reuses it for every unit. Baseline in the
same run: the naive way, ``graph.travel(unit, target)`` for each suitable unit (its own
networkx Dijkstra every time), then the same sort. Both must rank alike; the script
checks that before timing. Target: ``recommend`` median ≤ 20 ms.

Then the same on an imported road network of about 5,000 nodes: a street grid across the
operating area (71 × 71 junctions about 50 m apart, jittered, one block side in eight
missing, named streets) written as an OS Open Roads GeoPackage in British National Grid
and put through ``controlroom geo import-roads``'s own code (read, reproject, clip, store
in a SQLite file) and ``load_street_graph``. Baseline in the same run: networkx's
Dijkstra from each end of the target's segment (how ``recommend`` searched before),
with the same batch snapping and sort, so the two differ only in the shortest-path
search; both must rank alike. Target: median ≤ 20 ms.

Run: ``.venv/bin/python benchmarks/bench_recommend.py [--units 200] [--reps 100] [--grid 71]``
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from benchlib import print_table, summary_ms, verdict

from controlroom.core.domain import SOUTHAMPTON_CENTRE, Category, UnitKind, UnitStatus
from controlroom.core.snapshots import UnitSnapshot
from controlroom.patrols.routing import (
    DETOUR_FACTOR,
    Recommendation,
    Route,
    StreetGraph,
    eta_seconds,
    haversine_metres,
    load_street_graph,
    recommend,
    suitable,
)

TARGET_MS = 20.0
SEED = 11
NOW = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
HEADER = ["case", "units", "n", "median ms", "p95 ms", "max ms", "target", "verdict"]


def make_units(graph: StreetGraph, count: int, rng: random.Random) -> list[UnitSnapshot]:
    """``count`` units: nine in ten near a random point on a random street, the rest anywhere.

    "Anywhere" is the street layer's bounding box, so many of those are off the network.
    """
    edges = list(graph.graph.edges)
    lats = [lat for lat, _ in graph.graph.nodes]
    lons = [lon for _, lon in graph.graph.nodes]
    statuses = [UnitStatus.AVAILABLE.value] * 3 + [UnitStatus.BUSY.value]
    units = []
    for n in range(1, count + 1):
        if rng.random() < 0.9:
            (lat1, lon1), (lat2, lon2) = rng.choice(edges)
            t, jitter = rng.random(), 60 / 111_000  # degrees of latitude in 60 m
            lat = lat1 + t * (lat2 - lat1) + rng.uniform(-jitter, jitter)
            lon = lon1 + t * (lon2 - lon1) + rng.uniform(-jitter, jitter) * 1.6  # 1 / cos(51°)
        else:
            lat, lon = rng.uniform(min(lats), max(lats)), rng.uniform(min(lons), max(lons))
        unit = UnitSnapshot(
            id=n, callsign=f"U{n:03d}", kind=rng.choice(UnitKind.choices()), agency="bench",
            status=rng.choice(statuses), lat=lat, lon=lon, position_at=NOW, status_since=NOW,
            incident_id=None, flag_id=None, version=1,
        )  # fmt: skip
        units.append(unit)
    return units


def naive_recommend(
    graph: StreetGraph, units: Sequence[UnitSnapshot], target: tuple[float, float], category: str | None
) -> list[Recommendation]:
    """The baseline: a separate shortest-path search for every unit."""
    found = []
    for unit in units:
        if unit.status != "available" or unit.lat is None or unit.lon is None:
            continue
        if not suitable(unit.kind, category):
            continue
        route = graph.travel((unit.lat, unit.lon), target)
        eta = eta_seconds(unit.kind, route) / 60
        found.append(
            Recommendation(unit.callsign, unit.kind, unit.status, eta, route.metres, route.on_network)
        )
    found.sort(key=lambda r: (r.eta_minutes, r.callsign))
    return found


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def grid_roads(side: int, rng: random.Random) -> list[tuple[str, list[tuple[float, float]]]]:
    """A street grid of ``side`` × ``side`` junctions across the operating area, as named lines.

    Junctions are jittered by up to a tenth of a block; one block side in eight is
    missing (a building, a pedestrian square), which splits that street in two.
    """
    area, margin = SOUTHAMPTON_CENTRE, 0.0005
    dlat = (area.north - area.south - 2 * margin) / (side - 1)
    dlon = (area.east - area.west - 2 * margin) / (side - 1)
    junction = [
        [
            (area.south + margin + i * dlat + rng.uniform(-0.1, 0.1) * dlat,
             area.west + margin + j * dlon + rng.uniform(-0.1, 0.1) * dlon)
            for j in range(side)
        ]
        for i in range(side)
    ]  # fmt: skip
    roads = []
    for name, rows in (("Street", junction), ("Road", [list(c) for c in zip(*junction, strict=True)])):
        for n, row in enumerate(rows, 1):
            piece = [row[0]]
            for point in row[1:]:
                if rng.random() < 1 / 8:
                    if len(piece) > 1:
                        roads.append((f"{n} {name}", piece))
                    piece = [point]
                else:
                    piece.append(point)
            if len(piece) > 1:
                roads.append((f"{n} {name}", piece))
    return roads


def write_geopackage(path: Path, roads: list[tuple[str, list[tuple[float, float]]]]) -> Path:
    """``roads`` as an OS Open Roads-like GeoPackage (layer road_link, EPSG:27700)."""
    import numpy as np
    import shapely
    from pyogrio import raw
    from pyproj import Transformer

    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    lines = [shapely.LineString([to_grid.transform(lon, lat) for lat, lon in points]) for _, points in roads]
    raw.write(
        path, shapely.to_wkb(np.array(lines, dtype=object)),
        [np.array([name for name, _ in roads], dtype=object), np.array(["Local"] * len(roads), dtype=object)],
        ["name_1", "road_classification"], layer="road_link", driver="GPKG", crs="EPSG:27700",
        geometry_type="LineString",
    )  # fmt: skip
    return path


async def import_and_load(path: Path, folder: Path) -> tuple[StreetGraph, int, float]:
    """Import ``path`` into a new SQLite file as ``geo import-roads`` does; the graph recommend uses."""
    from controlroom.geo.commands import RoadCommands
    from controlroom.storage.database import Database
    from controlroom.storage.migrate import upgrade
    from controlroom.writes import CommandContext, placeholder_actor

    db = Database(f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}")
    try:
        await upgrade(db)
        done = await RoadCommands(CommandContext(db, placeholder_actor())).import_file(path)
        started = time.perf_counter()
        graph = await load_street_graph(db)
        return graph, done.segments, time.perf_counter() - started
    finally:
        await db.dispose()


def networkx_recommend(
    graph: StreetGraph, units: Sequence[UnitSnapshot], target: tuple[float, float], category: str | None
) -> list[Recommendation]:
    """The baseline on a big network: networkx's Dijkstra from each end of the target's segment."""
    import networkx as nx

    end = graph.snap(target)
    from_target: dict[tuple[float, float], float] = {}
    if end is not None:
        for node, offset in ((end.u, end.to_u), (end.v, end.to_v)):
            for other, metres in nx.single_source_dijkstra_path_length(
                graph.graph, node, weight="metres"
            ).items():
                from_target[other] = min(from_target.get(other, math.inf), offset + metres)
    chosen = [
        u
        for u in units
        if u.status == "available" and u.lat is not None and u.lon is not None and suitable(u.kind, category)
    ]
    origins = [(u.lat, u.lon) for u in chosen]
    starts = graph.index.snap_many(origins) if end is not None else [None] * len(origins)  # type: ignore[arg-type]
    found = []
    for unit, origin, start in zip(chosen, origins, starts, strict=True):
        along = math.inf
        if start is not None and end is not None:
            if (start.u, start.v) == (end.u, end.v):
                along = haversine_metres(start.point, end.point)
            else:
                along = min(start.to_u + from_target.get(start.u, math.inf),
                            start.to_v + from_target.get(start.v, math.inf))  # fmt: skip
        if start is not None and end is not None and along < math.inf:
            route = Route(start.access + along + end.access, on_network=True)
        else:
            route = Route(haversine_metres(origin, target) * DETOUR_FACTOR, on_network=False)
        eta = eta_seconds(unit.kind, route) / 60
        found.append(
            Recommendation(unit.callsign, unit.kind, unit.status, eta, route.metres, route.on_network)
        )
    found.sort(key=lambda r: (r.eta_minutes, r.callsign))
    return found


def race(
    title: str,
    graph: StreetGraph,
    units: Sequence[UnitSnapshot],
    baseline: tuple[str, Callable[..., list[Recommendation]]],
    rng: random.Random,
    reps: int,
) -> None:
    """Time ``recommend`` beside ``baseline`` on the same incidents, after checking they agree."""
    nodes = list(graph.graph.nodes)
    categories = [*Category.choices(), None]
    cases = [(rng.choice(nodes), rng.choice(categories)) for _ in range(reps)]
    label, slow = baseline
    for target, category in cases[:10]:
        fast = recommend(graph, units, target, category=category)
        assert [r.callsign for r in fast] == [r.callsign for r in slow(graph, units, target, category)], (
            "recommend and baseline disagree"
        )
    sample = recommend(graph, units, cases[0][0], category="other")
    print(
        f"{len(sample)} suitable available units for 'other'; "
        f"{sum(r.on_network for r in sample)} routed on the streets"
    )
    fast_samples, slow_samples = [], []
    for target, category in cases:  # interleaved, so drift hits both alike
        fast_samples.append(timed(lambda t=target, c=category: recommend(graph, units, t, category=c)))
        slow_samples.append(timed(lambda t=target, c=category: slow(graph, units, t, c)))
    rows = []
    for case, samples, target_ms in (
        ("recommend (one Dijkstra from the incident)", fast_samples, TARGET_MS),
        (f"BASELINE {label}", slow_samples, None),
    ):
        s = summary_ms(samples)
        rows.append([case, len(units), len(samples), s["median"], s["p95"], s["max"], target_ms or "-",
                     verdict(s["median"], target_ms)])  # fmt: skip
    print_table(title, HEADER, rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200, help="units on the board (default 200)")
    parser.add_argument("--reps", type=int, default=100, help="repetitions, ≥ 50 (default 100)")
    parser.add_argument("--grid", type=int, default=71, help="junctions per side of the imported grid (71)")
    args = parser.parse_args(argv)
    if args.reps < 50:
        parser.error("--reps must be at least 50")
    rng = random.Random(SEED)
    started = time.perf_counter()
    graph = StreetGraph.load()
    print(
        f"street graph: {graph.graph.number_of_nodes()} nodes, {graph.graph.number_of_edges()} edges, "
        f"loaded in {(time.perf_counter() - started) * 1000:.1f} ms",
        flush=True,
    )
    units = make_units(graph, args.units, rng)
    race(f"recommend() for one incident, {len(units)} units, shipped street graph", graph, units,
         ("travel() per unit", naive_recommend), rng, args.reps)  # fmt: skip

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = write_geopackage(Path(folder) / "grid.gpkg", grid_roads(args.grid, rng))
        written = time.perf_counter() - started
        started = time.perf_counter()
        imported, segments, built = asyncio.run(import_and_load(path, Path(folder)))
        total = time.perf_counter() - started
    print(
        f"\nimported network: {imported.graph.number_of_nodes()} nodes, "
        f"{imported.graph.number_of_edges()} edges "
        f"from {segments} segments; GeoPackage written in {written:.2f} s, imported and graph built in "
        f"{total:.2f} s (graph {built * 1000:.0f} ms)",
        flush=True,
    )
    big_units = make_units(imported, args.units, rng)
    race(f"recommend() for one incident, {len(big_units)} units, imported network", imported, big_units,
         ("networkx Dijkstra from both segment ends", networkx_recommend), rng, args.reps)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
