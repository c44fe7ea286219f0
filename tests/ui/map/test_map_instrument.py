"""The map as the instrument: a filled overview, readable labels, clusters, shapes, a legend.

Each test drives the real page in QtWebEngine through the bridge (as the window does)
and reads what Chromium drew back from the page.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from controlroom.core.snapshots import Change, IncidentSnapshot
from tests.ui.conftest import js
from tests.ui.waits import wait_until
from ui.common import theme
from ui.map.view import MapView

# On Above Bar Street, in the middle of the street layer (the overview).
LAT, LON = 50.9055, -1.4044
# North of every street: outside the overview at any pane size used here.
FAR_LAT, FAR_LON = 50.9215, -1.4000

VISIBLE_LABEL_BOXES = """(function () {
  return Array.from(document.querySelectorAll('.cr-label')).filter(function (n) {
    var box = n.closest('.leaflet-tooltip');
    return getComputedStyle(n).visibility === 'visible' && n.getClientRects().length > 0
      && !(box && box.style.opacity === '0');
  }).map(function (n) {
    var r = n.getBoundingClientRect();
    return {text: n.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
      size: parseFloat(getComputedStyle(n).fontSize)};
  });
})()"""


def incident(n: int, lat: float = LAT, lon: float = LON, grade: int | None = 3) -> dict[str, Any]:
    return {"id": n, "reference": f"SOT-{n:04d}", "lat": lat, "lon": lon, "grade": grade, "status": "new"}


def snapshot(n: int, lat: float = LAT, lon: float = LON, grade: int | None = 3) -> IncidentSnapshot:
    return IncidentSnapshot(
        id=n, reference=f"SOT-{n:04d}", reported_at=datetime.now(UTC), source="cctv", category="other",
        grade=grade, status="new", venue_id=None, place=f"Place {n}", lat=lat, lon=lon, summary="", version=1,
    )  # fmt: skip


def apply(view: MapView, qtbot: Any, message: dict[str, Any]) -> None:
    js(view, qtbot, f"controlroom.apply({json.dumps(json.dumps(message))}) || true")


def reset(view: MapView, qtbot: Any, **layers: list[dict[str, Any]]) -> None:
    message: dict[str, Any] = {"type": "reset", "incidents": [], "venues": [], "units": [], "flags": []}
    apply(view, qtbot, {**message, **layers})


def settled(view: MapView, qtbot: Any) -> None:
    wait_until(qtbot, lambda: js(view, qtbot, "controlroom.isMoving()") is False, "the map stopped moving")


def view_state(view: MapView, qtbot: Any) -> dict[str, Any]:
    settled(view, qtbot)
    state: dict[str, Any] = js(view, qtbot, "controlroom.view()")
    return state


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["left"] < b["right"]
                and b["left"] < a["right"]
                and a["top"] < b["bottom"]
                and b["top"] < a["bottom"]
            ):
                pairs.append((a["text"], b["text"]))
    return pairs


def fills(box: dict[str, float]) -> float:
    return max(box["width"] / box["paneWidth"], box["height"] / box["paneHeight"])


def test_the_overview_fills_the_pane_and_follows_its_size(map_view: MapView, qtbot: Any) -> None:
    first = js(map_view, qtbot, "controlroom.overviewBox()")
    assert fills(first) >= 0.8, first
    zoom = view_state(map_view, qtbot)["zoom"]
    assert zoom != int(zoom) or fills(first) >= 0.9  # fractional zoom, not a whole level down

    map_view.resize(500, 900)
    wait_until(
        qtbot,
        lambda: js(map_view, qtbot, "controlroom.overviewBox()")["paneWidth"] == 500,
        "the page saw the narrower pane",
    )
    wait_until(
        qtbot,
        lambda: fills(js(map_view, qtbot, "controlroom.overviewBox()")) >= 0.8,
        "the overview refitted to fill the tall, narrow pane",
    )
    assert view_state(map_view, qtbot)["atOverview"] is True


def test_no_two_visible_labels_overlap_and_each_street_has_its_own_place(
    map_view: MapView, qtbot: Any
) -> None:
    boxes = js(map_view, qtbot, VISIBLE_LABEL_BOXES)
    assert overlapping(boxes) == []
    assert min(b["size"] for b in boxes) >= 13
    assert len(boxes) >= 10  # at the overview, most names still fit beside the legend

    # The collisions an operator met: East Street under Queensway, "CarltonPlace Place".
    # One step closer than the overview, both pairs read apart.
    for lat, lon, pair in [(50.9016, -1.4015, {"East Street", "Queensway"}),
                           (50.9122, -1.4095, {"Carlton Place", "Bedford Place"})]:  # fmt: skip
        js(map_view, qtbot, f"controlroom.setView({lat}, {lon}, 15.5)")
        wait_until(
            qtbot,
            lambda pair=pair: pair <= {b["text"] for b in js(map_view, qtbot, VISIBLE_LABEL_BOXES)},
            f"both of {sorted(pair)} are shown",
        )
        assert overlapping(js(map_view, qtbot, VISIBLE_LABEL_BOXES)) == []
    map_view.bridge.show_overview()

    venues = [
        {"id": n, "name": f"The Long Venue Name Number {n}", "lat": LAT + (n % 6) * 0.0008,
         "lon": LON + (n // 6) * 0.0008, "is_safe_space": n % 3 == 0, "safe_space_status": "open"}
        for n in range(24)
    ]  # fmt: skip
    reset(map_view, qtbot, venues=venues)
    js(map_view, qtbot, "controlroom.apply(JSON.stringify({type: 'scale', factor: 1.4})) || true")
    wait_until(
        qtbot,
        lambda: (b := js(map_view, qtbot, VISIBLE_LABEL_BOXES)) and overlapping(b) == [],
        "no two visible labels overlap with 24 venues and 1.4x text",
    )
    crowded = js(map_view, qtbot, VISIBLE_LABEL_BOXES)
    assert any(b["text"].startswith("The Long Venue") for b in crowded)  # safe spaces outrank streets
    assert min(b["size"] for b in crowded) >= 13 * 1.4 - 0.01


def test_three_incidents_at_one_place_are_one_cluster_that_fans_out_on_click(
    map_view: MapView, qtbot: Any
) -> None:
    reset(map_view, qtbot, incidents=[incident(1), incident(2), incident(3, grade=1)])
    cluster = "Array.from(document.querySelectorAll('.cr-cluster')).map(e => e.textContent)"
    wait_until(qtbot, lambda: js(map_view, qtbot, cluster) == ["3"], "one cluster counting 3")
    assert js(map_view, qtbot, "document.querySelector('.cr-cluster').classList.contains('cr-cluster-1')")
    zoom = view_state(map_view, qtbot)["zoom"]

    centre = js(
        map_view,
        qtbot,
        "(function () { var r = document.querySelector('.cr-cluster-body').getBoundingClientRect();"
        " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()",
    )
    QTest.mouseClick(
        map_view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
        QPoint(round(centre["x"]), round(centre["y"])),
    )  # fmt: skip
    drawn = "document.querySelectorAll('path[data-incident]').length"
    wait_until(qtbot, lambda: js(map_view, qtbot, drawn) == 3, "the cluster fanned out into 3 markers")
    assert view_state(map_view, qtbot)["zoom"] == zoom


def test_flags_and_safe_spaces_are_never_under_incidents(map_view: MapView, qtbot: Any) -> None:
    flag = {"id": 5, "lat": LAT, "lon": LON, "active": True, "expires_at": "2999-01-01T00:00:00+00:00"}
    safe = {"id": 9, "name": "Haven", "lat": LAT - 0.003, "lon": LON, "is_safe_space": True,
            "safe_space_status": "open"}  # fmt: skip
    around = [(0, 0), (0.0002, 0), (0, 0.0002), (0.0001, -0.0001)]  # incidents at and just north of each
    incidents = [incident(n, LAT + d, LON + e) for n, (d, e) in enumerate(around)]
    incidents += [incident(10 + n, LAT - 0.003 + d, LON + e) for n, (d, e) in enumerate(around)]
    reset(map_view, qtbot, incidents=incidents, flags=[flag], venues=[safe])
    on_top = js(
        map_view,
        qtbot,
        "['.cr-flag', '.cr-safe-body'].map(function (sel) {"
        " var r = document.querySelector(sel).getBoundingClientRect();"
        " var hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        " return !!hit.closest(sel); })",
    )
    assert on_top == [True, True]
    panes = js(
        map_view,
        qtbot,
        "['incidents', 'safeSpaces', 'flags'].map(p =>"
        " Number(getComputedStyle(document.querySelector('.leaflet-' + p + '-pane')).zIndex))",
    )
    assert panes[0] < panes[1] and panes[0] < panes[2]


def test_units_have_their_own_shapes_and_no_grade_or_safe_space_colour(map_view: MapView, qtbot: Any) -> None:
    statuses = ["available", "en_route", "on_scene", "busy", "refreshment"]
    units = [
        {"id": n, "callsign": f"SN-{n}", "kind": "police_foot" if n % 2 else "street_pastors", "status": s,
         "lat": LAT + n * 0.001, "lon": LON, "position_at": "2999-01-01T00:00:00+00:00"}
        for n, s in enumerate(statuses)
    ]  # fmt: skip
    reset(map_view, qtbot, units=units)
    drawn = js(
        map_view,
        qtbot,
        "Array.from(document.querySelectorAll('.cr-unit .cr-unit-body')).map(function (b) {"
        " var s = getComputedStyle(b);"
        " return {text: b.textContent, fill: s.backgroundColor, clip: s.clipPath}; })",
    )
    assert sorted(d["text"] for d in drawn) == [f"SN-{n}" for n in range(5)]
    forbidden = {
        QColor(c).name() for c in [*theme.GRADE_BACKGROUND.values(), *theme.SAFE_SPACE_STATUS.values()]
    }
    fills = {_hex(d["fill"]) for d in drawn}
    assert fills == {QColor(theme.UNIT_STATUS[s]).name() for s in statuses}
    assert fills.isdisjoint(forbidden)
    assert len({d["clip"] for d in drawn}) == 2 and all(d["clip"].startswith("polygon") for d in drawn)


def _hex(css: str) -> str:
    red, green, blue = (int(part) for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return QColor(red, green, blue).name()


def test_the_legend_lists_every_layer_and_each_toggles(map_view: MapView, qtbot: Any) -> None:
    reset(map_view, qtbot, incidents=[incident(1)])
    legend = js(map_view, qtbot, "controlroom.legend()")
    assert [entry["id"] for entry in legend] == [
        "incidents", "safeSpaces", "venues", "units", "flags", "zones", "cameras", "cameraGaps", "hotspots",
        "streets", "pin",
    ]  # fmt: skip
    assert all(entry["checkbox"] and entry["keys"] >= 1 for entry in legend)
    # Every layer is on at first but the coverage gaps and hotspots, which the operator asks for.
    assert [entry["id"] for entry in legend if not entry["shown"]] == ["cameraGaps", "hotspots"]
    boxes = "Array.from(document.querySelectorAll('.cr-legend input[type=checkbox]')).map(b => b.tabIndex)"
    assert js(map_view, qtbot, boxes) == [0] * 11  # reached with Tab

    drawn = "document.querySelectorAll('path[data-incident]').length"
    wait_until(qtbot, lambda: js(map_view, qtbot, drawn) == 1, "the incident is drawn")
    assert js(map_view, qtbot, "controlroom.toggleLayer('incidents')") is False
    assert js(map_view, qtbot, drawn) == 0
    assert js(map_view, qtbot, "controlroom.legend()")[0]["shown"] is False
    streets = "document.querySelectorAll('.leaflet-labels-pane .cr-label-street').length"
    assert js(map_view, qtbot, "controlroom.toggleLayer('streets')") is False
    wait_until(qtbot, lambda: js(map_view, qtbot, streets) == 0, "the street names faded out")
    assert js(map_view, qtbot, "controlroom.toggleLayer('incidents')") is True
    assert js(map_view, qtbot, drawn) == 1


def test_selecting_keeps_the_overview_and_home_returns_to_it(map_view: MapView, qtbot: Any) -> None:
    map_view.bridge.reset([snapshot(1), snapshot(2, FAR_LAT, FAR_LON)], [])
    overview = view_state(map_view, qtbot)
    assert overview["atOverview"] is True

    map_view.bridge.select_incident(1)  # in view: its popup opens, nothing moves
    wait_until(qtbot, lambda: js(map_view, qtbot, "controlroom.openIncident()") == 1, "incident 1's popup")
    assert view_state(map_view, qtbot)["zoom"] == overview["zoom"]

    js(map_view, qtbot, "controlroom.closePopups()")
    map_view.bridge.select_incident(2)  # out of view: the map pans, never zooms
    wait_until(qtbot, lambda: js(map_view, qtbot, "controlroom.openIncident()") == 2, "incident 2's popup")
    panned = view_state(map_view, qtbot)
    assert panned["zoom"] == overview["zoom"] and panned["centre"] != overview["centre"]
    south, west, north, east = panned["bounds"]
    assert south < FAR_LAT < north and west < FAR_LON < east

    js(map_view, qtbot, "controlroom.closePopups()")
    map_view.focusProxy().setFocus()
    QTest.keyClick(map_view.focusProxy(), Qt.Key.Key_Home)
    wait_until(qtbot, lambda: view_state(map_view, qtbot)["atOverview"], "Home went back to the overview")

    map_view.bridge.select_incident(2)
    wait_until(qtbot, lambda: not view_state(map_view, qtbot)["atOverview"], "the map panned away")
    map_view.bridge.show_overview()
    wait_until(qtbot, lambda: view_state(map_view, qtbot)["atOverview"], "show_overview() restored it")
    assert view_state(map_view, qtbot)["zoom"] == overview["zoom"]


def test_centre_once_pans_only_when_the_incident_is_off_screen(map_view: MapView, qtbot: Any) -> None:
    map_view.bridge.reset([snapshot(1), snapshot(2, FAR_LAT, FAR_LON, grade=1)], [])
    before = view_state(map_view, qtbot)
    map_view.bridge.centre_once(1)
    js(map_view, qtbot, "true")  # the page handled the message before this answer
    assert view_state(map_view, qtbot) == before

    map_view.bridge.centre_once(2)
    wait_until(qtbot, lambda: view_state(map_view, qtbot)["centre"] != before["centre"], "the map panned")
    after = view_state(map_view, qtbot)
    south, west, north, east = after["bounds"]
    assert after["zoom"] == before["zoom"] and south < FAR_LAT < north and west < FAR_LON < east
    assert js(map_view, qtbot, "controlroom.openIncident()") is None  # centring opens nothing


def test_show_pin_draws_the_picked_point_and_a_map_click_changes_nothing(
    map_view: MapView, qtbot: Any
) -> None:
    map_view.bridge.show_pin(LAT, LON)
    wait_until(qtbot, lambda: js(map_view, qtbot, "controlroom.pin()") == [LAT, LON], "the pin is drawn")
    assert js(map_view, qtbot, "document.querySelectorAll('.cr-pin').length") == 1
    map_view.bridge.show_pin(LAT + 0.001, LON)  # one pin: a new point moves it
    wait_until(qtbot, lambda: js(map_view, qtbot, "controlroom.pin()") == [LAT + 0.001, LON], "the pin moved")
    assert js(map_view, qtbot, "document.querySelectorAll('.cr-pin').length") == 1

    map_view.bridge.clear_pin()
    wait_until(qtbot, lambda: js(map_view, qtbot, "controlroom.pin()") is None, "the pin is gone")
    assert js(map_view, qtbot, "document.querySelectorAll('.cr-pin').length") == 0

    before = view_state(map_view, qtbot)
    clicks: list[tuple[float, float]] = []
    map_view.bridge.sig_map_clicked.connect(lambda lat, lon: clicks.append((lat, lon)))
    QTest.mouseClick(
        map_view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(60, 300)
    )
    wait_until(qtbot, lambda: len(clicks) == 1, "the click reached Python as a point")
    assert js(map_view, qtbot, "controlroom.pin()") is None
    assert view_state(map_view, qtbot) == before


def test_an_alerting_grade_1_rings_differently_from_a_grade_2(map_view: MapView, qtbot: Any) -> None:
    reset(map_view, qtbot, incidents=[incident(1, grade=1), incident(2, LAT + 0.003, grade=2)])
    apply(map_view, qtbot, {"type": "alerts", "ids": [1, 2]})
    assert js(map_view, qtbot, "[1, 2].map(controlroom.alertLevel)") == ["g1", "g2"]
    rings = js(
        map_view,
        qtbot,
        "[1, 2].map(function (id) { var p = document.querySelector('[data-incident=\"' + id + '\"]');"
        " return [p.classList.contains('cr-flash-g1'), p.classList.contains('cr-flash-g2'),"
        " getComputedStyle(p).stroke]; })",
    )
    assert rings[0][:2] == [True, False] and rings[1][:2] == [False, True]
    assert _hex(rings[0][2]) == QColor(theme.MAP_ALERT_G1).name()  # a G1's ring is there between beats too
    assert sorted(js(map_view, qtbot, "controlroom.flashing()")) == ["1", "2"]
    beats = (
        "['cr-blink', 'cr-blink-fast']"
        ".map(c => document.querySelector('.leaflet-container').classList.contains(c))"
    )
    seen: set[tuple[bool, bool]] = set()
    wait_until(
        qtbot,
        lambda: seen.add(tuple(js(map_view, qtbot, beats))) or len(seen) >= 3,
        "the fast (G1) beat flips between the slow (G2) ones",
    )


def test_ten_thousand_incidents_are_drawn_as_clusters_and_updated_by_diffs(
    map_view: MapView, qtbot: Any
) -> None:
    """Measured here on 2 shared cores: ~1.2 s from reset to clusters on screen, ~60-90 ms per diff."""
    rnd = random.Random(12)
    grades = [1, 2, 3, 4, None]
    snaps = [
        snapshot(n, 50.896 + rnd.random() * 0.021, -1.414 + rnd.random() * 0.024, rnd.choice(grades))
        for n in range(1, 10_001)
    ]
    started = time.perf_counter()
    map_view.bridge.reset(snaps, [])
    clusters = "document.querySelectorAll('.cr-cluster').length"
    wait_until(
        qtbot,
        lambda: map_view.bridge.last_counts.get("incidents") == 10_000 and js(map_view, qtbot, clusters) > 0,
        "10,000 incidents on the page, drawn as clusters",
        timeout=20_000,
    )
    drawn_in = time.perf_counter() - started
    assert js(map_view, qtbot, clusters) < 1000  # clusters, not 10,000 markers

    started = time.perf_counter()
    updates = [upsert(replace(s, grade=1, version=2)) for s in snaps[:200]]
    removals = [Change(seq=2, entity="incident", op="delete", entity_id=s.id) for s in snaps[5000:5100]]
    map_view.bridge.apply_changes(updates + removals)
    map_view.bridge.flush()
    wait_until(
        qtbot,
        lambda: map_view.bridge.last_counts.get("incidents") == 9_900,
        "the diff reached the page",
        timeout=10_000,
    )
    diff_in = time.perf_counter() - started
    assert js(map_view, qtbot, "controlroom.isMoving()") is False  # and the page still answers
    assert drawn_in < 10 and diff_in < 2, (drawn_in, diff_in)


def upsert(incident: IncidentSnapshot) -> Change:
    return Change(seq=2, entity="incident", op="upsert", entity_id=incident.id, incident=incident)
