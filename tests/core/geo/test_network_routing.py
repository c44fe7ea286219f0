"""Routing on an imported network: the array snapping and the one-pass Dijkstra against plain answers."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import numpy as np
import pytest

from controlroom.patrols.routing import OFF_NETWORK_METRES, StreetGraph
from controlroom.patrols.street_index import haversine_many

SIDE = 15


def _grid_layer(rng: random.Random) -> dict[str, object]:
    """A jittered street grid about 50 m a block, one block side in six missing, as a street layer."""
    junction = [
        [(50.900 + i * 0.00045 + rng.uniform(-4e-5, 4e-5), -1.410 + j * 0.0007 + rng.uniform(-7e-5, 7e-5))
         for j in range(SIDE)]
        for i in range(SIDE)
    ]  # fmt: skip
    features = []
    for rows in (junction, [list(column) for column in zip(*junction, strict=True)]):
        for row in rows:
            for a, b in itertools.pairwise(row):
                if rng.random() < 1 / 6:
                    continue
                line = [[round(lon, 7), round(lat, 7)] for lat, lon in (a, b)]
                features.append({"type": "Feature", "properties": {"kind": "street", "name": "x"},
                                 "geometry": {"type": "LineString", "coordinates": line}})  # fmt: skip
    return {"type": "FeatureCollection", "name": "Imported road network", "features": features}


def _brute_force_metres(graph: StreetGraph, point: tuple[float, float]) -> float:
    """Haversine metres to the nearest of 101 points along every segment (1 % of a block apart)."""
    ends = np.array([(*u, *v) for u, v in graph.graph.edges])
    t = np.linspace(0, 1, 101)[:, None]
    lats = (ends[:, 0] + t * (ends[:, 2] - ends[:, 0])).ravel()
    lons = (ends[:, 1] + t * (ends[:, 3] - ends[:, 1])).ravel()
    return float(haversine_many(np.full_like(lats, point[0]), np.full_like(lons, point[1]), lats, lons).min())


def test_every_point_snaps_to_its_nearest_street_and_distances_match_networkx() -> None:
    rng = random.Random(7)
    graph = StreetGraph.from_geojson(_grid_layer(rng), junction_tolerance_m=0)
    points = [(rng.uniform(50.8985, 50.9080), rng.uniform(-1.4120, -1.3990)) for _ in range(150)]
    snaps = graph.index.snap_many(points)
    for point, snap in zip(points, snaps, strict=True):
        nearest = _brute_force_metres(graph, point)
        if abs(nearest - OFF_NETWORK_METRES) < 1:
            continue  # within the brute force's own error of the boundary
        if nearest > OFF_NETWORK_METRES:
            assert snap is None, point
            continue
        assert snap is not None, point
        assert snap.access == pytest.approx(nearest, abs=0.6), point  # brute force steps 1 % of a block

    target = graph.snap(points[0])
    assert target is not None
    ours = graph.distances_from(target)
    theirs: dict[tuple[float, float], float] = {}
    for node, offset in ((target.u, target.to_u), (target.v, target.to_v)):
        for other, metres in nx.single_source_dijkstra_path_length(
            graph.graph, node, weight="metres"
        ).items():
            theirs[other] = min(theirs.get(other, math.inf), offset + metres)
    assert ours.keys() == theirs.keys()
    assert all(ours[node] == pytest.approx(theirs[node], abs=1e-6) for node in theirs)
