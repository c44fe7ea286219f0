"""The window's dispatch suggestions route on a road network imported while it is open."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from controlroom.core.snapshots import UnitSnapshot
from controlroom.patrols.routing import StreetGraph
from tests.core.geo.files import write_geopackage
from tests.ui.conftest import cli
from tests.ui.waits import wait_until
from ui.patrols.dispatch_dialog import DispatchDialog, DispatchTarget

SINCE = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
# Both on the imported service road east of the shipped streets (well over 150 m from them).
TARGET, UNIT_AT = (50.9058, -1.3950), (50.9051, -1.3950)


def test_dispatch_ranks_on_the_roads_imported_while_the_window_is_open(
    sqlite_url: str, open_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = open_window(sqlite_url)
    wait_until(qtbot, lambda: window.street_network.graph is StreetGraph.load(), "the shipped streets loaded")
    unit = UnitSnapshot(
        id=1, callsign="SN-01", kind="police_foot", agency="Hampshire", status="available",
        lat=UNIT_AT[0], lon=UNIT_AT[1], position_at=SINCE, status_since=SINCE, incident_id=None,
        flag_id=None, version=1,
    )  # fmt: skip
    target = DispatchTarget("Dispatch", "here", TARGET[0], TARGET[1], category=None, grade=None)
    before = DispatchDialog(window.commands, target, [unit], window)
    qtbot.addWidget(before)
    assert not before.recommendations[0].on_network  # nowhere near a shipped street

    cli(sqlite_url, "geo", "import-roads", str(write_geopackage(tmp_path / "roads.gpkg")))
    wait_until(
        qtbot,
        lambda: window.street_network.graph is not StreetGraph.load(),
        "the imported network was built after the feed reported the import",
        timeout=15000,
    )
    after = DispatchDialog(window.commands, target, [unit], window)
    qtbot.addWidget(after)
    best = after.recommendations[0]
    assert best.on_network
    assert abs(best.metres - 77.8) < 1.0  # 0.0007° of latitude along the service road
    assert window.street_network.graph.graph.number_of_edges() == 5  # the file's three roads, clipped
