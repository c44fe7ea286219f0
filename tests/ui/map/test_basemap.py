"""The basemap from a file: tiles served through the crtiles: scheme and drawn under the streets.

The tests make their own tile files (solid-colour PNG tiles over the city centre at zoom 14),
load the real map page in QtWebEngine and look at what it drew.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from controlroom.config import Settings
from controlroom.geo.network import shipped_street_layer
from tests.tile_files import png_tile, write_mbtiles, write_pmtiles
from tests.ui.conftest import js
from tests.ui.waits import wait_until
from ui.map.page import map_page
from ui.map.tiles import open_basemap
from ui.map.view import MapView

NIGHT_BLUE = (24, 40, 96)
# Zoom-14 tiles over the operating area and one tile round it (x 8127-8128, y 5491-5492 hold the area).
CITY_TILES = {(14, x, y): png_tile(NIGHT_BLUE) for x in range(8126, 8130) for y in range(5490, 5494)}
WRITERS: dict[str, Callable[..., Path]] = {"mbtiles": write_mbtiles, "pmtiles": write_pmtiles}


def _open_map(qtbot: Any, settings: Settings, **kwargs: Any) -> MapView:
    view = MapView(settings, **kwargs)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    wait_until(qtbot, lambda: view.bridge.page_ready, "the map page booted and joined the channel", 15000)
    return view


def _share_of(image: QImage, rgb: tuple[int, int, int]) -> float:
    """The share of a grid of sample points that have exactly this colour."""
    want = QColor(*rgb).rgb()
    points = [(x, y) for x in range(5, image.width(), 20) for y in range(5, image.height(), 20)]
    return sum(image.pixel(x, y) == want for x, y in points) / len(points)


@pytest.mark.parametrize("kind", ["mbtiles", "pmtiles"])
def test_the_basemap_files_tiles_are_served_through_the_scheme_and_drawn(
    qtbot: Any, tmp_path: Path, kind: str
) -> None:
    path = WRITERS[kind](tmp_path / f"night.{kind}", CITY_TILES, attribution="© City <b>force</b>")
    view = _open_map(qtbot, Settings(basemap=path))
    assert view.basemap is not None
    key = view.basemap.key
    wait_until(qtbot, lambda: view.tiles.served[key] >= 4, "the page asked the scheme handler for tiles")
    # Most of the map is the tiles' colour: without them it is the dark background.
    wait_until(
        qtbot, lambda: _share_of(view.grab().toImage(), NIGHT_BLUE) > 0.5, "the tiles drawn on the map", 10000
    )
    status = js(view, qtbot, "controlroomBasemap.status()")
    assert status["layer"] is True and status["tilesLoaded"] >= 4 and status["note"] is None
    attribution = js(view, qtbot, "document.querySelector('.leaflet-control-attribution').textContent")
    assert "© City <b>force</b>" in attribution  # the file's markup shown as text, not obeyed
    # Under the streets: the tile pane stands below the pane the street lines are drawn in.
    panes = js(
        view,
        qtbot,
        "[getComputedStyle(document.querySelector('.leaflet-tile-pane')).zIndex,"
        " getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex]",
    )
    assert int(panes[0]) < int(panes[1])
    assert js(view, qtbot, "controlroom.counts().streets") > 0


def test_a_basemap_file_that_cannot_be_used_is_named_on_the_map_over_the_street_layer(
    qtbot: Any, tmp_path: Path
) -> None:
    vector = write_mbtiles(tmp_path / "vector.mbtiles", CITY_TILES, fmt="pbf")
    view = _open_map(qtbot, Settings(basemap=vector))
    wait_until(
        qtbot,
        lambda: (js(view, qtbot, "controlroomBasemap.status()") or {}).get("note"),
        "the map names the basemap problem",
    )
    status = js(view, qtbot, "controlroomBasemap.status()")
    assert status["layer"] is False
    assert status["note"] == (
        f"No basemap: basemap file {vector} holds vector tiles (format pbf), which the map cannot draw; "
        "[map] basemap must name a raster MBTiles or PMTiles (v3) file of png, jpg or webp tiles. "
        "The map shows the street layer."
    )
    assert js(view, qtbot, "controlroom.counts().streets") > 0
    assert view.basemap is None
    js(view, qtbot, "document.querySelector('.cr-basemap-note-close').click()")
    assert js(view, qtbot, "controlroomBasemap.status().note") is None  # dismissed once read


def test_the_page_draws_the_street_layer_it_is_given(qtbot: Any) -> None:
    layer = shipped_street_layer()
    streets = [f for f in layer["features"] if f["properties"]["kind"] != "park"]
    layer["features"] = streets[:3]  # an imported network of three segments
    view = _open_map(qtbot, Settings(), streets=layer)
    assert js(view, qtbot, "controlroom.counts().streets") == 3


def test_the_cached_page_follows_the_basemap_file_and_the_street_layer(tmp_path: Path) -> None:
    path = write_mbtiles(tmp_path / "night.mbtiles", CITY_TILES)
    cache = tmp_path / "cache"
    plain = map_page(Settings(), cache_dir=cache)
    basemap, problem = open_basemap(Settings(basemap=path))
    assert basemap is not None and problem is None
    with_file = map_page(Settings(basemap=path), cache_dir=cache, basemap=basemap)
    assert with_file != plain and basemap.url_template.split("{")[0] in with_file.read_text()
    assert "crtiles://" not in plain.read_text()
    basemap.source.close()
    write_mbtiles(path.with_suffix(".new"), dict(list(CITY_TILES.items())[:4])).replace(path)  # a new copy
    renewed, _ = open_basemap(Settings(basemap=path))
    assert renewed is not None and renewed.key != basemap.key
    assert map_page(Settings(basemap=path), cache_dir=cache, basemap=renewed) != with_file
    renewed.source.close()
    layer = shipped_street_layer()
    layer["features"] = layer["features"][:5]
    assert map_page(Settings(), cache_dir=cache, streets=layer) != plain


def test_the_window_draws_the_imported_road_network(qtbot: Any, arun: Any, sqlite_url: str) -> None:
    from controlroom.storage.database import Database
    from controlroom.storage.models import RoadSegment
    from ui.shell.app import create_window, start_streets

    async def import_two_roads(db: Database) -> None:  # as controlroom geo import-roads leaves them
        async with db.write() as session:
            for name, line in (
                ("Above Bar Street", [[50.905, -1.404], [50.909, -1.405]]),
                ("Bargate Street", [[50.902, -1.405], [50.903, -1.402]]),
            ):
                session.add(
                    RoadSegment(name=name, road_class="B Road", coordinates=json.dumps(line), length_m=1.0)
                )

    db = Database(sqlite_url)
    arun(import_two_roads(db))
    window = create_window(db, Settings(), alert_sound=lambda: None, streets=arun(start_streets(db)))
    qtbot.addWidget(window)
    window.show()
    wait_until(qtbot, lambda: window.map.bridge.page_ready, "the map page booted", 15000)
    assert js(window.map, qtbot, "controlroom.counts().streets") == 2
    arun(db.dispose())
