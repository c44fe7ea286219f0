"""Coverage gaps: covered share of street length and the stretches no working camera sees."""

from __future__ import annotations

import pyproj
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from controlroom.cameras.coverage import StreetSegment, coverage, shipped_street_segments, street_segments
from controlroom.cameras.geometry import CameraView, View, grid_sectors

GEOD = pyproj.Geod(ellps="WGS84")
WEST_END = (50.9045, -1.4100)


def at(bearing: float, metres: float, origin: tuple[float, float] = WEST_END) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(origin[1], origin[0], bearing, metres)
    return lat, lon


STREET = [StreetSegment("Straight Street", WEST_END, at(90, 200))]  # 200 m due east


def camera(number: int, where: tuple[float, float], heading: float, angle: float, range_m: float,
           status: str = "working") -> CameraView:  # fmt: skip
    return CameraView(number, f"C{number}", where[0], where[1], status, (View(heading, angle, range_m),))


def test_a_camera_in_the_middle_looking_along_one_half_covers_half_the_street() -> None:
    result = coverage(STREET, [camera(1, at(90, 100), heading=90, angle=90, range_m=150)])
    assert result.street_metres == pytest.approx(200, abs=0.01)
    assert result.covered_metres == pytest.approx(100, abs=0.05)
    assert result.share == pytest.approx(0.5, abs=0.001)
    (gap,) = result.gaps
    assert gap.name == "Straight Street"
    assert gap.a == WEST_END
    assert gap.metres == pytest.approx(100, abs=0.05)
    assert GEOD.inv(gap.b[1], gap.b[0], *at(90, 100)[::-1])[2] < 0.05


def test_range_cuts_the_street_where_the_view_ends() -> None:
    result = coverage(STREET, [camera(1, WEST_END, heading=90, angle=30, range_m=100)])
    assert result.share == pytest.approx(0.5, abs=0.001)
    (gap,) = result.gaps
    assert gap.metres == pytest.approx(100, abs=0.05)
    assert gap.b == STREET[0].b


def test_overlapping_views_count_the_street_once() -> None:
    cameras = [
        camera(1, WEST_END, heading=90, angle=30, range_m=100),  # 0–100 m
        camera(2, at(90, 50), heading=90, angle=30, range_m=100),  # 50–150 m
    ]
    result = coverage(STREET, cameras)
    assert result.covered_metres == pytest.approx(150, abs=0.1)
    assert [round(g.metres) for g in result.gaps] == [50]


def test_faulty_and_offline_cameras_cover_nothing() -> None:
    cameras = [
        camera(1, at(90, 100), heading=0, angle=360, range_m=500, status="faulty"),
        camera(2, at(90, 100), heading=0, angle=360, range_m=500, status="offline"),
    ]
    result = coverage(STREET, cameras)
    assert result.share == 0
    (gap,) = result.gaps
    assert (gap.a, gap.b) == (STREET[0].a, STREET[0].b)


def test_a_camera_looking_away_covers_nothing_and_one_all_round_covers_everything() -> None:
    assert coverage(STREET, [camera(1, at(90, 100), heading=0, angle=60, range_m=500)]).share == 0
    everything = coverage(STREET, [camera(2, at(90, 100), heading=0, angle=360, range_m=150)])
    assert everything.share == pytest.approx(1.0)
    assert everything.gaps == ()


def test_the_shipped_street_layer_is_cut_into_street_segments_without_the_parks() -> None:
    segments = shipped_street_segments()
    assert len(segments) > 20
    assert "Above Bar Street" in {s.name for s in segments}
    park = {
        "type": "Feature", "properties": {"name": "Hoglands", "kind": "park"},
        "geometry": {"type": "LineString", "coordinates": [[-1.40, 50.90], [-1.39, 50.90]]},
    }  # fmt: skip
    street = {
        "type": "Feature", "properties": {"name": "Bar", "kind": "street"},
        "geometry": {"type": "LineString", "coordinates": [[-1.40, 50.90], [-1.39, 50.91]]},
    }  # fmt: skip
    assert street_segments({"features": [park, street]}) == [
        StreetSegment("Bar", (50.90, -1.40), (50.91, -1.39))
    ]
    with pytest.raises(ValueError, match="not a GeoJSON FeatureCollection"):
        street_segments({"type": "Feature"})


views = st.builds(View, heading=st.floats(0, 359.99), angle=st.floats(1, 360), range_m=st.floats(10, 300))
placed = st.tuples(st.floats(0, 360), st.floats(0, 250))  # bearing and metres from WEST_END


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(placed, st.lists(views, min_size=1, max_size=3)), min_size=1, max_size=8),
    st.lists(st.tuples(placed, placed), min_size=1, max_size=8),
)
def test_exact_clipping_agrees_with_the_union_of_drawn_sector_polygons(
    camera_specs: list[tuple[tuple[float, float], list[View]]],
    segment_specs: list[tuple[tuple[float, float], tuple[float, float]]],
) -> None:
    cameras = [
        CameraView(n, f"C{n}", *at(*where), "working", tuple(camera_views))
        for n, (where, camera_views) in enumerate(camera_specs, start=1)
    ]
    segments = [StreetSegment("S", at(*a), at(*b)) for a, b in segment_specs]
    assume(all(GEOD.inv(s.a[1], s.a[0], s.b[1], s.b[0])[2] > 1 for s in segments))
    result = coverage(segments, cameras)
    to_grid = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    lines = shapely.linestrings([[to_grid.transform(p[1], p[0]) for p in (s.a, s.b)] for s in segments])
    _, sectors = grid_sectors(cameras)
    union = shapely.union_all(sectors)
    grid_share = shapely.length(shapely.intersection(lines, union)).sum() / shapely.length(lines).sum()
    # Drawn arcs are chords every 2°: they fall inside the true arc by up to 0.015 % of the range.
    assert result.share == pytest.approx(grid_share, abs=0.002)
    assert result.covered_metres + sum(g.metres for g in result.gaps) <= result.street_metres + 0.01
