"""Which cameras see a point: cone edges, wrap across north, ordering, presets, index = scan."""

from __future__ import annotations

import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from controlroom.cameras.geometry import (
    CameraIndex,
    CameraView,
    View,
    camera_view,
    cameras_seeing,
    scan_cameras_seeing,
    view_sectors,
)
from controlroom.cameras.records import CameraRecord, PresetSpec

GEOD = pyproj.Geod(ellps="WGS84")
BARGATE = (50.9045, -1.4044)  # lat, lon in Southampton's city centre


def at(bearing: float, metres: float, origin: tuple[float, float] = BARGATE) -> tuple[float, float]:
    """The (lat, lon) ``metres`` from ``origin`` along true ``bearing``, by pyproj's geodesic."""
    lon, lat, _ = GEOD.fwd(origin[1], origin[0], bearing, metres)
    return lat, lon


def fixed(
    number: str, heading: float, angle: float, range_m: float, *, status: str = "working",
    where: tuple[float, float] = BARGATE,
) -> CameraView:  # fmt: skip
    return CameraView(
        camera_id=int(number.strip("C")), number=number, lat=where[0], lon=where[1], status=status,
        views=(View(heading, angle, range_m),),
    )  # fmt: skip


def numbers(point: tuple[float, float], cameras: list[CameraView]) -> list[str]:
    return [s.camera.number for s in cameras_seeing(point[0], point[1], cameras)]


@pytest.mark.parametrize("range_m", [30.0, 100.0, 1000.0])
def test_a_point_exactly_at_range_is_seen_and_one_metre_beyond_is_not(range_m: float) -> None:
    camera = fixed("C1", 90, 60, range_m)
    assert numbers(at(90, range_m), [camera]) == ["C1"]
    assert numbers(at(90, range_m + 1), [camera]) == []
    assert numbers(at(90, range_m + 0.05), [camera]) == []  # grid metres are not ground metres


@pytest.mark.parametrize(("heading", "angle"), [(90, 60), (0, 10), (200, 1), (45, 359)])
def test_a_point_on_the_cone_edge_is_seen_and_just_outside_is_not(heading: float, angle: float) -> None:
    camera = fixed("C1", heading, angle, 200)
    for side in (-1, 1):
        edge = heading + side * angle / 2
        assert numbers(at(edge, 150), [camera]) == ["C1"], f"edge {edge}°"
        assert numbers(at(edge + side * 0.01, 150), [camera]) == [], f"0.01° beyond edge {edge}°"


def test_a_cone_across_north_sees_both_sides_of_it() -> None:
    camera = fixed("C1", 350, 40, 100)  # 330° .. 010°
    assert numbers(at(5, 50), [camera]) == ["C1"]
    assert numbers(at(335, 50), [camera]) == ["C1"]
    assert numbers(at(0, 50), [camera]) == ["C1"]
    assert numbers(at(15, 50), [camera]) == []
    assert numbers(at(320, 50), [camera]) == []
    (sighting,) = cameras_seeing(*at(5, 50), [camera])
    assert sighting.off_axis_deg == pytest.approx(15, abs=1e-3)
    assert sighting.distance_m == pytest.approx(50, abs=1e-3)


def test_an_all_round_camera_sees_every_direction_within_range() -> None:
    camera = fixed("C1", 0, 360, 80)
    for bearing in range(0, 360, 15):
        assert numbers(at(bearing, 79.5), [camera]) == ["C1"]
        assert numbers(at(bearing, 81), [camera]) == []


def test_working_cameras_come_before_faulty_before_offline_then_nearer_first() -> None:
    point = at(0, 0.5)
    cameras = [
        fixed("C1", 0, 360, 300, status="offline", where=at(180, 10)),
        fixed("C2", 0, 360, 300, status="faulty", where=at(180, 20)),
        fixed("C3", 0, 360, 300, status="working", where=at(180, 120)),
        fixed("C4", 0, 360, 300, status="working", where=at(90, 60)),
        fixed("C5", 0, 360, 300, status="faulty", where=at(270, 5)),
    ]
    assert numbers(point, cameras) == ["C4", "C3", "C5", "C2", "C1"]


def test_at_equal_distance_the_camera_looking_straighter_at_the_point_comes_first() -> None:
    point = BARGATE
    cameras = [
        fixed("C1", 20, 90, 100, where=at(180, 50)),  # point lies due north: 20° off its axis
        fixed("C2", 355, 90, 100, where=at(90, 50)),  # point lies due west (270°): outside
        fixed("C3", 5, 90, 100, where=at(200, 50)),  # point at 020°: 15° off its axis
    ]
    ranked = cameras_seeing(point[0], point[1], cameras)
    assert [s.camera.number for s in ranked] == ["C3", "C1"]
    assert [round(s.off_axis_deg) for s in ranked] == [15, 20]


def test_a_ptz_camera_offers_the_preset_that_covers_the_point_best() -> None:
    camera = CameraView(
        camera_id=7, number="C7", lat=BARGATE[0], lon=BARGATE[1], status="working",
        views=(
            View(0, 60, 200, preset="North to Bargate"),
            View(90, 90, 200, preset="East Street"),
            View(80, 20, 150, preset="East Street door"),
            View(180, 60, 200, preset="Above Bar"),
        ),
    )  # fmt: skip
    (sighting,) = cameras_seeing(*at(85, 100), [camera])
    assert sighting.preset == "East Street door"  # 5° off either axis; the narrower preset wins
    (sighting,) = cameras_seeing(*at(100, 100), [camera])
    assert sighting.preset == "East Street"  # "East Street door" ends at 090°
    (sighting,) = cameras_seeing(*at(85, 170), [camera])
    assert sighting.preset == "East Street"  # beyond the door preset's 150 m
    assert cameras_seeing(*at(270, 50), [camera]) == []


def test_impossible_views_are_refused_with_the_allowed_values() -> None:
    with pytest.raises(ValueError, match="1 to 360 degrees"):
        View(0, 0.5, 100)
    with pytest.raises(ValueError, match="more than 0 and at most 1000 m"):
        View(0, 90, 0)
    with pytest.raises(ValueError, match="working, faulty, offline"):
        fixed("C1", 0, 90, 100, status="broken")


def test_a_sector_polygon_is_the_cone_in_lon_lat() -> None:
    camera = fixed("C1", 90, 60, 100)
    (sector,) = view_sectors([camera])
    inside_lat, inside_lon = at(100, 90)
    outside_lat, outside_lon = at(130, 90)
    assert sector.polygon.contains(shapely.Point(inside_lon, inside_lat))
    assert not sector.polygon.contains(shapely.Point(outside_lon, outside_lat))
    ring = shapely.Point(BARGATE[1], BARGATE[0])
    assert sector.polygon.exterior.distance(ring) < 1e-7  # the apex is the camera


headings = st.floats(0, 359.99)
views = st.builds(
    View, heading=headings, angle=st.floats(1, 360), range_m=st.floats(5, 400),
    preset=st.sampled_from([None, "A", "B", "C"]),
)  # fmt: skip
camera_specs = st.tuples(
    st.floats(-400, 400), st.floats(-400, 400), st.sampled_from(["working", "faulty", "offline"]),
    st.lists(views, min_size=1, max_size=3),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(camera_specs, min_size=1, max_size=25), st.floats(-400, 400), st.floats(-400, 400))
def test_the_index_finds_exactly_what_a_scan_of_every_camera_finds(
    specs: list[tuple[float, float, str, list[View]]], east: float, north: float
) -> None:
    cameras = []
    for n, (dx, dy, status, camera_views) in enumerate(specs, start=1):
        lat, lon = at(90, dx)
        lat, lon = at(0, dy, (lat, lon))
        cameras.append(CameraView(n, f"C{n}", lat, lon, status, tuple(camera_views)))
    point = at(0, north, at(90, east))
    indexed = CameraIndex(cameras).seeing(*point)
    scanned = scan_cameras_seeing(point[0], point[1], cameras)
    assert [(s.camera.number, s.view) for s in indexed] == [(s.camera.number, s.view) for s in scanned]


def test_a_register_camera_becomes_its_views() -> None:
    common = {
        "name": "Bargate", "owner": "council", "venue_id": None, "sharing_agreement": "",
        "lat": BARGATE[0], "lon": BARGATE[1], "stream_url": None, "status": "faulty",
        "retention_days": 31, "version": 1,
    }  # fmt: skip
    ptz = CameraRecord(
        id=3, number="C3", kind="ptz", heading=None, angle=None, range_m=None,
        presets=(PresetSpec("Bargate", 0, 60, 120), PresetSpec("East Street", 90, 40, 200)), **common,
    )  # fmt: skip
    door = CameraRecord(id=4, number="C4", kind="fixed", heading=180, angle=70, range_m=25, **common)
    assert camera_view(ptz) == CameraView(
        3, "C3", BARGATE[0], BARGATE[1], "faulty",
        (View(0, 60, 120, preset="Bargate"), View(90, 40, 200, preset="East Street")),
    )  # fmt: skip
    assert camera_view(door).views == (View(180, 70, 25),)
    (sighting,) = cameras_seeing(*at(92, 150), [camera_view(ptz), camera_view(door)])
    assert (sighting.camera.number, sighting.preset) == ("C3", "East Street")
