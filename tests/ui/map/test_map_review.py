"""What a review in a real window found on the map: clutter over incidents, a popup over half
the pane, a "+" that jumped three levels, no focus ring, text that hardly grew, G1 like G2.

Each test drives the real page in QtWebEngine and reads back what Chromium drew.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from tests.ui.conftest import js
from tests.ui.map.test_map_instrument import (
    LAT,
    LON,
    VISIBLE_LABEL_BOXES,
    incident,
    reset,
    settled,
    snapshot,
    view_state,
)
from tests.ui.waits import wait_until
from ui.common import theme
from ui.map.view import MapView

MARKER_BOXES = """(function () {
  var boxes = [];
  function add(n) {
    var r = n.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) { boxes.push({left: r.left, top: r.top, right: r.right, bottom: r.bottom,
      what: n.getAttribute('class') || n.tagName}); }
  }
  document.querySelectorAll('path[data-incident], .cr-safe-body, .cr-unit-shape, .cr-flag, .cr-cluster-body')
    .forEach(add);
  return boxes;
})()"""

# Venues from the demo's part of town: safe spaces and units where the street names are.
SAFE_SPACES = [
    {"id": 100 + n, "name": f"Haven {n}", "lat": lat, "lon": lon, "is_safe_space": True,
     "safe_space_status": "open"}
    for n, (lat, lon) in enumerate(
        [(50.9055, -1.4044), (50.9016, -1.4015), (50.9122, -1.4095), (50.9080, -1.4060), (50.9030, -1.4030)]
    )
]  # fmt: skip
UNITS = [
    {"id": n, "callsign": f"SN-{n:02d}", "kind": "police_foot", "status": "available", "lat": lat, "lon": lon,
     "position_at": "2999-01-01T00:00:00+00:00"}
    for n, (lat, lon) in enumerate([(50.9050, -1.4040), (50.9100, -1.4080), (50.9020, -1.4020)])
]  # fmt: skip


def intersecting(labels: list[dict[str, Any]], markers: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (label["text"], marker["what"])
        for label in labels
        for marker in markers
        if label["left"] < marker["right"]
        and marker["left"] < label["right"]
        and label["top"] < marker["bottom"]
        and marker["top"] < label["bottom"]
    ]


def test_one_zoom_step_is_one_level_with_or_without_shift(map_view: MapView, qtbot: Any) -> None:
    before = view_state(map_view, qtbot)["zoom"]
    map_view.focusProxy().setFocus()
    wait_until(qtbot, lambda: js(map_view, qtbot, "document.hasFocus()") is True, "the page has the keyboard")
    js(map_view, qtbot, "document.querySelector('.leaflet-container').focus() || true")
    # "+" is Shift+= on most keyboards; Leaflet tripled a step with Shift.
    QTest.keyClick(map_view.focusProxy(), Qt.Key.Key_Plus, Qt.KeyboardModifier.ShiftModifier, 0)
    wait_until(qtbot, lambda: view_state(map_view, qtbot)["zoom"] != before, "the map zoomed in")
    assert 0 < view_state(map_view, qtbot)["zoom"] - before <= 1

    stepped = view_state(map_view, qtbot)["zoom"]
    button = js(
        map_view,
        qtbot,
        "(function () { var r = document.querySelector('.leaflet-control-zoom-in').getBoundingClientRect();"
        " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()",
    )
    QTest.mouseClick(
        map_view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
        QPoint(round(button["x"]), round(button["y"])),
    )  # fmt: skip
    wait_until(qtbot, lambda: view_state(map_view, qtbot)["zoom"] != stepped, "the + button zoomed in")
    assert 0 < view_state(map_view, qtbot)["zoom"] - stepped <= 1


def test_no_name_sits_under_a_marker(map_view: MapView, qtbot: Any) -> None:
    places = [(50.9058, -1.4048), (50.9019, -1.4019)]
    incidents = [incident(n, lat, lon) for n, (lat, lon) in enumerate(places)]
    reset(map_view, qtbot, incidents=incidents, venues=SAFE_SPACES, units=UNITS)
    for zoom in (None, 16.5):
        if zoom is not None:
            js(map_view, qtbot, f"controlroom.setView({LAT}, {LON}, {zoom})")
        settled(map_view, qtbot)
        markers = js(map_view, qtbot, MARKER_BOXES)
        assert len(markers) >= len(SAFE_SPACES) + len(UNITS)
        wait_until(
            qtbot,
            lambda: (
                intersecting(js(map_view, qtbot, VISIBLE_LABEL_BOXES), js(map_view, qtbot, MARKER_BOXES))
                == []
            ),
            "every name beside the markers, none under one",
        )
        assert len(js(map_view, qtbot, VISIBLE_LABEL_BOXES)) >= 5  # names still show


def test_an_alerting_grade_1_is_ringed_above_everything_even_in_a_cluster(
    map_view: MapView, qtbot: Any
) -> None:
    # A new G1 at a safe space, a unit standing on it, two G2s at the same place (one cluster).
    haven = SAFE_SPACES[0]
    unit = {**UNITS[0], "lat": haven["lat"], "lon": haven["lon"]}
    reset(
        map_view, qtbot, venues=[haven], units=[unit],
        incidents=[incident(1, grade=1), incident(2, grade=2), incident(3, grade=2)],
    )  # fmt: skip
    js(map_view, qtbot, "controlroom.apply(JSON.stringify({type: 'alerts', ids: [1, 2]})) || true")
    wait_until(
        qtbot,
        lambda: js(map_view, qtbot, "controlroom.marks()")["beacons"] == [{"level": "g1", "pane": "alerts"}],
        "one G1 beacon on the cluster holding the G1 and the G2s",
    )
    panes = js(
        map_view,
        qtbot,
        "['alerts', 'safeSpaces', 'flags', 'units', 'incidents'].map(p =>"
        " Number(getComputedStyle(document.querySelector('.leaflet-' + p + '-pane')).zIndex))",
    )
    assert panes[0] > max(panes[1:])
    assert panes[3] < panes[4]  # a unit never covers an incident

    # Alone, a G2's ring is smaller and dashed: not the G1's.
    js(map_view, qtbot, "controlroom.apply(JSON.stringify({type: 'alerts', ids: [2]})) || true")
    wait_until(
        qtbot,
        lambda: js(map_view, qtbot, "controlroom.marks()")["beacons"] == [{"level": "g2", "pane": "alerts"}],
        "a G2 beacon only",
    )
    style = "getComputedStyle(document.querySelector('.cr-beacon-g2 .cr-mark-ring')).borderStyle"
    g2 = js(map_view, qtbot, style)
    assert g2 in {"dashed", "solid"}  # it blinks between the two
    js(map_view, qtbot, "controlroom.apply(JSON.stringify({type: 'alerts', ids: [1]})) || true")
    g1 = "document.querySelector('.cr-beacon-g1') !== null"
    wait_until(qtbot, lambda: js(map_view, qtbot, g1) is True, "the G1 ring")
    width = "document.querySelector('.cr-mark-ring').getBoundingClientRect().width"
    assert js(map_view, qtbot, width) >= 40 > 30


def test_selecting_from_the_list_rings_the_marker_with_a_brief_popup(map_view: MapView, qtbot: Any) -> None:
    map_view.bridge.reset([snapshot(1), snapshot(2, LAT + 0.0001)], [])  # a cluster of two
    before = view_state(map_view, qtbot)
    map_view.bridge.select_incident(1)
    wait_until(qtbot, lambda: js(map_view, qtbot, "controlroom.popupKind()") == "brief", "a brief popup")
    assert js(map_view, qtbot, "controlroom.openIncident()") == 1
    after = view_state(map_view, qtbot)
    assert after["zoom"] == before["zoom"] and after["atOverview"] is True
    popup = js(
        map_view,
        qtbot,
        "(function () { var r = document.querySelector('.leaflet-popup').getBoundingClientRect();"
        " return r.width * r.height; })()",
    )
    assert popup < 0.12 * 800 * 600
    ring = js(map_view, qtbot, "controlroom.marks()")["selection"]
    point = js(map_view, qtbot, "controlroom.incidentPoint(1)")  # fanned out of its cluster
    assert abs(ring["x"] - point["x"]) < 1 and abs(ring["y"] - point["y"]) < 1

    map_view.focusProxy().setFocus()
    wait_until(qtbot, lambda: js(map_view, qtbot, "document.hasFocus()") is True, "the page has the keyboard")
    js(map_view, qtbot, "document.querySelector('.leaflet-container').focus() || true")
    QTest.keyClick(map_view.focusProxy(), Qt.Key.Key_Return)
    kind = "controlroom.popupKind()"
    wait_until(qtbot, lambda: js(map_view, qtbot, kind) == "full", "Enter: the full popup")
    QTest.keyClick(map_view.focusProxy(), Qt.Key.Key_Home)
    opened = "controlroom.openIncident()"
    wait_until(qtbot, lambda: js(map_view, qtbot, opened) is None, "Home closed the popup")
    assert view_state(map_view, qtbot)["atOverview"] is True


def test_text_scale_grows_names_marker_text_and_legend(map_view: MapView, qtbot: Any) -> None:
    reset(map_view, qtbot, venues=SAFE_SPACES, units=UNITS, incidents=[incident(1), incident(2)])
    sizes = """(function () {
      function size(sel) { return parseFloat(getComputedStyle(document.querySelector(sel)).fontSize); }
      return {label: size('.cr-label-street'), unit: size('.cr-unit-body'), safe: size('.cr-safe-body'),
        cluster: size('.cr-cluster-body'), legend: size('.cr-legend-name')};
    })()"""
    js(map_view, qtbot, f"controlroom.setView({LAT}, {LON}, 16.5)")  # close enough for callsigns
    settled(map_view, qtbot)
    before = js(map_view, qtbot, sizes)
    assert before["label"] >= 13
    map_view.bridge.set_label_scale(1.4)
    wait_until(qtbot, lambda: js(map_view, qtbot, sizes)["label"] > before["label"], "the names grew")
    after = js(map_view, qtbot, sizes)
    assert all(after[k] >= 1.3 * before[k] for k in before), (before, after)


def test_a_held_overview_refits_when_the_pane_resizes_and_a_moved_one_stays(
    map_view: MapView, qtbot: Any
) -> None:
    assert js(map_view, qtbot, "controlroom.overviewHeld()") is True
    map_view.bridge.set_label_scale(1.4)
    map_view.resize(640, 480)  # the docks shrink the pane as the text grows
    wait_until(qtbot, lambda: js(map_view, qtbot, "controlroom.overviewBox()")["paneWidth"] == 640, "resized")
    wait_until(qtbot, lambda: view_state(map_view, qtbot)["atOverview"], "the overview refitted")
    fitted = view_state(map_view, qtbot)["zoom"]

    js(map_view, qtbot, f"controlroom.setView({LAT}, {LON}, {fitted + 1})")  # the operator zoomed in
    settled(map_view, qtbot)
    map_view.bridge.set_label_scale(1.0)
    map_view.resize(800, 600)
    wait_until(qtbot, lambda: js(map_view, qtbot, "controlroom.overviewBox()")["paneWidth"] == 800, "resized")
    settled(map_view, qtbot)
    assert view_state(map_view, qtbot)["zoom"] == fitted + 1  # the operator's view stays
    map_view.bridge.show_overview()
    wait_until(qtbot, lambda: view_state(map_view, qtbot)["atOverview"], "show_overview() restored it")


def test_the_map_pane_shows_a_focus_ring_when_it_has_the_keyboard(map_view: MapView, qtbot: Any) -> None:
    ring = "getComputedStyle(document.querySelector('.leaflet-container')).outlineColor"
    map_view.focusProxy().setFocus()
    wait_until(
        qtbot,
        lambda: js(map_view, qtbot, "document.querySelector('.leaflet-container').classList"
                   ".contains('cr-page-focused')") is True,
        "the map shows it has the keyboard",
    )  # fmt: skip
    accent = QColor(theme.ACCENT)
    assert js(map_view, qtbot, ring) == f"rgb({accent.red()}, {accent.green()}, {accent.blue()})"
