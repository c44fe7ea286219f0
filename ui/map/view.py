"""``MapView``: the QtWebEngine view that shows the map page (built once per installed version)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from controlroom.config import Settings
from controlroom.core.validation import inert
from ui.common import theme
from ui.map.bridge import MapBridge
from ui.map.page import map_page
from ui.map.tiles import open_basemap, tile_handler


class MapView(QWebEngineView):
    """The map of venues, safe spaces and incidents; talks to Python via ``bridge``."""

    def __init__(
        self, settings: Settings, parent: QWidget | None = None, *, streets: dict[str, Any] | None = None
    ) -> None:
        """``streets``: the street layer to draw (the imported road network); None: the shipped one."""
        super().__init__(parent)
        self.bridge = MapBridge(self)
        self._channel = QWebChannel(self)
        self._channel.registerObject("bridge", self.bridge)
        page = QWebEnginePage(self)
        # The channel must be set before loading so the page finds qt.webChannelTransport.
        page.setWebChannel(self._channel)
        web_settings = page.settings()
        web_settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        web_settings.setAttribute(
            QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, settings.tile_url is not None
        )
        page.setBackgroundColor(theme.BACKGROUND)
        self.setPage(page)
        # A basemap file that cannot be used is named on the map, which falls back to the streets.
        basemap, self.basemap_problem = open_basemap(settings)
        self.tiles = tile_handler(page.profile())
        self.basemap = self.tiles.add(basemap) if basemap is not None else None
        if self.basemap_problem is not None:
            note = json.dumps(f"No basemap: {inert(self.basemap_problem)}. The map shows the street layer.")
            self._run_when_ready(f"window.controlroomBasemap && controlroomBasemap.showProblem({note})")
        # Loaded from a file, not setHtml(): setHtml becomes a data: URL capped at 2 MB
        # and could not reach the local Leaflet files.
        self.page_path = map_page(settings, streets=streets, basemap=self.basemap)
        self.load(QUrl.fromLocalFile(str(self.page_path)))

    def set_safe_space_editable(self, venue_ids: list[int]) -> None:
        """Show safe-space status buttons only on these venues' popups (now, or once ready)."""
        self._run_when_ready(
            f"window.controlroom && controlroom.setSafeSpaceEditable({json.dumps(venue_ids)})"
        )

    def _run_when_ready(self, script: str) -> None:
        """Run ``script`` in the page once it has booted (now, if it has), and after each reload."""

        def push() -> None:
            self.page().runJavaScript(script)

        self.bridge.sig_page_ready.connect(push)
        if self.bridge.page_ready:
            push()
