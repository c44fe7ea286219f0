"""Build the map page with folium, from local assets only — once per installed version.

Folium would pull Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; a
control room is often offline, so the map instance's own ``default_js`` /
``default_css`` (not the class's) point at the installed ``xstatic-leaflet``
and ``xstatic-leaflet-markercluster`` files, plus our own ``resources/map`` scripts
and style. Live data never goes
into the page: it arrives later through the bridge.

Importing folium (and numpy through branca) costs about half a second, a quarter
of the window's cold start, to produce the same page every time. So ``map_page``
keeps the built page in the data directory under a key made of everything the page
is made from — the program's and folium's versions, where Leaflet and our
resources are installed, the street layer, the palette, the tile settings, the
basemap file (its path, size and time), the area and this module's own source — and
builds it again only when one changes.

The street layer is the one the window starts with (``controlroom.geo.network.street_layer``:
the imported road network, else the shipped file); the basemap's tiles come from the
file through ``ui.map.tiles`` and a ``crtiles:`` URL, drawn under the streets.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from controlroom import __version__
from controlroom.config import Settings, data_dir
from controlroom.core.domain import SOUTHAMPTON_CENTRE, OperatingArea
from controlroom.core.resources import resource, resources_dir
from controlroom.core.validation import inert
from ui.common import theme
from ui.map.street_labels import street_labels

if TYPE_CHECKING:
    from ui.map.tiles import Basemap

QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"
# Our scripts, in load order: map.js boots the page and uses the others.
SCRIPTS = (
    "labels.js",
    "legend.js",
    "popups.js",
    "incidents.js",
    "overlays.js",
    "marks.js",
    "cameras.js",
    "hotspots.js",
    "basemap.js",
    "map.js",
)


def leaflet_dir() -> Path:
    # xstatic's package module is tiny; folium is not imported for this.
    from xstatic.pkg import leaflet

    return Path(leaflet.BASE_DIR)


def markercluster_dir() -> Path:
    """Leaflet.markercluster: several incidents at one place show a count and fan out on click."""
    from xstatic.pkg import leaflet_markercluster

    return Path(leaflet_markercluster.BASE_DIR)


def page_key(
    settings: Settings,
    area: OperatingArea = SOUTHAMPTON_CENTRE,
    *,
    streets: dict[str, Any] | None = None,
    basemap: Basemap | None = None,
) -> str:
    """A digest of everything the built page depends on (a change means a new page)."""
    parts = {
        "controlroom": __version__,
        "folium": _installed_version("folium"),
        "leaflet": str(leaflet_dir()),
        "markercluster": str(markercluster_dir()),
        "resources": str(resources_dir()),
        "streets": _streets_digest(streets),
        "basemap": _basemap_options(basemap),
        "builder": _builder_digest(),
        "palette": theme.map_palette_css(),
        "tiles": [settings.tile_url, settings.tile_attribution],
        "area": [area.south, area.west, area.north, area.east],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def _streets_digest(streets: dict[str, Any] | None) -> str:
    if streets is None:
        return hashlib.sha256(resource("geo", "streets.geojson").read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps(streets, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _basemap_options(basemap: Basemap | None) -> dict[str, Any] | None:
    """The Leaflet tile layer of the basemap file (basemap.js adds it under the streets)."""
    if basemap is None:
        return None
    meta = basemap.metadata
    options: dict[str, Any] = {
        "url": basemap.url_template,
        # Below and above the file's own zoom levels Leaflet scales the nearest ones.
        "minNativeZoom": meta.min_zoom,
        "maxNativeZoom": meta.max_zoom,
        # Leaflet sets the attribution as HTML: the file's text is shown as text.
        "attribution": html.escape(inert(meta.attribution or meta.name)),
    }
    if meta.bounds is not None:
        west, south, east, north = meta.bounds
        options["bounds"] = [[south, west], [north, east]]
    return options


def _installed_version(distribution: str) -> str:
    """The installed version; "" inside a bundle, which ships no metadata (its own version pins it)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def _builder_digest() -> str:
    """This module's and the label placer's source, so an edited builder rebuilds the page
    in a working tree.

    A PyInstaller bundle has no source file beside its modules; its version stands for it.
    """
    digest = hashlib.sha256()
    try:
        for module in (Path(__file__), Path(__file__).with_name("street_labels.py")):
            digest.update(module.read_bytes())
    except OSError:
        return ""
    return digest.hexdigest()


def map_page(
    settings: Settings,
    area: OperatingArea = SOUTHAMPTON_CENTRE,
    *,
    cache_dir: Path | None = None,
    streets: dict[str, Any] | None = None,
    basemap: Basemap | None = None,
) -> Path:
    """The map page for these settings: built on first use, then read from the cache.

    ``streets``: the street layer to draw (None: the shipped one); ``basemap``: an opened
    basemap file whose tiles the page asks for (None: no tiles of a file).
    """
    folder = cache_dir or data_dir() / "cache"
    target = folder / f"map-{page_key(settings, area, streets=streets, basemap=basemap)}.html"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    # Built beside the target and renamed: a second console starting at the same
    # moment sees either no page or a whole one, never half of one.
    fd, partial = tempfile.mkstemp(dir=folder, prefix=".map-", suffix=".html")
    os.close(fd)
    try:
        build_map_page(Path(partial), settings, area, streets=streets, basemap=basemap)
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)
    return target


def build_map_page(
    target: Path,
    settings: Settings,
    area: OperatingArea = SOUTHAMPTON_CENTRE,
    *,
    streets: dict[str, Any] | None = None,
    basemap: Basemap | None = None,
) -> Path:
    """Write the map page to ``target`` (an ``.html`` file) and return it."""
    import folium
    from branca.element import Element

    assets = leaflet_dir()
    fmap = folium.Map(
        location=list(area.centre),
        zoom_start=16,
        # Low enough that the whole area fits a small docked pane (the overview never clamps).
        min_zoom=12,
        max_zoom=19,
        tiles=None,
        control_scale=True,
        max_bounds=True,
        min_lat=area.south - 0.02,
        max_lat=area.north + 0.02,
        min_lon=area.west - 0.03,
        max_lon=area.east + 0.03,
    )
    cluster = markercluster_dir()
    fmap.default_js = [
        ("leaflet", (assets / "leaflet.js").as_uri()),
        ("markercluster", (cluster / "leaflet.markercluster.js").as_uri()),
    ]
    fmap.default_css = [
        ("leaflet_css", (assets / "leaflet.css").as_uri()),
        ("markercluster_css", (cluster / "MarkerCluster.css").as_uri()),
    ]
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
    for script in SCRIPTS:
        header.add_child(
            Element(f'<script src="{resource("map", script).as_uri()}"></script>'),
            name=f"controlroom_{script.replace('.', '_')}",
        )
    if streets is None:
        streets = json.loads(resource("geo", "streets.geojson").read_text(encoding="utf-8"))
    _script_element("controlroomBasemap.init", {"layer": _basemap_options(basemap)}).add_to(fmap)
    _boot_element({"streets": streets, "labels": street_labels(streets)}).add_to(fmap)
    target.parent.mkdir(parents=True, exist_ok=True)
    fmap.save(str(target))
    return target


def _boot_element(options: dict[str, Any]) -> Any:
    """The element that hands the folium map object to ``controlroom.boot`` once Leaflet made it."""
    return _script_element("controlroom.boot", options)


def _script_element(function: str, options: dict[str, Any]) -> Any:
    """An element calling ``function(map, options)`` in the page once Leaflet made the map."""
    from branca.element import MacroElement
    from jinja2 import Template

    class MapCall(MacroElement):
        _template = Template(
            """{% macro script(this, kwargs) %}
            {{ this.function }}({{ this._parent.get_name() }}, {{ this.options_json }});
            {% endmacro %}"""
        )

        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self._name = "Controlroom" + function.rsplit(".", 1)[-1].title()
            self.function = function
            # </script> inside a JSON string would end the script element early.
            self.options_json = json.dumps(options).replace("</", "<\\/")

    return MapCall()
