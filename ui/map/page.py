"""Build the map page once, with folium, from local assets only.

Folium would pull Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; a
control room is often offline, so the map instance's own ``default_js`` /
``default_css`` (not the class's) point at the installed ``xstatic-leaflet``
files, plus our own ``resources/map`` script and style. Live data never goes
into the page: it arrives later through the bridge.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from xstatic.pkg import leaflet

from controlroom.config import Settings
from controlroom.core.domain import SOUTHAMPTON_CENTRE, OperatingArea
from controlroom.core.resources import resource
from ui.common import theme

QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"


class _Boot(MacroElement):
    """Hands the folium map object to ``controlroom.boot`` once Leaflet made it."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        controlroom.boot({{ this._parent.get_name() }}, {{ this.options_json }});
        {% endmacro %}"""
    )

    def __init__(self, options: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ControlroomBoot"
        # </script> inside a JSON string would end the script element early.
        self.options_json = json.dumps(options).replace("</", "<\\/")


def leaflet_dir() -> Path:
    return Path(leaflet.BASE_DIR)


def build_map_page(target: Path, settings: Settings, area: OperatingArea = SOUTHAMPTON_CENTRE) -> Path:
    """Write the map page to ``target`` (an ``.html`` file) and return it."""
    assets = leaflet_dir()
    fmap = folium.Map(
        location=list(area.centre),
        zoom_start=16,
        min_zoom=13,
        max_zoom=19,
        tiles=None,
        control_scale=True,
        max_bounds=True,
        min_lat=area.south - 0.02,
        max_lat=area.north + 0.02,
        min_lon=area.west - 0.03,
        max_lon=area.east + 0.03,
    )
    fmap.default_js = [("leaflet", (assets / "leaflet.js").as_uri())]
    fmap.default_css = [("leaflet_css", (assets / "leaflet.css").as_uri())]
    if settings.tile_url:
        folium.TileLayer(
            tiles=settings.tile_url,
            attr=settings.tile_attribution or "Local tiles",
            name="Tiles",
            max_zoom=19,
        ).add_to(fmap)
    header: Any = getattr(fmap.get_root(), "header")  # noqa: B009 - folium's Figure, untyped
    header.add_child(Element(f'<script src="{QWEBCHANNEL_JS}"></script>'), name="qwebchannel")
    # map.css and map.js take every colour from these custom properties.
    header.add_child(Element(f"<style>{theme.map_palette_css()}</style>"), name="controlroom_palette")
    header.add_child(
        Element(f'<link rel="stylesheet" href="{resource("map", "map.css").as_uri()}"/>'),
        name="controlroom_css",
    )
    header.add_child(
        Element(f'<script src="{resource("map", "map.js").as_uri()}"></script>'), name="controlroom_js"
    )
    streets = json.loads(resource("geo", "streets.geojson").read_text(encoding="utf-8"))
    _Boot({"streets": streets}).add_to(fmap)
    target.parent.mkdir(parents=True, exist_ok=True)
    fmap.save(str(target))
    return target
