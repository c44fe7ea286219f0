"""``CoverageGaps``: worked out again only when a view or a status changes, once per burst."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from controlroom.cameras.coverage import StreetSegment
from controlroom.core.snapshots import CameraSnapshot, Change
from tests.ui.waits import wait_until
from ui.map.camera_layer import CoverageGaps

# About 140 m of street running east; C1 looks east along it from its west end (80 m),
# C2 west from its east end (40 m): some 20 m in the middle nobody sees.
STREET = StreetSegment("High Street", (50.9040, -1.4040), (50.9040, -1.4020))


def camera(n: int, lon: float, heading: float, range_m: float, **changes: Any) -> CameraSnapshot:
    base = CameraSnapshot(
        id=n, number=f"C{n}", name=f"Camera {n}", owner="council", venue_id=None, lat=50.9040, lon=lon,
        kind="fixed", heading=heading, angle=60, range_m=range_m, stream_url=None, status="working",
        retention_days=31, version=1,
    )  # fmt: skip
    return replace(base, **changes)


def upsert(snapshot: CameraSnapshot) -> Change:
    return Change(seq=1, entity="camera", op="upsert", entity_id=snapshot.id, camera=snapshot)


@pytest.fixture
def gaps(qtbot: Any, arun: Any) -> Any:
    async def streets() -> list[StreetSegment]:
        return [STREET]

    layer = CoverageGaps(streets=streets, debounce_ms=50)
    answers: list[dict[str, Any]] = []
    layer.sig_computed.connect(answers.append)
    yield layer, answers
    wait_until(qtbot, lambda: not layer.busy, "the last computation finished")


def test_only_a_moved_view_or_a_new_status_computes_again_and_a_burst_once(qtbot: Any, gaps: Any) -> None:
    layer, answers = gaps
    c1, c2 = camera(1, -1.4040, 90, 80), camera(2, -1.4020, 270, 40)
    layer.reset([c1, c2])
    wait_until(qtbot, lambda: len(answers) == 1, "the first answer")
    first = answers[0]
    assert first["type"] == "camera_coverage" and 0.8 < first["share"] < 0.9
    assert len(first["gaps"]) == 1  # the middle stretch, as one [[lat, lon], [lat, lon]] line

    layer.apply([upsert(replace(c1, name="Renamed", version=2))])  # nothing the coverage depends on
    assert not layer.busy

    # A fault and a turned camera in quick succession: one computation, with both.
    layer.apply([upsert(replace(c2, status="faulty", version=2))])
    layer.apply([upsert(replace(c1, heading=270, version=3))])  # now looking away from the street
    wait_until(qtbot, lambda: not layer.busy, "the burst computed")
    assert len(answers) == 2
    assert answers[1]["share"] == 0 and answers[1]["covered_metres"] == 0
