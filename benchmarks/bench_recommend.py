"""``recommend``: ranking 200 units for one incident on the shipped street graph, beside per-unit routing.

200 units at random positions (fixed seed): nine in ten within about 60 m of a street,
the rest anywhere in the street layer's bounding box; all kinds, three in four
available. Each repetition takes an incident at a random street vertex with a random
category (or none: a flagged location) and times ``recommend(...)``, which runs one
shortest-path search from the incident and reuses it for every unit. Baseline in the
same run: the naive way, ``graph.travel(unit, target)`` for each suitable unit (its own
networkx Dijkstra every time), then the same sort. Both must rank alike; the script
checks that before timing. Target: ``recommend`` median ≤ 20 ms.

Run: ``.venv/bin/python benchmarks/bench_recommend.py [--units 200] [--reps 100]``
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from benchlib import print_table, summary_ms, verdict

from controlroom.core.domain import Category, UnitKind, UnitStatus
from controlroom.core.snapshots import UnitSnapshot
from controlroom.patrols.routing import (
    Recommendation,
    StreetGraph,
    eta_seconds,
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200, help="units on the board (default 200)")
    parser.add_argument("--reps", type=int, default=100, help="repetitions, ≥ 50 (default 100)")
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
    nodes = list(graph.graph.nodes)
    categories = [*Category.choices(), None]
    cases = [(rng.choice(nodes), rng.choice(categories)) for _ in range(args.reps)]
    for target, category in cases[:10]:
        fast, slow = (
            recommend(graph, units, target, category=category),
            naive_recommend(graph, units, target, category),
        )
        assert [r.callsign for r in fast] == [r.callsign for r in slow], "recommend and baseline disagree"
    sample = recommend(graph, units, cases[0][0], category="other")
    on_network = sum(r.on_network for r in sample)
    print(f"{len(sample)} suitable available units for 'other'; {on_network} routed on the streets")
    fast_samples, slow_samples = [], []
    for target, category in cases:  # interleaved, so drift hits both alike
        fast_samples.append(timed(lambda t=target, c=category: recommend(graph, units, t, category=c)))
        slow_samples.append(timed(lambda t=target, c=category: naive_recommend(graph, units, t, c)))
    rows = []
    for label, samples, target_ms in (
        ("recommend (one Dijkstra from the incident)", fast_samples, TARGET_MS),
        ("BASELINE travel() per unit", slow_samples, None),
    ):
        s = summary_ms(samples)
        rows.append([label, len(units), len(samples), s["median"], s["p95"], s["max"], target_ms or "-",
                     verdict(s["median"], target_ms)])  # fmt: skip
    print_table(f"recommend() for one incident, {len(units)} units, shipped street graph", HEADER, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
