"""Hotspots: the density peaks where the points cluster, the bandwidth is stated, and the
harm weights reorder the repeat-location table."""

from __future__ import annotations

import math
import random

import pytest

from controlroom.core.errors import ValidationError
from controlroom.reports.hotspots import hotspots

CLUSTER = (50.9060, -1.4044)  # Above Bar Street
FAR = (50.9000, -1.3950)  # about 900 m to the south-east


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot((a[0] - b[0]) * 111_320, (a[1] - b[1]) * 111_320 * math.cos(math.radians(a[0])))


def test_a_cluster_holds_the_densest_cell_and_the_top_square_and_the_bandwidth_is_stated() -> None:
    rng = random.Random(7)
    points = [(CLUSTER[0] + rng.gauss(0, 0.0002), CLUSTER[1] + rng.gauss(0, 0.0003)) for _ in range(40)]
    points += [(50.895 + rng.random() * 0.02, -1.42 + rng.random() * 0.03) for _ in range(20)]

    chosen = hotspots(points, bandwidth_m=120)
    densest = chosen.cells[0]
    centre = (sum(p[0] for p in densest.ring) / 4, sum(p[1] for p in densest.ring) / 4)
    assert _metres(centre, CLUSTER) < 60
    assert densest.share_of_peak == 1.0
    assert _metres(chosen.top_by_count[0].centre, CLUSTER) < 150
    assert chosen.top_by_count[0].incidents >= 20
    assert "bandwidth 120 m (chosen)" in chosen.stated

    scott = hotspots(points)
    assert scott.bandwidth_rule == "Scott's rule" and 50 <= scott.bandwidth_m <= 400
    assert f"bandwidth {scott.bandwidth_m:.0f} m (Scott's rule)" in scott.stated


def test_grades_reorder_the_harm_ranking_but_not_the_count_ranking() -> None:
    # Five Grade 4 incidents in one place, two Grade 1 in another: 5 against 2 on count,
    # but 5 × 1 = 5 against 2 × 4 = 8 on harm.
    points = [CLUSTER, FAR]
    spots = hotspots(points, weights=[5, 2], grades=[4, 1])
    assert [c.incidents for c in spots.top_by_count] == [5, 2]
    assert _metres(spots.top_by_count[0].centre, CLUSTER) < 150
    assert [c.harm for c in spots.top_by_harm] == [8, 5]
    assert _metres(spots.top_by_harm[0].centre, FAR) < 150


def test_no_points_and_an_unusable_bandwidth() -> None:
    assert hotspots([]).cells == ()
    with pytest.raises(ValidationError, match="outside 10-2000 m"):
        hotspots([CLUSTER], bandwidth_m=5000)
