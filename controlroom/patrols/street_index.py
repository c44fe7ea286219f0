"""Arrays behind the street graph: snapping many points at once, and one target's shortest paths.

``recommend`` asks two things of a street network per incident: where each of up to a
few hundred units stands on it (its nearest segment), and how far every junction is
from the incident along the streets. Asked of an imported network of 5,000 junctions
one unit at a time in Python, that took 40-70 ms; here both are array work:

* snapping: an STRtree of the segments (in a local plane, metres) hands every point the
  segments whose boxes come within ``NEAR_METRES`` of it in one query; the exact
  distances to them, the nearest, the access leg and the metres to either end are numpy
  expressions over all points at once. A point whose nearest lies farther than that is
  asked again out to the off-network distance (a box query plus numpy is ~30 times
  quicker than GEOS's ``query_nearest`` here);
* shortest paths: ONE run of SciPy's compiled Dijkstra over a CSR matrix of the segment
  lengths, from a node added for the call whose two out-edges reach the ends of the
  target's segment at their distances along it.

The plane is an equirectangular projection about the network's centre: over a city
centre (a few km) its distortion is far below the 150 m that decides "off the network",
and the metres reported (access legs, lengths along a segment) are haversine metres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

LatLon = tuple[float, float]

EARTH_RADIUS_METRES = 6_371_008.8
OFF_NETWORK_METRES = 150.0
"""A point farther than this from every street is off the network (routed straight-line)."""
_PLANE_SLACK = 1.05
"""The nearest-segment search reaches a little past ``OFF_NETWORK_METRES`` in the plane, so
the haversine check decides the boundary, as it always has."""
NEAR_METRES = 60.0
"""First reach of the nearest-segment search: most units stand on or beside a street."""


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


def haversine_many(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle metres between arrays of ``(lat, lon)`` points, element by element."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * np.arcsin(np.minimum(1.0, np.sqrt(h)))


class StreetIndex:
    """A street graph's nodes by number, its segments as arrays and a tree, its lengths as a CSR matrix."""

    def __init__(self, nodes: Sequence[LatLon], edges: Sequence[tuple[LatLon, LatLon, float]]) -> None:
        import shapely
        from scipy.sparse import csr_matrix

        self.nodes = list(nodes)
        self.number = {node: i for i, node in enumerate(self.nodes)}
        latlon = np.array(self.nodes, dtype=float)
        self._origin = latlon.mean(axis=0)
        self._ky = np.radians(1) * EARTH_RADIUS_METRES
        self._kx = self._ky * np.cos(np.radians(self._origin[0]))
        self._u = np.array([self.number[u] for u, _, _ in edges])
        self._v = np.array([self.number[v] for _, v, _ in edges])
        self._latlon = latlon
        xy = self._plane(latlon)
        self._a, self._d = xy[self._u], xy[self._v] - xy[self._u]
        self._length2 = np.maximum((self._d**2).sum(axis=1), 1e-12)
        self._ax, self._ay = self._a[:, 0].copy(), self._a[:, 1].copy()
        self._dx, self._dy = self._d[:, 0].copy(), self._d[:, 1].copy()
        self._tree = shapely.STRtree(shapely.linestrings(np.stack((xy[self._u], xy[self._v]), axis=1)))
        metres = np.array([m for _, _, m in edges], dtype=float)
        n = len(self.nodes)
        rows, cols = np.concatenate((self._u, self._v)), np.concatenate((self._v, self._u))
        # Both directions stored, so a directed search (half the work of directed=False) is
        # right; one row more for the start node each search adds (see ``distances``).
        matrix = csr_matrix((np.concatenate((metres, metres)), (rows, cols)), shape=(n, n))
        self._data = np.concatenate((matrix.data, [1.0, 1.0]))
        self._indices = np.concatenate((matrix.indices, [0, 0])).astype(matrix.indices.dtype)
        self._indptr = np.concatenate((matrix.indptr, [matrix.indptr[-1] + 2])).astype(matrix.indptr.dtype)

    def snap_many(self, points: Sequence[LatLon]) -> list[SnappedPoint | None]:
        """Each point on its nearest segment; None for a point more than OFF_NETWORK_METRES from all."""

        found: list[SnappedPoint | None] = [None] * len(points)
        if not points:
            return found
        latlon = np.array(points, dtype=float)
        xy = self._plane(latlon)
        which, segment, distance = self._nearest(xy, np.arange(len(points)), NEAR_METRES)
        far = distance > NEAR_METRES  # a nearer segment could lie outside the first boxes
        if far.any() or len(which) < len(points):
            again = np.setdiff1d(np.arange(len(points)), which[~far])
            more = self._nearest(xy, again, OFF_NETWORK_METRES * _PLANE_SLACK)
            which = np.concatenate((which[~far], more[0]))
            segment = np.concatenate((segment[~far], more[1]))
        if not len(which):
            return found
        a, d = self._a[segment], self._d[segment]
        t = np.clip(((xy[which] - a) * d).sum(axis=1) / self._length2[segment], 0.0, 1.0)
        u, v = self._latlon[self._u[segment]], self._latlon[self._v[segment]]
        on_street = u + t[:, None] * (v - u)
        lat, lon = latlon[which, 0], latlon[which, 1]
        access = haversine_many(lat, lon, on_street[:, 0], on_street[:, 1])
        to_u = haversine_many(on_street[:, 0], on_street[:, 1], u[:, 0], u[:, 1])
        to_v = haversine_many(on_street[:, 0], on_street[:, 1], v[:, 0], v[:, 1])
        nodes, us, vs = self.nodes, self._u[segment].tolist(), self._v[segment].tolist()
        rows = zip(
            which.tolist(),
            on_street.tolist(),
            access.tolist(),
            us,
            vs,
            to_u.tolist(),
            to_v.tolist(),
            strict=True,
        )
        for i, (lat_on, lon_on), metres, iu, iv, along_u, along_v in rows:
            if metres <= OFF_NETWORK_METRES:
                found[i] = SnappedPoint((lat_on, lon_on), metres, nodes[iu], nodes[iv], along_u, along_v)
        return found

    def distances(self, snap: SnappedPoint) -> Any:
        """Metres along the streets from ``snap`` to every node, by number (inf: unreachable)."""
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        n = len(self.nodes)
        data, indices = self._data.copy(), self._indices.copy()  # per call: safe on any thread
        indices[-2:] = (self.number[snap.u], self.number[snap.v])
        # A snap exactly on a node is 0 m from it; a zero-weight edge must not read as "no edge".
        data[-2:] = (max(snap.to_u, 1e-9), max(snap.to_v, 1e-9))
        graph = csr_matrix((data, indices, self._indptr), shape=(n + 1, n + 1))
        metres = dijkstra(graph, directed=True, indices=n)[:n]
        metres[[self.number[snap.u], self.number[snap.v]]] = np.minimum(
            metres[[self.number[snap.u], self.number[snap.v]]], (snap.to_u, snap.to_v)
        )
        return metres

    def _nearest(self, xy: Any, among: Any, reach: float) -> tuple[Any, Any, Any]:
        """(point numbers, their nearest segment, plane distance) for the points of ``among``
        with a segment whose box comes within ``reach``; the others are left out."""
        import shapely

        if not len(among):
            return among, among, np.zeros(0)
        x, y = xy[among, 0], xy[among, 1]
        pair_point, segment = self._tree.query(shapely.box(x - reach, y - reach, x + reach, y + reach))
        point = among[pair_point]
        rx, ry = x[pair_point] - self._ax[segment], y[pair_point] - self._ay[segment]
        dx, dy = self._dx[segment], self._dy[segment]
        t = np.clip((rx * dx + ry * dy) / self._length2[segment], 0.0, 1.0)
        distance = np.hypot(rx - t * dx, ry - t * dy)
        order = np.lexsort((distance, point))
        point, segment, distance = point[order], segment[order], distance[order]
        first = np.unique(point, return_index=True)[1]
        return point[first], segment[first], distance[first]

    def _plane(self, latlon: Any) -> Any:
        """``(lat, lon)`` rows as (x, y) metres east and north of the network's centre."""
        return np.column_stack(
            ((latlon[:, 1] - self._origin[1]) * self._kx, (latlon[:, 0] - self._origin[0]) * self._ky)
        )
