"""``MapView``: the QtWebEngine view that shows the map page (built once per installed version)."""

from __future__ import annotations

import json

from PySide6.QtCore import QUrl
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from controlroom.config import Settings
from ui.common import theme
from ui.map.bridge import MapBridge
from ui.map.page import map_page


class MapView(QWebEngineView):
    """The map of venues, safe spaces and incidents; talks to Python via ``bridge``."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
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
        # Loaded from a file, not setHtml(): setHtml becomes a data: URL capped at 2 MB
        # and could not reach the local Leaflet files.
        self.page_path = map_page(settings)
        self.load(QUrl.fromLocalFile(str(self.page_path)))

    def set_safe_space_editable(self, venue_ids: list[int]) -> None:
        """Show safe-space status buttons only on these venues' popups (now, or once ready)."""
        script = f"window.controlroom && controlroom.setSafeSpaceEditable({json.dumps(venue_ids)})"

        def push() -> None:
            self.page().runJavaScript(script)

        self.bridge.sig_page_ready.connect(push)
        if self.bridge.page_ready:
            push()
