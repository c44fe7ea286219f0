"""The map shows the theme's colours: what Chromium computes equals what theme.py says."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from PySide6.QtGui import QColor

from controlroom.config import Settings
from controlroom.core.domain import SOUTHAMPTON_CENTRE
from tests.ui.conftest import js
from tests.ui.waits import wait_until
from ui.common import theme
from ui.map.view import MapView

LAT, LON = SOUTHAMPTON_CENTRE.centre


def _css_rgb(colour: str) -> str:
    """How getComputedStyle writes an opaque colour: ``rgb(r, g, b)``."""
    c = QColor(colour)
    return f"rgb({c.red()}, {c.green()}, {c.blue()})"


def _computed(view: MapView, qtbot: Any, selector: str, prop: str) -> Any:
    return js(
        view, qtbot, f"getComputedStyle(document.querySelector({json.dumps(selector)}))[{json.dumps(prop)}]"
    )


def _open_map(qtbot: Any) -> MapView:
    view = MapView(Settings())
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    wait_until(qtbot, lambda: view.bridge.page_ready, "the map page booted and joined the channel", 15000)
    now = datetime.now(UTC).isoformat()
    message = {
        "type": "reset",
        "incidents": [
            {"id": 1, "lat": LAT, "lon": LON, "grade": 1, "status": "open"},
            {"id": 2, "lat": LAT + 0.001, "lon": LON, "grade": None, "status": "open"},
        ],
        "venues": [
            {
                "id": 7,
                "name": "Safe",
                "lat": LAT,
                "lon": LON + 0.001,
                "is_safe_space": True,
                "safe_space_status": "full",
            },
        ],
        "units": [
            {
                "id": 3,
                "callsign": "P1",
                "kind": "police_foot",
                "status": "on_scene",
                "lat": LAT,
                "lon": LON - 0.001,
                "position_at": now,
            },
        ],
    }
    js(view, qtbot, f"controlroom.apply({json.dumps(json.dumps(message))}) || true")
    return view


def test_the_page_declares_the_theme_palette(qtbot: Any) -> None:
    view = _open_map(qtbot)
    names = json.dumps(list(theme.map_palette()))
    declared = js(
        view,
        qtbot,
        f"(function () {{ var s = getComputedStyle(document.documentElement), out = {{}};"
        f" {names}.forEach(function (n) {{ out[n] = s.getPropertyValue('--cr-' + n).trim(); }});"
        f" return out; }})()",
    )
    assert declared == theme.map_palette()


def test_markers_and_legend_render_in_the_theme_colours(qtbot: Any) -> None:
    view = _open_map(qtbot)
    # Incident markers are SVG paths Leaflet fills from the palette map.js read at boot.
    fills = js(
        view,
        qtbot,
        "[1, 2].map(function (id) {"
        " return document.querySelector('[data-incident=\"' + id + '\"]').getAttribute('fill'); })",
    )
    assert fills == [theme.GRADE_BACKGROUND[1], theme.GRADE_BACKGROUND[None]]
    # Everything else is styled by map.css through the --cr-* custom properties.
    assert _computed(view, qtbot, ".cr-dot.cr-grade-1", "backgroundColor") == _css_rgb(
        theme.GRADE_BACKGROUND[1]
    )
    assert _computed(view, qtbot, ".cr-safe.cr-safe-full .cr-safe-body", "backgroundColor") == _css_rgb(
        theme.SAFE_SPACE_STATUS["full"]
    )
    assert _computed(view, qtbot, ".cr-unit.cr-unit-on_scene .cr-unit-body", "backgroundColor") == _css_rgb(
        theme.UNIT_STATUS["on_scene"]
    )
    assert _computed(view, qtbot, "body", "backgroundColor") == _css_rgb(theme.BACKGROUND)
    assert _computed(view, qtbot, ".cr-legend", "backgroundColor") == theme.rgba(theme.PANEL, 0.92)
