"""Cameras: "which cameras see this point" over 2,000 cameras, and coverage gaps over 5,000 segments.

2,000 cameras at random positions (fixed seed) in a 5 km square around Southampton's
city centre: nine in ten working, the rest faulty or offline; two in three fixed (one
view, 20–120°, 20–150 m), the rest PTZ/dome with 2–4 presets (some all-round). Each
repetition asks for a random point in the square.

- *which cameras*: ``CameraIndex.seeing`` (views in numpy arrays, built once) beside the
  brute-force baseline ``scan_cameras_seeing`` (every camera projected and checked in
  plain Python) in the same run. Both must give the same answer; the script checks
  that on the first 20 points before timing. Target: index median ≤ 2 ms.
- *coverage*: ``coverage()`` of 5,000 synthetic straight street segments (20–120 m from
  random points, within 10° of the four compass directions) by the working cameras,
  each run from nothing (views projected, paired through the STRtree, clipped).
  Baseline in the same run: the obvious way, one ``union_all`` of every drawn sector
  polygon and then each segment's intersection length with that union (grid metres,
  so its share may differ by the grid scale, ~0.04 %); the shares must agree to 0.1 %.
  Target: median ≤ 1 s.

Run: ``.venv/bin/python benchmarks/bench_cameras.py [--cameras 2000] [--segments 5000] [--reps 100]``
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence

import pyproj
import shapely
from benchlib import print_table, summary_ms, verdict

from controlroom.cameras.coverage import StreetSegment, coverage
from controlroom.cameras.geometry import CameraIndex, CameraView, View, grid_sectors, scan_cameras_seeing

SEED = 15
CENTRE = (50.9045, -1.4044)
HALF_SIDE_METRES = 2_500.0
WHICH_TARGET_MS = 2.0
COVERAGE_TARGET_MS = 1_000.0
COVERAGE_REPS = 3
HEADER = ["case", "size", "n", "median ms", "p95 ms", "max ms", "target", "verdict"]
GEOD = pyproj.Geod(ellps="WGS84")


def random_point(rng: random.Random) -> tuple[float, float]:
    east, north = (
        rng.uniform(-HALF_SIDE_METRES, HALF_SIDE_METRES),
        rng.uniform(-HALF_SIDE_METRES, HALF_SIDE_METRES),
    )
    lon, lat, _ = GEOD.fwd(CENTRE[1], CENTRE[0], 90, east)
    lon, lat, _ = GEOD.fwd(lon, lat, 0, north)
    return lat, lon


def make_cameras(count: int, rng: random.Random) -> list[CameraView]:
    cameras = []
    for n in range(1, count + 1):
        lat, lon = random_point(rng)
        status = rng.choices(["working", "faulty", "offline"], weights=[18, 1, 1])[0]
        if rng.random() < 2 / 3:
            views: tuple[View, ...] = (View(rng.uniform(0, 360), rng.uniform(20, 120), rng.uniform(20, 150)),)
        else:
            views = tuple(
                View(rng.uniform(0, 360), rng.choice([rng.uniform(30, 90), 360.0]), rng.uniform(40, 200),
                     preset=f"P{p}")
                for p in range(1, rng.randint(2, 4) + 1)
            )  # fmt: skip
        cameras.append(CameraView(n, f"C{n:04d}", lat, lon, status, views))
    return cameras


def make_segments(count: int, rng: random.Random) -> list[StreetSegment]:
    """Straight pieces 20–120 m long from random points, within 10° of north, east, south or west."""
    segments = []
    for n in range(count):
        a = random_point(rng)
        length, bearing = rng.uniform(20, 120), rng.choice([0, 90, 180, 270]) + rng.uniform(-10, 10)
        lon, lat, _ = GEOD.fwd(a[1], a[0], bearing, length)
        segments.append(StreetSegment(f"Street {n // 10}", a, (lat, lon)))
    return segments


def union_baseline(segments: Sequence[StreetSegment], cameras: Sequence[CameraView]) -> float:
    """Covered share the obvious way: one union of all sectors, intersected with every segment."""
    transformer = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    _, sectors = grid_sectors([c for c in cameras if c.status == "working"])
    union = shapely.union_all(sectors)
    coords = [[transformer.transform(p[1], p[0]) for p in (s.a, s.b)] for s in segments]
    lines = shapely.linestrings(coords)
    total = float(shapely.length(lines).sum())
    return float(shapely.length(shapely.intersection(lines, union)).sum()) / total


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def row(label: str, size: int, samples: list[float], target: float | None) -> list[object]:
    s = summary_ms(samples)
    return [
        label,
        size,
        len(samples),
        s["median"],
        s["p95"],
        s["max"],
        target or "-",
        verdict(s["median"], target),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=2000, help="cameras (default 2000)")
    parser.add_argument("--segments", type=int, default=5000, help="street segments (default 5000)")
    parser.add_argument("--reps", type=int, default=100, help="which-cameras queries, ≥ 50 (default 100)")
    args = parser.parse_args(argv)
    if args.reps < 50:
        parser.error("--reps must be at least 50")
    rng = random.Random(SEED)
    cameras = make_cameras(args.cameras, rng)
    points = [random_point(rng) for _ in range(args.reps)]
    started = time.perf_counter()
    index = CameraIndex(cameras)
    print(f"{len(cameras)} cameras, {sum(len(c.views) for c in cameras)} views; index built in "
          f"{(time.perf_counter() - started) * 1000:.1f} ms", flush=True)  # fmt: skip
    seen = 0
    for lat, lon in points[:20]:
        fast, slow = index.seeing(lat, lon), scan_cameras_seeing(lat, lon, cameras)
        assert [(s.camera.number, s.view) for s in fast] == [(s.camera.number, s.view) for s in slow], (
            "index and scan disagree"
        )
        seen += len(fast)
    print(f"on average {seen / 20:.1f} cameras see a random point")
    fast_samples, slow_samples = [], []
    for lat, lon in points:  # interleaved, so drift hits both alike
        fast_samples.append(timed(lambda la=lat, lo=lon: index.seeing(la, lo)))
        slow_samples.append(timed(lambda la=lat, lo=lon: scan_cameras_seeing(la, lo, cameras)))
    print_table(
        f"which cameras see a point, {len(cameras)} cameras",
        HEADER,
        [
            row("CameraIndex.seeing (numpy arrays)", len(cameras), fast_samples, WHICH_TARGET_MS),
            row("BASELINE scan of every camera", len(cameras), slow_samples, None),
        ],
    )
    segments = make_segments(args.segments, rng)
    result = coverage(segments, cameras)
    baseline_share = union_baseline(segments, cameras)
    print(f"\ncovered {result.share:.2%} of {result.street_metres / 1000:.1f} km of street "
          f"({len(result.gaps)} gaps); the union baseline says {baseline_share:.2%}")  # fmt: skip
    assert abs(result.share - baseline_share) < 0.001, "coverage and the union baseline disagree"
    cover_samples, union_samples = [], []
    for _ in range(COVERAGE_REPS):
        cover_samples.append(timed(lambda: coverage(segments, cameras)))
        union_samples.append(timed(lambda: union_baseline(segments, cameras)))
    print_table(
        f"coverage gaps, {len(cameras)} cameras over {len(segments)} segments",
        HEADER,
        [
            row("coverage() (STRtree pairs, intervals)", len(segments), cover_samples, COVERAGE_TARGET_MS),
            row("BASELINE union_all, then intersect", len(segments), union_samples, None),
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
