"""The zone form warns when its words name a street the plan shows outside the drawn area (#13)."""

from __future__ import annotations

import json
from typing import Any

from tests.ui.dispersal.test_dispersal_window import as_user
from tests.ui.waits import wait_until

# Bedford Place and London Road (as the demo's zone); High Street lies well south of it.
DRAWN = [[50.9100, -1.4100], [50.9100, -1.4025], [50.9175, -1.4020], [50.9175, -1.4100]]


def test_words_naming_a_street_outside_the_drawing_are_warned_not_refused(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url, actor=as_user(demo_url, "supervisor"))
    task = window.dispersal_actions.new_zone()
    wait_until(qtbot, task.done, "the zone form opened")
    dialog = task.result()
    window.map.bridge.sig_zone_drawn.emit(json.dumps(DRAWN))
    dialog.area.setText("Bedford Place and London Road")
    assert dialog.area_warning.text() == ""
    dialog.area.setText("Bedford Place, London Road and High Street")
    wait_until(qtbot, lambda: "High Street" in dialog.area_warning.text(), "the warning names the street")
    assert "outside the area drawn" in dialog.area_warning.text()
    assert "Bedford Place" not in dialog.area_warning.text()
    dialog.area.clear()  # no words: the notice says "the area shaded on the plan"
    assert dialog.area_warning.text() == ""
    dialog.reject()
