"""Street routing and unit recommendations on small constructed networks, and the shipped one."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from controlroom.core.snapshots import UnitSnapshot
from controlroom.patrols.routing import (
    DETOUR_FACTOR,
    EARTH_RADIUS_METRES,
    OFF_NETWORK_METRES,
    Route,
    StreetGraph,
    eta_seconds,
    haversine_metres,
    recommend,
    suitable,
)

LAT0, LON0 = 50.9000, -1.4000
SINCE = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)


def at(east: float, north: float) -> tuple[float, float]:
    """(lat, lon) of a point ``east``/``north`` metres from the synthetic origin."""
    lat = LAT0 + math.degrees(north / EARTH_RADIUS_METRES)
    lon = LON0 + math.degrees(east / (EARTH_RADIUS_METRES * math.cos(math.radians(LAT0))))
    return lat, lon


def street(name: str, *points: tuple[float, float], kind: str = "street") -> dict[str, Any]:
    """A GeoJSON LineString through points given in metres east/north, stored as [lon, lat]."""
    coordinates = [[at(e, n)[1], at(e, n)[0]] for e, n in points]
    return {
        "type": "Feature",
        "properties": {"name": name, "kind": kind},
        "geometry": {"type": "LineString", "coordinates": coordinates},
    }


def layer(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def unit(
    callsign: str, where: tuple[float, float] | None, *, kind: str = "police_foot", status: str = "available"
) -> UnitSnapshot:
    lat, lon = at(*where) if where is not None else (None, None)
    return UnitSnapshot(
        id=1, callsign=callsign, kind=kind, agency="Hampshire", status=status,
        lat=lat, lon=lon, position_at=SINCE, status_since=SINCE, incident_id=None, flag_id=None, version=1,
    )  # fmt: skip


# A 400 m × 200 m grid: streets along north = 0 and 200, cross streets at east = 0, 200, 400.
GRID = layer(
    street("South Street", (0, 0), (200, 0), (400, 0)),
    street("North Street", (0, 200), (200, 200), (400, 200)),
    street("West Lane", (0, 0), (0, 200)),
    street("Middle Lane", (200, 0), (200, 200)),
    street("East Lane", (400, 0), (400, 200)),
)

# Two banks of a river 50 m apart, one bridge at the far east end; a railway crosses on
# its own viaduct, which nobody on foot can use.
RIVER = layer(
    street("South Quay", *[(e, 0) for e in range(0, 1001, 100)]),
    street("North Quay", *[(e, 50) for e in range(0, 1001, 100)]),
    street("Far Bridge", (1000, 0), (1000, 50)),
    street("Railway viaduct", (100, 0), (100, 50), kind="railway"),
)

# One straight 2 km road with no vertex between its ends.
LONG_ROAD = StreetGraph.from_geojson(layer(street("Long Road", (0, 0), (2000, 0))))


@pytest.fixture(scope="module")
def grid() -> StreetGraph:
    return StreetGraph.from_geojson(GRID)


@pytest.fixture(scope="module")
def river() -> StreetGraph:
    return StreetGraph.from_geojson(RIVER)


def test_available_unit_a_street_away_beats_a_nearer_busy_one_and_a_farther_one(grid: StreetGraph) -> None:
    units = [
        unit("BUSY-1", (110, 0), status="busy"),
        unit("NEAR-2", (100, 200)),  # one street north: 100 + 200 + 100 m along the streets
        unit("FAR-3", (400, 200)),  # 200 + 300 m
        unit("LOST-4", None),  # no position reported yet
    ]
    ranked = recommend(grid, units, at(100, 0), category="assault")
    assert [r.callsign for r in ranked] == ["NEAR-2", "FAR-3"]
    assert ranked[0].metres == pytest.approx(400, abs=1)
    assert ranked[1].metres == pytest.approx(500, abs=1)
    assert all(r.on_network and r.status == "available" for r in ranked)
    assert ranked[0].eta_minutes == pytest.approx(400 / 1.4 / 60, rel=1e-3)
    assert [r.callsign for r in recommend(grid, units, at(100, 0), category="assault", limit=1)] == ["NEAR-2"]


def test_unit_across_a_river_is_not_nearest_by_crow_fly(river: StreetGraph) -> None:
    target = at(100, 0)
    across, along = at(100, 50), at(400, 0)
    assert haversine_metres(across, target) < haversine_metres(along, target)
    ranked = recommend(
        river, [unit("ACROSS", (100, 50)), unit("ALONG", (400, 0))], target, category="disorder"
    )
    assert [r.callsign for r in ranked] == ["ALONG", "ACROSS"]
    assert ranked[0].metres == pytest.approx(300, abs=1)
    assert ranked[1].metres == pytest.approx(900 + 50 + 900, abs=2)  # over the far bridge and back
    assert ranked[1].on_network


def test_off_network_points_use_straight_line_times_detour(grid: StreetGraph) -> None:
    target, far = at(100, 0), at(100, -400)  # 400 m south of every street
    route = grid.travel(far, target)
    assert route == Route(pytest.approx(haversine_metres(far, target) * DETOUR_FACTOR), on_network=False)
    assert grid.travel(target, far).on_network is False


def test_disconnected_streets_fall_back_to_straight_line() -> None:
    graph = StreetGraph.from_geojson(layer(street("A", (0, 0), (300, 0)), street("B", (0, 100), (300, 100))))
    a, b = at(50, 0), at(50, 100)
    assert graph.travel(a, b) == Route(pytest.approx(100 * DETOUR_FACTOR, abs=0.5), on_network=False)


@given(st.floats(min_value=0, max_value=2 * OFF_NETWORK_METRES))
def test_off_network_boundary(offset: float) -> None:
    route = LONG_ROAD.travel(at(1000, -offset), at(500, 0))
    if offset <= OFF_NETWORK_METRES - 0.5:
        assert route.on_network
        assert route.metres == pytest.approx(offset + 500, abs=0.5)
    elif offset >= OFF_NETWORK_METRES + 0.5:
        assert not route.on_network


def test_a_point_in_the_middle_of_a_long_street_snaps_onto_it_not_to_a_corner() -> None:
    graph = LONG_ROAD
    snapped = graph.snap(at(500, 20))
    assert snapped is not None
    assert haversine_metres(snapped.point, at(500, 0)) < 0.5
    assert snapped.access == pytest.approx(20, abs=0.5)
    assert sorted([snapped.to_u, snapped.to_v]) == pytest.approx([500, 1500], abs=0.5)
    # Along the street from where the unit stands, not via either end of it.
    assert graph.travel(at(500, 20), at(700, 0)).metres == pytest.approx(220, abs=1)
    assert graph.travel(at(500, 0), at(300, 0)).metres == pytest.approx(200, abs=1)
    assert graph.travel(at(1500, 10), at(1900, -10)).metres == pytest.approx(10 + 400 + 10, abs=1)


def test_a_street_end_drawn_a_hair_off_a_street_joins_it() -> None:
    data = layer(street("Main", (0, 0), (400, 0)), street("Side", (150, 3), (150, 300)))
    joined = StreetGraph.from_geojson(data)
    assert len(joined.components()) == 1
    assert joined.junction_repairs == ("Side joined to Main (3.0 m apart)",)
    # Main is split where Side meets it: 150 m along it, 3 m across, 297 m up Side.
    assert joined.travel(at(0, 0), at(150, 300)).metres == pytest.approx(150 + 3 + 297, abs=1)
    assert joined.travel(at(400, 0), at(150, 300)).metres == pytest.approx(250 + 3 + 297, abs=1)
    assert len(StreetGraph.from_geojson(data, junction_tolerance_m=0).components()) == 2


@pytest.mark.parametrize(
    ("kind", "category", "expected"),
    [
        ("police_foot", "assault", True),
        ("police_vehicle", None, True),
        ("plain_clothes", None, True),
        ("plain_clothes", "vulnerable_person", True),
        ("street_pastors", "vulnerable_person", True),
        ("st_john", "other", True),
        ("welfare", "vulnerable_person", True),
        ("street_pastors", "assault", False),
        ("st_john", "suspected_spiking", False),
        ("welfare", None, False),  # a flagged location: predatory behaviour, police only
        ("street_pastors", None, False),
        ("dog_unit", "other", False),
    ],
)
def test_suitability(kind: str, category: str | None, expected: bool) -> None:
    assert suitable(kind, category) is expected


def test_recommend_applies_suitability(grid: StreetGraph) -> None:
    units = [
        unit("PASTORS", (100, 0), kind="street_pastors"),
        unit("WELFARE", (150, 0), kind="welfare"),
        unit("CAR", (400, 200), kind="police_vehicle"),
        unit("PLAIN", (0, 200), kind="plain_clothes"),
    ]
    target = at(100, 0)
    assert [r.callsign for r in recommend(grid, units, target, category="vulnerable_person")] == [
        "PASTORS", "WELFARE", "CAR", "PLAIN",
    ]  # fmt: skip
    assert [r.callsign for r in recommend(grid, units, target, category="harassment")] == ["CAR", "PLAIN"]
    assert [r.callsign for r in recommend(grid, units, target)] == ["CAR", "PLAIN"]


def test_vehicle_eta_includes_getting_going() -> None:
    route = Route(600.0, on_network=True)
    assert eta_seconds("police_vehicle", route) == pytest.approx(60 + 600 / 6)
    assert eta_seconds("police_foot", route) == pytest.approx(600 / 1.4)
    assert eta_seconds("st_john", route) == pytest.approx(600 / 1.2)
    with pytest.raises(ValueError, match="dog_unit"):
        eta_seconds("dog_unit", route)


def test_ties_rank_by_callsign_and_limit_is_checked(grid: StreetGraph) -> None:
    units = [unit("B-2", (100, 200)), unit("A-1", (100, 200))]
    assert [r.callsign for r in recommend(grid, units, at(100, 0), category="other")] == ["A-1", "B-2"]
    with pytest.raises(ValueError, match="limit"):
        recommend(grid, units, at(100, 0), limit=-1)


points = st.tuples(st.floats(min_value=-100, max_value=500), st.floats(min_value=-100, max_value=300))


@settings(max_examples=200)
@given(points, points)
def test_network_is_never_shorter_than_the_crow_flies_and_symmetric(
    grid: StreetGraph, a: tuple[float, float], b: tuple[float, float]
) -> None:
    there, back = grid.travel(at(*a), at(*b)), grid.travel(at(*b), at(*a))
    assert there.metres >= haversine_metres(at(*a), at(*b)) - 1e-6
    assert there.on_network == back.on_network
    assert there.metres == pytest.approx(back.metres, rel=1e-9, abs=1e-6)


@settings(max_examples=50)
@given(st.lists(points, min_size=1, max_size=8), points)
def test_recommend_agrees_with_travel_unit_by_unit(
    river: StreetGraph, where: list[tuple[float, float]], target: tuple[float, float]
) -> None:
    units = [unit(f"U{n}", w) for n, w in enumerate(where)]
    ranked = recommend(river, units, at(*target), category="other")
    by_callsign = {u.callsign: u for u in units}
    for r in ranked:
        u = by_callsign[r.callsign]
        assert u.lat is not None and u.lon is not None
        assert r.metres == pytest.approx(river.travel((u.lat, u.lon), at(*target)).metres, rel=1e-9)
    assert [r.eta_minutes for r in ranked] == sorted(r.eta_minutes for r in ranked)


def test_shipped_street_graph_is_one_network_and_routes_follow_streets() -> None:
    graph = StreetGraph.load()
    assert graph is StreetGraph.load()  # built once
    assert len(graph.components()) == 1, f"disconnected pieces: {graph.components()}"
    bargate, bedford_place = (50.9027, -1.4043), (50.9130, -1.4090)
    route = graph.travel(bargate, bedford_place)
    crow = haversine_metres(bargate, bedford_place)
    assert route.on_network
    assert 1.0 * crow <= route.metres <= 2.0 * crow


def test_a_layer_without_streets_is_refused() -> None:
    with pytest.raises(ValueError, match="FeatureCollection"):
        StreetGraph.from_geojson({"type": "Feature"})
    with pytest.raises(ValueError, match="no street segments"):
        StreetGraph.from_geojson(layer(street("Canal", (0, 0), (100, 0), kind="canal")))
