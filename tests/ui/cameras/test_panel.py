"""The Cameras panel in the real window: the register from the feed, a fault arriving, the coverage figure."""

from __future__ import annotations

import re
from typing import Any

import shiboken6
from PySide6.QtCore import Qt

from controlroom.cameras.coverage import coverage, shipped_street_segments
from controlroom.cameras.records import CameraSpec, PresetSpec
from controlroom.cameras.which import usable_views
from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from tests.ui.conftest import cli
from tests.ui.waits import wait_until
from ui.cameras.gateway import CameraGateway
from ui.cameras.panel import FAULT, NUMBER, STATUS, TASKED, CamerasPanel, coverage_words

COVERAGE = re.compile(r"Streets covered by working cameras: (\d+) % of (\d+\.\d) km")
# Above Bar Street, looking along it both ways: it sees street the shipped layer has.
BARGATE = CameraSpec(
    "TST2",
    "Above Bar north",
    "police",
    50.9060,
    -1.4044,
    "ptz",
    presets=(PresetSpec("North", 0.0, 360.0, 150.0),),
)


def expected_figure(panel: Any) -> str:
    """The figure worked out here, on this thread, from the cameras the panel shows."""
    return coverage_words(coverage(shipped_street_segments(), usable_views(panel.model.cameras())))


def row_texts(panel: Any, number: str) -> dict[int, str] | None:
    model = panel.model
    for row in range(model.rowCount()):
        if model.index(row, NUMBER).data() == number:
            return {column: model.index(row, column).data() for column in (NUMBER, STATUS, FAULT, TASKED)}
    return None


def test_the_panel_shows_the_register_and_follows_a_fault_without_a_reset(
    demo_url: str, open_window: Any, arun: Any, qtbot: Any, qtmodeltester: Any
) -> None:
    cli(demo_url, "camera", "add", "TST1", "--name", "Bargate door", "--owner", "council", "--kind", "fixed",
        "--at", "50.9040,-1.4040", "--heading", "90", "--angle", "60", "--range", "80")  # fmt: skip
    window = open_window(demo_url)
    panel = window.cameras
    wait_until(qtbot, lambda: row_texts(panel, "TST1") is not None, "TST1 from the feed's snapshot")
    wait_until(qtbot, lambda: panel.coverage.text() == expected_figure(panel), "the coverage figure")
    before = panel.coverage.text()
    resets: list[int] = []
    panel.model.modelReset.connect(lambda: resets.append(1))

    arun(window.commands.add_camera(BARGATE))
    wait_until(qtbot, lambda: row_texts(panel, "TST2") is not None, "TST2 arrived as a diff")
    wait_until(qtbot, lambda: panel.coverage.text() == expected_figure(panel), "the figure with TST2")
    with_tst2 = panel.coverage.text()
    arun(window.commands.report_camera_fault("TST2", "no picture since 22:10"))
    wait_until(
        qtbot, lambda: (row_texts(panel, "TST2") or {}).get(STATUS) == "⚠ faulty", "TST2 marked faulty"
    )

    assert row_texts(panel, "TST2") == {
        NUMBER: "TST2",
        STATUS: "⚠ faulty",
        FAULT: "no picture since 22:10",
        TASKED: "",
    }
    row = panel.model.row_of(next(c.id for c in panel.model.cameras() if c.number == "TST2"))
    assert panel.model.index(row, STATUS).data(Qt.ItemDataRole.ForegroundRole) is not None
    wait_until(
        qtbot, lambda: panel.coverage.text() == before, "a faulty camera covers nothing: the figure as before"
    )
    assert COVERAGE.fullmatch(before) and COVERAGE.fullmatch(with_tst2)
    assert resets == []
    qtmodeltester.check(panel.model, force_py=True)
    numbers = [c.number for c in panel.model.cameras()]
    assert numbers == sorted(numbers, key=str.casefold)


def test_a_coverage_figure_finishing_after_the_panel_has_gone_is_dropped(
    sqlite_url: str, arun: Any, qtbot: Any
) -> None:
    db = Database(sqlite_url)
    panel = CamerasPanel(CameraGateway(Commands(db, Actor("test-operator"))))
    figure = panel.recompute_coverage()
    shiboken6.delete(panel)  # the window closed while the worker thread was counting
    wait_until(qtbot, figure.done, "the figure's task finished")
    assert figure.exception() is None  # no write to a label that is gone
    arun(db.dispose())
